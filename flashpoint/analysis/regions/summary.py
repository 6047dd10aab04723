"""From resolved names to the story's tags: countries by weight, subdivisions, UN M49 regions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from flashpoint.analysis.models import CountryTag, MacroRegion, RegionTags, Span, SubdivisionTag
from flashpoint.analysis.regions.context import ResolvedPlace
from flashpoint.analysis.regions.cues import RegionKnowledge


def summarize(k: RegionKnowledge, resolved: Sequence[ResolvedPlace]) -> RegionTags:
    """The primary country is the one with the most weighted mentions, counting the headline and
    lede double (a story is about the place it opens with) and a place after "in", "near",
    "shelled"... half as much again (where things happen outweighs who acts: "Germany closes
    embassy in Niamey" is about Niger)."""
    gz = k.gazetteer
    w = k.weights
    weight: dict[str, float] = defaultdict(float)
    first_seen: dict[str, int] = {}
    evidence: dict[str, list[Span]] = defaultdict(list)
    sub_evidence: dict[str, list[Span]] = defaultdict(list)
    named_regions = _named_regions(k, resolved)
    resolved = [r for r in resolved if r.place.country]  # continents and macro-regions tag no country
    for r in resolved:
        cc = r.place.country
        lead = w.lead_factor if r.start < w.lead_chars else 1.0
        where = w.locative_factor if r.locative else 1.0
        weight[cc] += w.kind_weight.get(r.place.kind, w.kind_weight_default) * lead * where
        first_seen.setdefault(cc, r.start)
        evidence[cc].append(Span(r.start, r.end, r.text))
        if r.place.subdivision:
            sub_evidence[r.place.subdivision].append(Span(r.start, r.end, r.text))
    order = sorted(weight, key=lambda cc: (-weight[cc], first_seen[cc]))
    countries = tuple(
        CountryTag(
            code=cc,
            name=gz.country_name(cc),
            mentions=len(evidence[cc]),
            evidence=tuple(evidence[cc][: w.max_evidence]),
        )
        for cc in order
    )
    sub_order = sorted(sub_evidence, key=lambda c: (-len(sub_evidence[c]), sub_evidence[c][0].start))
    subdivisions = tuple(
        SubdivisionTag(
            code=code,
            name=gz.subdivision_names.get(code, code),
            country=code.split("-")[0],
            mentions=len(sub_evidence[code]),
            evidence=tuple(sub_evidence[code][: w.max_evidence]),
        )
        for code in sub_order
    )
    regions: list[MacroRegion] = []
    seen: set[str] = set()
    for cc in order:
        chain = gz.m49_for(cc)
        # the primary country's sub-region and region first, then other countries' sub-regions
        for region in chain if cc == order[0] else chain[:1]:
            if region.code not in seen:
                seen.add(region.code)
                regions.append(MacroRegion(region.code, region.name))
    for named in named_regions:
        if named.code not in seen:
            seen.add(named.code)
            regions.append(named)
    return RegionTags(
        primary_country=order[0] if order else None,
        countries=countries,
        subdivisions=subdivisions,
        macro_regions=tuple(regions),
        mentions=tuple(r.mention() for r in resolved),
        filed_from=next((r.place.country for r in resolved if r.dateline), None),
    )


def _named_regions(k: RegionKnowledge, resolved: Sequence[ResolvedPlace]) -> list[MacroRegion]:
    """Macro-regions the story names ("the Sahel", "Donbas"), in text order, with their members:
    after the M49 regions of the tagged countries, so ``macro_regions[0]`` stays the primary
    country's sub-region."""
    out: list[MacroRegion] = []
    for r in resolved:
        info = k.gazetteer.macro_regions.get(r.place.source) if r.place.kind == "macro" else None
        if info is not None:
            out.append(MacroRegion(info.code, info.name, info.members))
    return out
