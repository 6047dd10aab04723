"""Scoring a name's readings and deciding whether the best one may tag.

A reading's score (:func:`score`) ranks the readings of one name: kind of place, size, the
story's anchors and containers, cue words. Acceptance (:func:`accept`) is the evidence check a
reading must clear besides: weak readings (common words, first names, small towns) need support
from the story. The numbers live in :class:`~flashpoint.analysis.regions.weights.RegionWeights`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from flashpoint.analysis.gazetteer import NameMatch, Place
from flashpoint.analysis.regions.context import NameContext, ResolvedPlace, StoryNames
from flashpoint.analysis.regions.cues import RegionKnowledge
from flashpoint.analysis.regions.people import is_common


def score(
    k: RegionKnowledge,
    place: Place,
    ctx: NameContext,
    anchors: Counter[str],
    anchor_subs: Counter[str],
    neighbourhood: set[str],
) -> float:
    w = k.weights
    top_subdivision = k.gazetteer.top_subdivision
    value = w.kind_base.get(place.kind, w.kind_base_default) + place.boost
    if place.kind in ("city", "capital"):
        value += math.log10(place.population + 10) / w.population_log_divisor
    if place.kind == "subdivision" and place.population == 0:
        value -= w.second_level_penalty
    n = anchors.get(place.country, 0)
    if n:
        value += w.anchor_base + math.log2(1 + n)
    elif place.country in neighbourhood:
        value += w.neighbour_bonus
    if place.subdivision and top_subdivision(place.subdivision) in anchor_subs:
        value += w.anchor_subdivision_bonus
    if ctx.container_countries or ctx.container_subdivisions:
        sub = top_subdivision(place.subdivision) if place.subdivision else None
        if sub in ctx.container_subdivisions or (
            place.country in ctx.container_countries and not ctx.container_subdivisions
        ):
            value += w.container_fit_bonus
        else:
            value -= w.container_misfit_penalty
    if (ctx.subdivision_cue or ctx.is_container) and place.kind == "subdivision":
        value += w.subdivision_cue_bonus if ctx.subdivision_cue else w.container_subdivision_bonus
    if ctx.city_cue and place.kind in ("city", "capital"):
        value += w.city_cue_bonus
    if ctx.coordinated and place.kind == "country":
        value += w.coordinated_country_bonus
    if ctx.state_cue and place.kind == "country":
        value += w.state_cue_bonus
    return value


def namesake_penalty(
    k: RegionKnowledge,
    place: Place,
    cands: list[Place],
    anchors: Counter[str],
    anchor_subs: Counter[str],
    neighbourhood: set[str],
) -> float:
    """A famous reading the story gives no support to, against a namesake in a country the
    story does support: "Athens" in a story with a Sheriff's Office and Interstate 85 is the
    American town. A country name ("Lebanon", "Palestine") gives way only to a town in a state
    the story names, and a town takes a country's name ("Lebanon reported three cases" in a story
    that also names the United States) only when the story or the paper's home names its province."""
    gz = k.gazetteer
    towns = ("city", "capital")
    if (
        place.kind in towns
        and any(p.kind == "country" and p.country != place.country for p in cands)
        and not (place.subdivision and gz.top_subdivision(place.subdivision) in anchor_subs)
    ):
        return k.weights.country_namesake_penalty
    if anchors.get(place.country) or place.country in neighbourhood:
        return 0.0
    if place.kind in towns:
        rivals = any(p.kind in towns and anchors.get(p.country) for p in cands if p.country != place.country)
        return k.weights.namesake_penalty if rivals else 0.0
    if place.kind == "country":
        rivals = any(
            p.kind in towns and p.subdivision and gz.top_subdivision(p.subdivision) in anchor_subs
            for p in cands
            if p.country != place.country
        )
        return k.weights.country_namesake_penalty if rivals else 0.0
    return 0.0


def province_is_a_guess(k: RegionKnowledge, r: ResolvedPlace, places: Iterable[Place]) -> bool:
    """A county or town that exists in several provinces of its country, none of them named in
    the story, and not clearly the biggest: better no province than a wrong one."""
    gz = k.gazetteer
    own = gz.top_subdivision(r.place.subdivision or "")
    rivals = [
        p
        for p in places
        if p.country == r.place.country
        and p.subdivision
        and gz.top_subdivision(p.subdivision) != own
        and p.kind == r.place.kind
    ]
    ratio = k.weights.province_guess_ratio
    return any(p.population * ratio > r.place.population or not r.place.population for p in rivals)


def fits_container(k: RegionKnowledge, place: Place, ctx: NameContext) -> bool:
    if ctx.container_subdivisions:
        return bool(place.subdivision) and k.gazetteer.top_subdivision(place.subdivision or "") in (
            ctx.container_subdivisions
        )
    return place.country in ctx.container_countries


def anchor_reading(k: RegionKnowledge, m: NameMatch, ctx: NameContext, cands: list[Place]) -> Place | None:
    """The reading of a name that is evidence on its own: one country for every reading."""
    if not cands or len({p.country for p in cands}) != 1:
        return None
    place = cands[0]
    if not place.country:
        return None  # a continent is evidence of no country
    if any(p.needs_evidence for p in cands) or is_common(k, m.alias, place):
        return None
    if place.kind in ("country", "demonym"):
        return place
    if ctx.surname_like or ctx.street:
        return None
    return place


def dominant(k: RegionKnowledge, m: NameMatch, cands: list[Place]) -> Place | None:
    """A big city that dwarfs every namesake abroad ("Paris"): evidence for its country."""
    w = k.weights
    if len({p.country for p in cands}) < 2 or is_common(k, m.alias, cands[0]):
        return None
    ranked = sorted(cands, key=lambda p: p.population, reverse=True)
    head = ranked[0]
    if head.needs_evidence or head.kind not in ("capital", "city") or head.population < w.strong_city_population:
        return None
    if any(p.population * w.dominant_city_ratio > head.population for p in ranked[1:] if p.country != head.country):
        return None
    return head


@dataclass(frozen=True, slots=True)
class _Support:
    """What the story says for one reading, worked out once for the acceptance rules."""

    contained: bool  # a container follows the name ("Dublin, Ohio")
    supported: bool  # the story names this reading's country elsewhere, or a container does
    locative: bool  # "in X", "near X"
    one_country: bool  # every reading of the name is in one country
    elsewhere: bool  # another country has support, this one none and it is no neighbour


def accept(
    k: RegionKnowledge,
    m: NameMatch,
    place: Place,
    ctx: NameContext,
    anchors: Counter[str],
    neighbourhood: set[str],
    story: StoryNames,
) -> bool:
    if ctx.street and place.kind != "country":
        return False
    if place.kind in ("continent", "macro"):
        return not ctx.in_longer_name  # "Africa", not "Africa Cup" or "Asia Pacific Fund"
    if place.kind == "organisation":
        return anchors.get(place.country, 0) > 0  # "Real Madrid" tags Spain only in a story about Spain
    contained = bool(ctx.container_countries or ctx.container_subdivisions)
    if contained and place.kind in ("city", "capital", "place") and fits_container(k, place, ctx):
        return True  # "Dublin, Ohio": the container settles it, whatever the word means
    supported = anchors.get(place.country, 0) > 0 or contained
    s = _Support(
        contained=contained,
        supported=supported,
        locative=ctx.prev_word.lower() in k.cues.locative,
        one_country=len({p.country for p in m.places}) == 1,
        # "in Frankston" in a Texas police story is not the Australian suburb
        elsewhere=(
            not supported
            and place.country not in neighbourhood
            and any(n > 0 for cc, n in anchors.items() if cc != place.country)
        ),
    )
    if place.kind not in ("country", "demonym") and not contained:
        # a person's name, whatever else the word means ("Jason Jones, 23,", "Warden said")
        if ctx.surname_like or (place.kind in ("city", "subdivision") and m.alias in story.surnames):
            return False
        # "Capt. Nelson said": a province named like a person, when the name has readings
        # elsewhere too ("Wisconsin said" is still the state speaking)
        if place.kind == "subdivision" and not supported and not s.one_country and m.alias in story.speakers:
            return False
    if is_common(k, m.alias, place):
        return _accept_word_name(place, ctx, s, k)
    if place.needs_evidence:
        return _accept_needs_evidence(m, place, ctx, anchors, neighbourhood, s)
    if place.kind in ("country", "demonym"):
        return True
    small_town = place.kind == "city" and place.population < k.weights.small_city_population
    if small_town and m.alias in story.speakers and not contained:
        return False
    if place.kind == "city":
        return _accept_town(k, m, place, ctx, anchors, neighbourhood, story, s)
    if place.kind == "subdivision" and place.source.startswith("pycountry:") and not supported:
        return _accept_generated_province(m, place, ctx, anchors, neighbourhood, story, s)
    return True


def _accept_word_name(place: Place, ctx: NameContext, s: _Support, k: RegionKnowledge) -> bool:
    """A name that is also an ordinary word ("Nice", "Split", "Bell")."""
    if place.kind == "subdivision" and ctx.subdivision_cue and not ctx.sentence_initial and s.one_country:
        # "the Afar region": the cue word settles a word-like province name, unless it is a
        # compass word ("Western Region" is in several countries)
        return True
    if ctx.sentence_initial or ctx.in_longer_name or ctx.prev_word.lower() in k.cues.determiners:
        return False  # "the University", "a Bell": the word, not the town
    if ctx.headline:
        return s.supported  # "In Wake of Attacks": a capitalised word in a headline
    # "in Split" mid-sentence is the town when no other country has a town of that name
    return s.supported or (s.locative and s.one_country and not s.elsewhere and place.kind in ("city", "capital"))


def _accept_needs_evidence(
    m: NameMatch, place: Place, ctx: NameContext, anchors: Counter[str], neighbourhood: set[str], s: _Support
) -> bool:
    """A reading the lexicon marks as needing support ("Georgia", "Jordan", "Chad")."""
    if ctx.in_longer_name and place.kind in ("country", "demonym", "capital"):
        return False
    if ctx.is_container and place.kind == "subdivision":
        return True
    return (
        s.supported
        or ctx.coordinated
        or (ctx.state_cue and place.kind == "country")
        or place.country in neighbourhood
        or (s.locative and place.kind == "country" and not anchors and len(m.places) == 1)
    )


def _accept_town(
    k: RegionKnowledge,
    m: NameMatch,
    place: Place,
    ctx: NameContext,
    anchors: Counter[str],
    neighbourhood: set[str],
    story: StoryNames,
    s: _Support,
) -> bool:
    w = k.weights
    if ctx.in_longer_name and place.population < w.small_city_population and not s.contained:
        return False  # "Scott Newsham", "Gary Realty": a small town's name as a first name
    if s.supported:
        return True
    if ctx.in_longer_name and place.population < w.strong_city_population:
        return False  # "George Washington High School", "Sams Crossing": part of a name
    if s.elsewhere and place.population < w.small_city_population:
        return False
    if place.population >= w.strong_city_population:
        return True
    # a town nothing else in the story points to: a city big enough to be news anywhere with "in
    # X", or a name with no reading outside one country that the story uses as a place somewhere
    # ("in Gainesville")
    if (
        place.population >= w.small_city_population
        and not ctx.sentence_initial
        and (s.locative or place.country in neighbourhood)
    ):
        return True  # "Israeli strikes hit Gaza City": a big town next door to the story
    if s.one_country and story.english and not any(n > 0 for cc, n in anchors.items() if cc != place.country):
        # every reading in one country and nothing in the story points elsewhere: a town named
        # in a local story that never needs to say its state ("Decatur officials")
        return True
    return s.one_country and m.alias in story.locative_seen


def _accept_generated_province(
    m: NameMatch,
    place: Place,
    ctx: NameContext,
    anchors: Counter[str],
    neighbourhood: set[str],
    story: StoryNames,
    s: _Support,
) -> bool:
    """ "Mary", "Paul", "Gulf" are provinces somewhere: only with a cue or support, or a
    first-level name with no reading elsewhere that the story also uses on its own."""
    if ctx.subdivision_cue or ctx.is_container or place.country in neighbourhood:
        return True
    if s.locative and not s.elsewhere:
        return True
    rivals = any(anchors.get(p.country) for p in m.places if p.country != place.country)
    return (s.one_country or not rivals) and place.population == 1 and m.alias in story.standalone
