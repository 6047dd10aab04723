"""What the tagger reads besides the gazetteer: cue words, country evidence, English word lists.

Cue words (locatives, titles, street words...) and country evidence ("Sheriff's Office") are data
in ``lexicons/regions-cues.yaml`` and ``lexicons/regions-evidence.yaml``; the English word lists
come from the spaCy pipeline's lemmatizer tables. :class:`RegionKnowledge` bundles them with the
gazetteer and the weights, so the tagger's parts are plain functions over one read-only object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick

from flashpoint.analysis.gazetteer import Gazetteer
from flashpoint.analysis.lexicon import lexicon_path, read_records, validate_records
from flashpoint.analysis.regions.anchors import pattern_anchors
from flashpoint.analysis.regions.weights import RegionWeights

CUES_LEXICON = "regions-cues.yaml"
EVIDENCE_LEXICON = "regions-evidence.yaml"
_CUE_ROLES = (
    "locative",
    "subdivision-cue",
    "follower",
    "compass",
    "speech-verb",
    "street-word",
    "honorific",
    "determiner",
    "demonym-cultural-head",
    "language-verb",
)


@dataclass(frozen=True, slots=True)
class RegionCues:
    """Words around a name that say what it is; data in ``lexicons/regions-cues.yaml``."""

    locative: frozenset[str]
    subdivision_cues: frozenset[str]
    followers_ok: frozenset[str]
    compass: frozenset[str]
    speech_verbs: frozenset[str]
    street_words: frozenset[str]
    honorifics: frozenset[str]
    determiners: frozenset[str]
    cultural_heads: frozenset[str] = frozenset()
    language_verbs: frozenset[str] = frozenset()


def load_region_cues(path: Path | None = None) -> RegionCues:
    records = validate_records(
        read_records(path or lexicon_path(CUES_LEXICON)),
        required={"role": str, "words": list},
        allowed_values={"role": _CUE_ROLES},
    )
    by_role: dict[str, set[str]] = {role: set() for role in _CUE_ROLES}
    for rec in records:
        words = rec.data["words"]
        if not all(isinstance(w, str) and w for w in words):
            raise rec.fail(f"cue {rec.id!r}: 'words' must be non-empty strings")
        by_role[str(rec.data["role"])].update(words)
    return RegionCues(
        locative=frozenset(by_role["locative"]),
        subdivision_cues=frozenset(by_role["subdivision-cue"]),
        followers_ok=frozenset(by_role["follower"]),
        compass=frozenset(by_role["compass"]),
        speech_verbs=frozenset(by_role["speech-verb"]),
        street_words=frozenset(by_role["street-word"]),
        honorifics=frozenset(by_role["honorific"]),
        determiners=frozenset(by_role["determiner"]),
        cultural_heads=frozenset(by_role["demonym-cultural-head"]),
        language_verbs=frozenset(by_role["language-verb"]),
    )


@dataclass(frozen=True, slots=True)
class CountryEvidence:
    """Non-toponym wording only one country's local news uses ("Sheriff's Office", "Interstate
    95"): support for that country's reading of an ambiguous name, never a tag on its own."""

    id: str
    country: str
    pattern: re.Pattern[str] | None
    literals: tuple[str, ...] = ()
    # Substrings one of which every match of ``pattern`` contains (None: not known). Most stories
    # contain none of them, and a substring test is far cheaper than the regular expression: the
    # seven entries' scans were a quarter of the tagger's time.
    anchors: frozenset[str] | None = None

    def found_in(self, text: str, *, anchored: bool | None = None) -> bool:
        """Whether ``text`` shows this evidence. ``anchored``: whether one of the anchors occurs,
        when the caller already knows (:class:`EvidenceScanner` finds them all in one pass)."""
        if any(lit in text for lit in self.literals):
            return True
        if self.pattern is None:
            return False
        if self.anchors is not None:
            if anchored is None:
                anchored = any(a in text for a in self.anchors)
            if not anchored:
                return False
        return self.pattern.search(text) is not None


def load_country_evidence(path: Path | None = None) -> tuple[CountryEvidence, ...]:
    records = validate_records(
        read_records(path or lexicon_path(EVIDENCE_LEXICON)),
        required={"country": str},
    )
    out: list[CountryEvidence] = []
    for rec in records:
        patterns = rec.data.get("patterns", [])
        literals = rec.data.get("literals", [])
        for key, values in (("patterns", patterns), ("literals", literals)):
            if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
                raise rec.fail(f"evidence {rec.id!r}: {key!r} must be a list of non-empty strings")
        if not patterns and not literals:
            raise rec.fail(f"evidence {rec.id!r}: needs 'patterns' or 'literals'")
        try:
            pattern = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
        except re.error as e:
            raise rec.fail(f"evidence {rec.id!r}: bad pattern: {e}") from e
        anchors = pattern_anchors(pattern.pattern) if pattern is not None else None
        out.append(CountryEvidence(rec.id, str(rec.data["country"]), pattern, tuple(literals), anchors))
    return tuple(out)


class EvidenceScanner:
    """Which country evidence a text shows, with one pass over it: every entry's anchors are in
    one automaton, and only the entries whose anchors occur run their expressions. The same
    answer as asking each entry (:meth:`CountryEvidence.found_in`), in the entries' order."""

    def __init__(self, entries: tuple[CountryEvidence, ...]) -> None:
        self.entries = entries
        self._automaton = ahocorasick.Automaton()
        for i, entry in enumerate(entries):
            for anchor in entry.anchors or ():
                self._automaton.add_word(anchor, (*self._automaton.get(anchor, ()), i))
        self._scan = len(self._automaton) > 0
        if self._scan:
            self._automaton.make_automaton()

    def found_in(self, text: str) -> list[CountryEvidence]:
        present: set[int] = set()
        if self._scan:
            for _end, ids in self._automaton.iter(text):
                present.update(ids)
        return [entry for i, entry in enumerate(self.entries) if entry.found_in(text, anchored=i in present)]


def common_nouns_from(nlp: Any) -> frozenset[str]:
    """WordNet-derived noun lemmas ("bell", "green", "university"). They include many place and
    person names, so they only make *small towns* need support, never countries or provinces."""
    try:
        index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
        key = nlp.vocab.strings["noun"]
        return frozenset(str(w) for w in index[key]) if key in index else frozenset()
    except (KeyError, AttributeError, ValueError):
        return frozenset()


def common_words_from(nlp: Any) -> frozenset[str]:
    """Lower-case English words that are not only names: spaCy's stop words plus the adjective,
    adverb and verb lemma lists of the pipeline's lemmatizer (WordNet-derived). A city or
    province with such a name ("Nice", "Split", "Central") needs evidence before it tags.
    Nouns are left out on purpose: WordNet's noun list includes most place names."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words: set[str] = set(STOP_WORDS)
    try:
        lemmatizer = nlp.get_pipe("lemmatizer")
        index = lemmatizer.lookups.get_table("lemma_index")
        for pos in ("adj", "adv", "verb"):
            key = nlp.vocab.strings[pos]
            if key in index:
                words.update(str(w) for w in index[key])
    except (KeyError, AttributeError, ValueError):
        # a blank or custom pipeline without the lemmatizer tables: stop words and the stoplist
        pass
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class RegionKnowledge:
    """Everything the tagger reads, built once: the gazetteer, cue words, country evidence, the
    English word lists and the weights. Read-only, so one instance serves every article."""

    gazetteer: Gazetteer
    cues: RegionCues
    evidence: tuple[CountryEvidence, ...]
    common_words: frozenset[str]
    common_nouns: frozenset[str]
    weights: RegionWeights
    evidence_scanner: EvidenceScanner | None = None  # built from ``evidence`` when not given

    def __post_init__(self) -> None:
        if self.evidence_scanner is None:
            object.__setattr__(self, "evidence_scanner", EvidenceScanner(self.evidence))  # frozen

    def evidence_in(self, text: str) -> list[CountryEvidence]:
        """The country evidence ``text`` shows, in the lexicon's order."""
        assert self.evidence_scanner is not None  # set in __post_init__
        return self.evidence_scanner.found_in(text)

    def ordinary_word(self, word: str) -> bool:
        low = word.lower()
        return low in self.common_words or low in self.common_nouns
