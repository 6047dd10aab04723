"""The error classes found on the headline development set (tests/fixtures/escalation/
blind-headlines.jsonl), each on headlines written for the test (not taken from the set): a
present-tense verb the tagger reads as a noun, an object the parser hangs off the verb as an
adverbial, verbs that the rules knew only in the past tense, clashes that kill with no side named."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.escalation.syntax import assign_pos
from tests.analysis.escalation_support import analyzer, kinds, signals

__all__ = ["analyzer"]  # the shared module-scoped fixture


def _parsed(words: list[str], tags: list[str], heads: list[int], deps: list[str]) -> Doc:
    doc = Doc(Vocab(), words=words, tags=tags, heads=heads, deps=deps)
    assign_pos(doc)
    return doc


# ---------------------------------------------------------------- a headline verb read as a noun

@pytest.mark.parametrize(("text", "kind"), [
    ("Junta shells Lashio suburbs", "shelling"),
    ("Army shells separatist positions in Kumba", "shelling"),
    ("Howitzers pound Lyman", "shelling"),
    ("Missiles slam into Zaporizhzhia", "shelling"),
])
def test_a_present_tense_headline_verb_tagged_as_a_noun_is_the_verb(analyzer: Analyzer, text: str,
                                                                    kind: str) -> None:
    assert kind in kinds(analyzer, text)


def test_a_plural_noun_root_with_a_subject_and_an_object_becomes_the_verb() -> None:
    doc = _parsed(["Militia", "shells", "Beni", "villages"], ["NNP", "NNS", "NNP", "NNS"],
                  [1, 1, 3, 1], ["compound", "ROOT", "compound", "appos"])
    assert doc[1].pos_ == "VERB"
    assert (doc[0].dep_, doc[3].dep_) == ("nsubj", "dobj")


def test_a_verb_folded_into_a_name_becomes_the_root() -> None:
    doc = _parsed(["Tanks", "pound", "Vuhledar"], ["NNS", "NN", "NNP"], [1, 2, 2],
                  ["compound", "compound", "ROOT"])
    assert (doc[1].pos_, doc[1].dep_, doc[2].dep_, doc[0].dep_) == ("VERB", "ROOT", "dobj", "nsubj")


def test_a_headline_object_parsed_as_an_adverbial_is_the_object() -> None:
    doc = _parsed(["Army", "retakes", "Jebel", "Moya"], ["NN", "VBZ", "NNP", "NNP"], [1, 1, 3, 1],
                  ["nsubj", "ROOT", "compound", "npadvmod"])
    assert doc[3].dep_ == "dobj"


@pytest.mark.parametrize("words", [["Car", "bomb", "in", "Kabul"], ["Air", "strikes", "on", "Gaza"]])
def test_a_noun_phrase_headline_stays_a_noun_phrase(words: list[str]) -> None:
    doc = _parsed(words, ["NN", "NNS" if words[1] == "strikes" else "NN", "IN", "NNP"], [1, 1, 1, 2],
                  ["compound", "ROOT", "prep", "pobj"])
    assert doc[1].pos_ == "NOUN"


@pytest.mark.parametrize("text", [
    "Tech shares bomb on Wall Street",
    "Striker shells keeper from close range",
])
def test_a_headline_verb_needs_an_armed_side_still(analyzer: Analyzer, text: str) -> None:
    assert not kinds(analyzer, text)


# ---------------------------------------------------------------- the present tense of the rules

@pytest.mark.parametrize(("text", "kind"), [
    ("Artillery pounds Avdiivka", "shelling"),
    ("Shells rain on Kherson", "shelling"),
    ("Militiamen battle troops near the Ugandan border", "armed_clash"),
    ("Bomb explodes outside Kandahar bus station", "bombing"),
])
def test_rules_read_the_present_tense_of_headlines(analyzer: Analyzer, text: str, kind: str) -> None:
    assert kind in kinds(analyzer, text)


# ---------------------------------------------------------------- sides omitted

@pytest.mark.parametrize("text", [
    "Clashes near Libyan capital kill 9",
    "Clashes near the Chadian border killed 14 on Sunday",
])
def test_clashes_that_kill_are_a_clash_with_no_side_named(analyzer: Analyzer, text: str) -> None:
    assert "armed_clash" in kinds(analyzer, text)


@pytest.mark.parametrize("text", [
    "Clashes between police and protesters kill 3 in Dakar",
    "Clashes between rival fans kill 2 after derby",
])
def test_clashes_of_police_protesters_or_fans_that_kill_are_no_armed_clash(analyzer: Analyzer,
                                                                          text: str) -> None:
    assert "armed_clash" not in kinds(analyzer, text)


# ---------------------------------------------------------------- a state strikes, as a verb

@pytest.mark.parametrize("text", [
    "Israel strikes Hezbollah targets in Beirut",
    "Turkey strikes Kurdish positions in northern Iraq",
])
def test_a_state_that_strikes_targets_is_an_air_strike(analyzer: Analyzer, text: str) -> None:
    assert "air_strike" in kinds(analyzer, text)


@pytest.mark.parametrize("text", [
    "Israel strikes deal with Hamas over hostages",
    "Britain strikes trade deal with India",
    "Earthquake strikes northern Afghanistan",
])
def test_a_state_that_strikes_a_deal_strikes_nothing(analyzer: Analyzer, text: str) -> None:
    assert "air_strike" not in kinds(analyzer, text)


def test_a_state_that_would_strike_is_no_headline_strike(analyzer: Analyzer) -> None:
    found = {s.rule_id for s in signals(analyzer, "Turkey said it would strike Kurdish positions "
                                                  "in northern Iraq if the attacks went on.")}
    assert "air-strike-state-strikes-verb" not in found
