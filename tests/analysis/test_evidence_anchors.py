"""Country evidence is looked for through substrings every match must contain: the same answer
as running every expression, at a fraction of the cost."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashpoint.analysis.regions.anchors import pattern_anchors
from flashpoint.analysis.regions.cues import CountryEvidence, EvidenceScanner, load_country_evidence

ENTRIES = load_country_evidence()


@pytest.mark.parametrize(
    ("pattern", "anchors"),
    [
        (r"\bNHS\b", {"NHS"}),
        (r"\bborough council\b|\bHome Office\b", {"borough council", "Home Office"}),
        (r"\b[Cc]ounty [Cc]ommissioners\b", {"County Commissioners", "County commissioners",
                                              "county Commissioners", "county commissioners"}),
        (r"\bSheriff(?:'s|’s) (?:Office|Dept\.)", {"Sheriff's Office", "Sheriff's Dept.",
                                                    "Sheriff’s Office", "Sheriff’s Dept."}),
        (r"\bInterstate \d{1,3}\b", {"Interstate "}),
        (r"(?:ab)+c", {"ab"}),
    ],
)
def test_anchors_are_the_literal_text_every_match_contains(pattern: str, anchors: set[str]) -> None:
    assert pattern_anchors(pattern) == anchors


@pytest.mark.parametrize(
    "pattern",
    [
        r"\b[A-Z]{2} \d{5}\b",  # no literal text at all
        r"\bNHS\b|\d{5}",  # one branch without literal text
        r"(?i)\bNHS\b",  # a flag changes what matches
        r"\b(?i:nhs)\b",
        r"(?:NHS)?\d+",  # an optional group need not match
        r"x",  # a single character is in every story
    ],
)
def test_patterns_without_trustworthy_anchors_give_none(pattern: str) -> None:
    assert pattern_anchors(pattern) is None


def _every_expression(entries: tuple[CountryEvidence, ...], text: str) -> list[str]:
    return [e.id for e in entries
            if any(lit in text for lit in e.literals) or (e.pattern is not None and e.pattern.search(text))]


# Pieces of the lexicon's wording, near misses and filler: texts made of them hit and miss every entry.
_PIECES = sorted({a for e in ENTRIES for a in e.anchors or ()} | {
    "Sheriff's Office", "sheriff’s deputies", "Interstate 95", "I-10", "U.S. Route", "NY 10001",
    "TX 75001-1234", "(R-Texas)", "(D-Ill.)", "Gov. Smith", "state Senator", "£", "RCMP", "Provincial Police",
    "Home Office", "the", "said", " ", "\n", ".", "-", "Paris", "county", "Council", "Ontario", "99",
})


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_the_scanner_finds_what_running_every_expression_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert [e.id for e in EvidenceScanner(ENTRIES).found_in(text)] == _every_expression(ENTRIES, text)
    assert [e.id for e in ENTRIES if e.found_in(text)] == _every_expression(ENTRIES, text)


def test_every_match_of_every_entry_contains_one_of_its_anchors() -> None:
    examples = ["the Sheriff's Office said", "on Interstate 95", "the aldermen met", "an NHS trust",
                "Sen. Brown (D-Ohio) said", "the RCMP said", "Springfield, IL 62701"]
    for entry in ENTRIES:
        if entry.pattern is None or entry.anchors is None:
            continue
        for text in examples:
            for m in entry.pattern.finditer(text):
                assert any(a in text for a in entry.anchors), (entry.id, m.group(0))


def test_a_lexicon_pattern_with_a_flag_is_always_run() -> None:
    entry = CountryEvidence("x", "US", re.compile(r"(?i)sheriff"), (), pattern_anchors(r"(?i)sheriff"))
    assert entry.anchors is None
    assert [e.id for e in EvidenceScanner((entry,)).found_in("SHERIFF")] == ["x"]
