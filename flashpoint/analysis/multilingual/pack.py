"""Everything one language needs, loaded on first use, and the analysis of one story with it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import cast

from flashpoint.analysis.models import RegionTags, Topic
from flashpoint.analysis.multilingual import SUPPORTED_LANGUAGES
from flashpoint.analysis.multilingual.engine import LexicalEngine, LexicalSignal
from flashpoint.analysis.multilingual.places import NameEntry, NameIndex, PlaceNames
from flashpoint.analysis.multilingual.regions import ArmedGroupHit, resolve_names, tag_regions
from flashpoint.analysis.multilingual.rules import LanguageRules, load_kinds, load_language_rules
from flashpoint.analysis.multilingual.terms import Term
from flashpoint.analysis.multilingual.text import Lemmatizer, Token, Tokenizer, normalize, prefixes
from flashpoint.analysis.multilingual.topics import LexicalTopics
from flashpoint.analysis.regions.cues import RegionKnowledge

# spaCy's stop-word lists (no model needed): function words never start a place name alone.
_STOP_MODULES = {lang: f"spacy.lang.{lang}.stop_words" for lang in SUPPORTED_LANGUAGES}


@dataclass(frozen=True, slots=True)
class LanguageResult:
    regions: RegionTags
    topics: tuple[Topic, ...]
    signals: tuple[LexicalSignal, ...]


def _stopwords(language: str) -> frozenset[str]:
    words = cast(set[str], import_module(_STOP_MODULES[language]).STOP_WORDS)
    return frozenset(normalize(language, w) for w in words)


class LanguagePack:
    """The tokenizer, place names, escalation rules and topic cues of one language."""

    def __init__(self, language: str, knowledge: RegionKnowledge) -> None:
        self.language = language
        self.knowledge = knowledge
        stop = _stopwords(language)
        self.lemmatizer = Lemmatizer(language) if language in ("ru", "uk") else None
        self.names: NameIndex = PlaceNames(language, knowledge.gazetteer).build(stop)
        if self.lemmatizer is not None:
            _lemmatize_phrases(self.names, self.lemmatizer)
        self.rules: LanguageRules = load_language_rules(language, kinds=load_kinds())
        self.engine = LexicalEngine(self.rules)
        self.topics = LexicalTopics(language)
        # every word of every name: "области" must get its lemma to complete "Донецкой области"
        # (two letters: Ukrainian alternates the third, "Київ" / "Києві")
        wanted = prefixes((k for bucket in self.names.by_first.values() for e in bucket for k in e.keys), 2)
        self.names.compact()
        wants: Callable[[str], bool] = lambda plain: plain[:2] in wanted  # noqa: E731
        self.tokenizer = Tokenizer(language, self.lemmatizer, wants)

    def analyze(self, text: str, published_at: datetime | None = None) -> LanguageResult:
        tokens = self.tokenizer.tokens(text)
        group_hits = self.rules.group_terms.find(tokens)
        groups = self._country_groups(tokens, group_hits)
        inside = {j: self.rules.groups[t.owner].country for j0, t, n in group_hits for j in range(j0, j0 + n)}
        resolved = resolve_names(self.names, tokens, text, groups, inside)
        regions = tag_regions(self.knowledge, resolved)
        signals = self.engine.detect(text, tokens, regions, published_at)
        return LanguageResult(regions, self.topics.tag(tokens), tuple(signals))

    def tag_topics(self, text: str) -> tuple[Topic, ...]:
        return self.topics.tag(self.tokenizer.tokens(text))

    def _country_groups(self, tokens: list[Token], hits: list[tuple[int, Term, int]]) -> list[ArmedGroupHit]:
        """Named armed groups that operate in one country only place the story there."""
        out = []
        for i, term, size in hits:
            group = self.rules.groups[term.owner]
            if group.tags_country and group.country:
                start, end = tokens[i].start, tokens[i + size - 1].end
                out.append(ArmedGroupHit(start, end, group.name, group.country, group.id))
        return out


def _lemmatize_phrases(index: NameIndex, lemmatizer: Lemmatizer) -> None:
    """Multi-word names in Russian and Ukrainian are keyed by their words' normal forms, which
    is what the text's inflected words also give ("Донецкая область" and "Донецкой области" both
    read "донецкий область"). One-word names are nominative nouns, their own normal form."""
    moved: list[NameEntry] = []
    for first, bucket in list(index.by_first.items()):
        keep = []
        for entry in bucket:
            if len(entry.keys) > 1:
                keys = tuple(lemmatizer.forms(k)[0] if lemmatizer.forms(k) else k for k in entry.keys)
                if keys != entry.keys:
                    moved.append(NameEntry(keys, entry.places, entry.source, entry.cased, entry.weak,
                                           entry.not_after))
                    continue
            keep.append(entry)
        index.by_first[first] = keep
    index.finish()
    for entry in moved:
        index.add(entry)
    index.finish()


class Multilingual:
    """The language packs of one process, each built the first time a story needs it."""

    def __init__(self, knowledge: RegionKnowledge) -> None:
        self.knowledge = knowledge
        self._packs: dict[str, LanguagePack] = {}
        self._lock = threading.Lock()

    @staticmethod
    def supports(language: str | None) -> bool:
        return language in SUPPORTED_LANGUAGES

    def pack(self, language: str) -> LanguagePack:
        pack = self._packs.get(language)
        if pack is None:
            with self._lock:
                pack = self._packs.get(language)
                if pack is None:
                    pack = LanguagePack(language, self.knowledge)
                    self._packs[language] = pack
        return pack

    @property
    def loaded(self) -> tuple[str, ...]:
        return tuple(self._packs)
