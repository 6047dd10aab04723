"""The region tagger: one object that is costly to build and cheap to call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from flashpoint.analysis.gazetteer import Gazetteer, default_gazetteer
from flashpoint.analysis.models import RegionTags, SourceProfile
from flashpoint.analysis.regions.context import ResolvedPlace
from flashpoint.analysis.regions.cues import (
    CountryEvidence,
    RegionCues,
    RegionKnowledge,
    common_nouns_from,
    common_words_from,
    load_country_evidence,
    load_region_cues,
)
from flashpoint.analysis.regions.resolution import resolve
from flashpoint.analysis.regions.summary import summarize
from flashpoint.analysis.regions.weights import DEFAULT_WEIGHTS, RegionWeights


class RegionTagger:
    """Tags countries, subdivisions and M49 regions in cleaned text; cheap to call, costly to build."""

    def __init__(
        self,
        nlp: Any = None,
        gazetteer: Gazetteer | None = None,
        cues: RegionCues | None = None,
        evidence: tuple[CountryEvidence, ...] | None = None,
        weights: RegionWeights = DEFAULT_WEIGHTS,
    ) -> None:
        self.knowledge = RegionKnowledge(
            gazetteer=gazetteer or default_gazetteer(),
            cues=cues or load_region_cues(),
            evidence=load_country_evidence() if evidence is None else evidence,
            common_words=common_words_from(nlp),
            common_nouns=common_nouns_from(nlp) if nlp is not None else frozenset(),
            weights=weights,
        )

    @property
    def gazetteer(self) -> Gazetteer:
        return self.knowledge.gazetteer

    @property
    def cues(self) -> RegionCues:
        return self.knowledge.cues

    def tag(self, text: str, *, locale: str | None = None, profile: SourceProfile | None = None) -> RegionTags:
        """``locale``: the publisher's home country (ISO 3166-1 alpha-2) when known. It weighs like
        one unambiguous mention of that country: enough to read a US paper's "Athens" as Athens,
        Georgia when the story gives Greece no support, never enough to tag the US by itself.
        ``profile``: the publisher's learned home (:mod:`flashpoint.analysis.sources`): its country counts as
        the locale, and a town in one of its home subdivisions wins over namesakes elsewhere."""
        resolved = self.resolve(text, locale=locale, profile=profile)
        tags = self.summarize(resolved)
        return replace(tags, publisher=profile) if profile is not None else tags

    def resolve(
        self, text: str, *, locale: str | None = None, profile: SourceProfile | None = None
    ) -> list[ResolvedPlace]:
        """Every name in ``text`` with the reading chosen for it, in text order."""
        return resolve(self.knowledge, text, locale=locale, profile=profile)

    def summarize(self, resolved: Sequence[ResolvedPlace]) -> RegionTags:
        return summarize(self.knowledge, resolved)
