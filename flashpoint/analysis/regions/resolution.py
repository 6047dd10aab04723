"""Resolution: every gazetteer name in a story, and the reading chosen for it.

The steps, in order (:func:`resolve`):

1. find the names: one Aho-Corasick pass, wire datelines, and the publisher's home villages;
2. read each name's context and drop vetoed readings;
3. find the names the story uses as people ("Tom Jones", "Jones said", "Sydney McClain");
4. gather anchors: names with one unambiguous reading, country evidence, the publisher's home,
   then big cities that dwarf their namesakes;
5. choose each name's best reading that clears its evidence check;
6. one sense per story (a name pinned once means the same place throughout), then a second look
   at towns whose name exists in several provinces of the chosen country.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from flashpoint.analysis.gazetteer import Gazetteer, NameMatch, Place
from flashpoint.analysis.models import SourceProfile
from flashpoint.analysis.regions.context import (
    AGE_AFTER,
    NameContext,
    ResolvedPlace,
    StoryNames,
    headline_end,
    name_context,
    reads_english,
)
from flashpoint.analysis.regions.cues import RegionKnowledge
from flashpoint.analysis.regions.people import (
    currency_not_the_place,
    demonym_not_the_country,
    filter_candidates,
    given_name_person,
    is_common,
    outside_its_container,
    person_pair,
)
from flashpoint.analysis.regions.scoring import (
    accept,
    anchor_reading,
    dominant,
    namesake_penalty,
    province_is_a_guess,
    score,
)


def resolve(
    k: RegionKnowledge, text: str, *, locale: str | None = None, profile: SourceProfile | None = None
) -> list[ResolvedPlace]:
    """Every name in ``text`` with the reading chosen for it, in text order."""
    if not text or not text.strip():
        return []
    gz = k.gazetteer
    matches, dateline_starts = _find_names(gz, text)
    home_subs = frozenset(gz.top_subdivision(code) for code in profile.subdivisions) if profile else frozenset[str]()
    if home_subs:
        matches = with_home_towns(gz, text, matches, home_subs)
    if not matches:
        return []
    match_starts = {m.start: m for m in matches}
    match_ends = {m.end: m for m in matches}
    head_end = headline_end(text, k.common_words)
    contexts = [
        name_context(
            k, text, m, match_starts, match_ends, dateline=m.start in dateline_starts, headline=m.end <= head_end
        )
        for m in matches
    ]
    candidates = [filter_candidates(m, c) for m, c in zip(matches, contexts, strict=True)]
    surnames, speakers, people = _story_people(k, text, matches, contexts, candidates)
    if people:
        candidates = [[] if m.start in people else c for m, c in zip(matches, candidates, strict=True)]
    anchors, anchor_subs, self_anchor = _anchors(k, matches, contexts, candidates, surnames)
    # wording only one country's news uses, and the publisher's country: one mention each
    local_news: set[str] = set()
    for ev in k.evidence_in(text):
        anchors[ev.country] += 1
        local_news.add(ev.country)
    locale = locale or (profile.country if profile else None)
    if locale:
        anchors[locale.upper()] += 1
    for sub in home_subs:
        anchor_subs[sub] += 1
    _dominant_anchors(k, matches, contexts, candidates, anchors, self_anchor)
    story = _story_names(k, text[head_end:], matches, contexts, surnames, speakers)
    neighbourhood = _neighbourhood(gz, anchors)
    home = _Home(frozenset(local_news), locale.upper() if locale else None)
    out = _choose_readings(
        k, matches, contexts, candidates, self_anchor, anchors, anchor_subs, neighbourhood, story, home
    )
    out = one_sense_per_story(out, matches, contexts, story, people)
    return refine_subdivisions(k, out, matches, home_subs)


# Work budget: mentions of one name beyond this many add nothing to a story's reading and are not
# resolved (a page repeating "Ukraine" 25,000 times, each time between other words, cost 2.2 s).
MAX_MENTIONS_PER_NAME = 30


def _within_budget(matches: Iterable[NameMatch]) -> list[NameMatch]:
    seen: dict[str, int] = {}
    kept = []
    for m in matches:
        n = seen.get(m.alias, 0)
        if n < MAX_MENTIONS_PER_NAME:
            kept.append(m)
        seen[m.alias] = n + 1
    return kept


def _find_names(gz: Gazetteer, text: str) -> tuple[list[NameMatch], set[int]]:
    """Gazetteer names and wire datelines; a dateline replaces the names it overlaps."""
    matches = _within_budget(gz.iter_matches(text))
    datelines = list(gz.iter_datelines(text))
    if datelines:
        taken = {(d.start, d.end) for d in datelines}
        matches = sorted(
            [*datelines, *(m for m in matches if not any(a < m.end and m.start < b for a, b in taken))],
            key=lambda m: m.start,
        )
    return matches, {d.start for d in datelines}


def _story_people(
    k: RegionKnowledge,
    text: str,
    matches: list[NameMatch],
    contexts: list[NameContext],
    candidates: list[list[Place]],
) -> tuple[set[str], set[str], set[int]]:
    """Names the story uses for people: surnames, speakers, and this-once given names."""
    # a name once written as a surname ("Tom Jones", "Mr. Jones", "Jones said") is a person
    surnames = {
        m.alias
        for m, ctx in zip(matches, contexts, strict=True)
        if (ctx.surname_like and person_pair(k, text, m)) or AGE_AFTER.match(text, m.end)
    }
    # "Jones said": a person, or a government speaking through its capital or province
    # ("Moscow said", "said Wisconsin Governor"): only towns are taken for people
    speech = k.cues.speech_verbs
    speakers = {
        m.alias for m, ctx in zip(matches, contexts, strict=True) if ctx.next_word in speech or ctx.prev_word in speech
    }
    # "Sydney McClain", "Judah P. Benjamin", "Stanley said": a given name used for a person,
    # this once (the story may name the city too); no evidence and no tag
    people = {
        m.start
        for m, ctx, cands in zip(matches, contexts, candidates, strict=True)
        if given_name_person(k, text, m, ctx, cands)
        or demonym_not_the_country(k, text, m, ctx, cands)
        or currency_not_the_place(text, m, ctx)
        or outside_its_container(ctx, cands)
    }
    return surnames, speakers, people


def _anchors(
    k: RegionKnowledge,
    matches: list[NameMatch],
    contexts: list[NameContext],
    candidates: list[list[Place]],
    surnames: set[str],
) -> tuple[Counter[str], Counter[str], list[Place | None]]:
    """Countries and provinces the story names unambiguously, and which name vouches for which."""
    gz = k.gazetteer
    anchors: Counter[str] = Counter()
    anchor_subs: Counter[str] = Counter()
    self_anchor: list[Place | None] = []
    for m, ctx, cands in zip(matches, contexts, candidates, strict=True):
        place = anchor_reading(k, m, ctx, cands)
        if place is not None and place.kind not in ("country", "demonym") and m.alias in surnames:
            place = None  # "Bingham to offer plan ... Mayor Ryan Bingham": a person, no evidence
        self_anchor.append(place)
        if place is not None:
            anchors[place.country] += 1
            subs = {gz.top_subdivision(p.subdivision) if p.subdivision else None for p in cands}
            if len(subs) == 1 and place.subdivision:
                anchor_subs[gz.top_subdivision(place.subdivision)] += 1
    return anchors, anchor_subs, self_anchor


def _dominant_anchors(
    k: RegionKnowledge,
    matches: list[NameMatch],
    contexts: list[NameContext],
    candidates: list[list[Place]],
    anchors: Counter[str],
    self_anchor: list[Place | None],
) -> None:
    """Second tier: a big capital against small towns elsewhere ("Paris") is evidence for its
    country only when the story gives no unambiguous support to any of the other readings.
    Updates ``anchors`` and ``self_anchor`` in place."""
    found: list[Place] = []
    for i, (m, ctx, cands) in enumerate(zip(matches, contexts, candidates, strict=True)):
        if self_anchor[i] is not None or ctx.in_longer_name or ctx.street or ctx.sentence_initial:
            continue
        head = dominant(k, m, cands)
        if head is None or any(anchors.get(p.country) for p in cands if p.country != head.country):
            continue
        self_anchor[i] = head
        found.append(head)
    for head in found:
        anchors[head.country] += 1


def _story_names(
    k: RegionKnowledge,
    body: str,
    matches: list[NameMatch],
    contexts: list[NameContext],
    surnames: set[str],
    speakers: set[str],
) -> StoryNames:
    standalone = {
        m.alias
        for m, ctx in zip(matches, contexts, strict=True)
        if not ctx.in_longer_name and not ctx.sentence_initial and m.alias not in surnames
    }
    locative_seen = {
        m.alias
        for m, ctx in zip(matches, contexts, strict=True)
        if (ctx.prev_word.lower() in k.cues.locative or ctx.city_cue)
        and not ctx.sentence_initial
        and not ctx.in_longer_name
    }
    return StoryNames(
        frozenset(surnames),
        frozenset(speakers),
        frozenset(standalone),
        frozenset(locative_seen),
        reads_english(body),  # the text after the headline: headlines are short on function words
    )


def _neighbourhood(gz: Gazetteer, anchors: Counter[str]) -> set[str]:
    """Neighbours of the three best-supported countries."""
    neighbourhood: set[str] = set()
    for cc, _ in anchors.most_common(3):
        info = gz.countries.get(cc)
        if info:
            neighbourhood |= info.neighbours
    return neighbourhood


def _choose_readings(
    k: RegionKnowledge,
    matches: list[NameMatch],
    contexts: list[NameContext],
    candidates: list[list[Place]],
    self_anchor: list[Place | None],
    anchors: Counter[str],
    anchor_subs: Counter[str],
    neighbourhood: set[str],
    story: StoryNames,
    home: _Home,
) -> list[ResolvedPlace]:
    alias_counts: Counter[str] = Counter(
        m.alias for m, own in zip(matches, self_anchor, strict=True) if own is not None
    )
    out: list[ResolvedPlace] = []
    for m, ctx, all_cands, own in zip(matches, contexts, candidates, self_anchor, strict=True):
        cands = _big_city_first(k, m, ctx, all_cands, anchor_subs, home)
        # a name is no evidence for itself: "Jones" said three times must not vouch for the
        # Philippines' Jones, so support comes from the other names only
        own_count = alias_counts[m.alias] if own is not None else 0
        if own is not None:
            anchors[own.country] -= own_count
        scored = sorted(
            (
                (
                    score(k, p, ctx, anchors, anchor_subs, neighbourhood)
                    - namesake_penalty(k, p, cands, anchors, anchor_subs, neighbourhood),
                    p,
                )
                for p in cands
            ),
            key=lambda sp: -sp[0],
        )
        chosen = _first_accepted(k, m, ctx, scored, anchors, neighbourhood, story)
        if chosen is None and ctx.dateline and (fallback := _dateline_reading(cands)) is not None:
            # a dateline always says where the report was filed: "LONDON (Reuters) -" in a story
            # about a match in Munich is still London
            chosen = (0.0, fallback)
        if chosen is not None:
            locative = not ctx.dateline and ctx.prev_word.lower() in k.cues.locative
            out.append(
                ResolvedPlace(m.start, m.end, m.alias, chosen[1], chosen[0], dateline=ctx.dateline, locative=locative)
            )
        if own is not None:
            anchors[own.country] += own_count
    return out


@dataclass(frozen=True, slots=True)
class _Home:
    """Where the story reads as local news: countries whose local-news wording it uses
    (``regions-evidence``: a Sheriff's Office, an Interstate), and the publisher's country."""

    local_news: frozenset[str]
    country: str | None = None


def _big_city_first(
    k: RegionKnowledge,
    m: NameMatch,
    ctx: NameContext,
    cands: list[Place],
    anchor_subs: Counter[str],
    home: _Home,
) -> list[Place]:
    """A world capital or major city beats namesakes twenty times smaller ("Lisbon" is not
    Lisbon, Maine; "London" is not London, Ontario) unless the story supports a namesake: it or
    the publisher's home names the namesake's province (a Kentucky paper's "Paris"), the story
    reads as that country's local news (a Sheriff's Office, an Interstate: ``regions-evidence``),
    or a container settles it ("Paris, Texas"), or the namesake is a city of 100,000 or more in
    the publisher's own country (a Canadian paper's "London"). Other support for the namesake's
    *country* is not enough, nor is a small namesake town in the publisher's country:
    "the United States rejoined the Paris agreement, Washington said" is still about Paris,
    France, and a European football story with an American player is still played in Lisbon.
    On LGL's US local papers the province support is there in all but a few stories."""
    if ctx.container_countries or ctx.container_subdivisions or ctx.in_longer_name:
        return cands
    head = dominant(k, m, cands) or _dominant_province(k, m, cands)
    if head is None:
        return cands
    top = k.gazetteer.top_subdivision
    rivals = [p for p in cands if p.country != head.country]
    if any(p.subdivision and top(p.subdivision) in anchor_subs for p in rivals):
        return cands
    if ctx.dateline:
        return [p for p in cands if p.country == head.country]
    if any(p.country in home.local_news for p in rivals):
        return cands
    big = k.weights.small_city_population
    if any(p.country == home.country and p.kind in ("city", "capital") and p.population >= big for p in rivals):
        return cands  # a Canadian paper's "London" (Ontario, 400,000 people) is its own
    return [p for p in cands if p.country == head.country]


def _dominant_province(k: RegionKnowledge, m: NameMatch, cands: list[Place]) -> Place | None:
    """A first-level province by its ISO name ("Florida") against small towns abroad (a Cuban
    town of 50,000) and provinces of countries twenty times smaller (Uruguay's Florida): the
    province is what news means, as a big city would be."""
    firsts = [p for p in cands if p.kind == "subdivision" and p.population == 1 and p.source.startswith("pycountry:")]
    if not firsts:
        return None
    population = {
        p.country: (k.gazetteer.countries[p.country].population if p.country in k.gazetteer.countries else 0)
        for p in firsts
    }
    head = max(firsts, key=lambda p: population[p.country])
    if is_common(k, m.alias, head) or head.needs_evidence:
        return None
    ratio = k.weights.dominant_city_ratio
    for p in cands:
        if p.country == head.country:
            continue
        if p in firsts and population[p.country] * ratio > population[head.country]:
            return None
        if p not in firsts and (p.kind != "city" or p.population >= k.weights.small_city_population):
            return None
    return head


def _first_accepted(
    k: RegionKnowledge,
    m: NameMatch,
    ctx: NameContext,
    scored: list[tuple[float, Place]],
    anchors: Counter[str],
    neighbourhood: set[str],
    story: StoryNames,
) -> tuple[float, Place] | None:
    """The best reading that clears its evidence check: "Georgia" the country without support
    falls back to the US state when the story is American."""
    vetoed_in: str | None = None
    for value, place in scored:
        if vetoed_in is not None and place.country != vetoed_in and not anchors.get(place.country):
            # "Paris Library" in a story about Illinois: the word was turned down as a place there,
            # and that is no reason to read it as a country the story never supports
            return None
        if accept(k, m, place, ctx, anchors, neighbourhood, story):
            return value, place
        if vetoed_in is None and place.kind in ("city", "capital") and anchors.get(place.country):
            vetoed_in = place.country
    return None


def _dateline_reading(cands: list[Place]) -> Place | None:
    """The dateline's usual reading when no reading cleared its evidence check: the country if
    the dateline is one, else the biggest town of that name."""
    towns = [p for p in cands if p.kind in ("country", "capital", "city")]
    if not towns:
        return None
    return max(towns, key=lambda p: (p.kind == "country", p.population))


def with_home_towns(gz: Gazetteer, text: str, matches: list[NameMatch], home_subs: frozenset[str]) -> list[NameMatch]:
    """Add the small towns of the publisher's home provinces: a village name nobody else's
    gazetteer entry covers becomes a match; one the general matcher found too ("Decatur")
    gains its local reading beside the others."""
    by_span = {(m.start, m.end): i for i, m in enumerate(matches)}
    merged = list(matches)
    added: list[NameMatch] = []
    for sub in sorted(home_subs):
        for t in gz.iter_home_town_matches(text, sub):
            i = by_span.get((t.start, t.end))
            if i is not None:
                if all(p.key != t.places[0].key for p in merged[i].places):
                    merged[i] = replace(merged[i], places=(*merged[i].places, *t.places))
                continue
            inside = [m for m in merged if m.start < t.end and t.start < m.end]
            # "Parkers Prairie" over a general "Prairie": the longer name wins
            longer = all(t.start <= m.start <= m.end <= t.end and m.end - m.start < t.end - t.start for m in inside)
            if longer and not any(a.start < t.end and t.start < a.end for a in added):
                added.append(t)
    if not added:
        return merged
    covered = [(t.start, t.end) for t in added]
    kept = [m for m in merged if not any(a <= m.start and m.end <= b for a, b in covered)]
    return sorted([*kept, *added], key=lambda m: m.start)


def one_sense_per_story(
    out: list[ResolvedPlace],
    matches: list[NameMatch],
    contexts: list[NameContext],
    story: StoryNames,
    people: set[int] | frozenset[int] = frozenset(),
) -> list[ResolvedPlace]:
    """A name the story pins down once ("Santa Ana, California", a dateline) means the same
    place every other time the story uses it, unless that use is a person or a street."""
    ctx_at = {m.start: c for m, c in zip(matches, contexts, strict=True)}
    pinned: dict[str, Place] = {}
    for r in out:
        ctx = ctx_at[r.start]
        if (ctx.container_countries or ctx.container_subdivisions or ctx.dateline) and r.text not in pinned:
            pinned[r.text] = r.place
    if not pinned:
        return out
    by_start = {r.start: r for r in out}
    result: list[ResolvedPlace] = []
    for m, ctx in zip(matches, contexts, strict=True):
        place = pinned.get(m.alias)
        current = by_start.get(m.start)
        usable = not (ctx.street or ctx.surname_like or m.alias in story.surnames or m.start in people)
        if place is not None and usable and (current is None or current.place.country != place.country):
            result.append(ResolvedPlace(m.start, m.end, m.alias, place, current.score if current else 0.0))
        elif current is not None:
            result.append(current)
    return result


def refine_subdivisions(
    k: RegionKnowledge, out: list[ResolvedPlace], matches: list[NameMatch], home_subs: frozenset[str] = frozenset()
) -> list[ResolvedPlace]:
    """Second look at towns and counties whose name exists in several provinces of the chosen
    country: the province the story names elsewhere wins ("Gainesville" + "Georgia" -> US-GA),
    then the publisher's home province ("Decatur" in a Tennessee paper); with neither, no
    province rather than a guess. Such a name is no evidence for its own province: "Henry
    County" (ten states have one) does not vouch for Alabama."""
    gz = k.gazetteer
    places_by_start = {m.start: m.places for m in matches}

    def rivals(r: ResolvedPlace) -> list[Place]:
        own = gz.top_subdivision(r.place.subdivision or "")
        return [
            p
            for p in places_by_start.get(r.start, ())
            if p.country == r.place.country
            and p.subdivision
            and gz.top_subdivision(p.subdivision) != own
            and (p.kind == r.place.kind or {p.kind, r.place.kind} <= {"city", "capital"})
        ]

    ambiguous = {r.start for r in out if r.place.subdivision and r.place.kind in ("city", "place") and rivals(r)}
    named = Counter(
        gz.top_subdivision(r.place.subdivision)
        for r in out
        if r.place.subdivision and r.place.kind in ("subdivision", "place", "capital") and r.start not in ambiguous
    )
    refined: list[ResolvedPlace] = []
    for r in out:
        own = gz.top_subdivision(r.place.subdivision or "")
        if r.start in ambiguous and own not in named:
            kinds = ("city", "capital") if r.place.kind == "city" else (r.place.kind,)
            options = [
                p
                for p in places_by_start.get(r.start, ())
                if p.kind in kinds and p.country == r.place.country and p.subdivision
            ]
            in_story = [p for p in options if gz.top_subdivision(p.subdivision or "") in named]
            at_home = [p for p in options if gz.top_subdivision(p.subdivision or "") in home_subs]
            if in_story:
                best = max(in_story, key=lambda p: (named[gz.top_subdivision(p.subdivision or "")], p.population))
                r = ResolvedPlace(r.start, r.end, r.text, best, r.score)
            elif own in home_subs:
                pass
            elif at_home:
                r = ResolvedPlace(r.start, r.end, r.text, max(at_home, key=lambda p: p.population), r.score)
            elif province_is_a_guess(k, r, places_by_start.get(r.start, ())):
                r = ResolvedPlace(r.start, r.end, r.text, replace(r.place, subdivision=None), r.score)
        refined.append(r)
    return refined
