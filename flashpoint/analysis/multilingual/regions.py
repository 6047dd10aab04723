"""Region tags for a story in es, fr, ru, uk or ar, in the English tagger's own shape.

Names are found on token keys (:mod:`.text`), so inflected, cliticised and unaccented forms match
their dictionary form. Each name is then read the way the English tagger reads one, in fewer
steps because these stories are matched against fewer, more specific names:

1. *anchors*: names with one strong reading (a country, a demonym, a province no other country
   has, a capital) and the named armed groups that operate in one country only ("disidencias de
   las FARC" is Colombia even when no place is named) are evidence for their country and province;
2. every name takes its best reading: a reading in an anchored country, inside a province named
   right after it ("Argelia, Cauca", "Argelia (Cauca)"), or after a cue of its kind ("municipio de",
   "departamento del", "область") wins; a weak reading (a village, a name that is also a word)
   needs one of those supports or it tags nothing;
3. a town whose name exists in several provinces of its country keeps a province only when the
   story says which;
4. the English tagger's :func:`~flashpoint.analysis.regions.summary.summarize` turns the readings
   into ``RegionTags``, so weights, evidence and M49 regions are the same as for English.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from flashpoint.analysis.gazetteer import Place
from flashpoint.analysis.models import RegionTags
from flashpoint.analysis.multilingual.places import NameEntry, NameIndex
from flashpoint.analysis.multilingual.text import Token
from flashpoint.analysis.regions.context import ResolvedPlace
from flashpoint.analysis.regions.cues import RegionKnowledge
from flashpoint.analysis.regions.summary import summarize

_KIND_RANK = {"country": 5.0, "demonym": 4.5, "subdivision": 4.0, "capital": 4.0, "place": 3.5,
              "evidence": 3.5, "city": 2.0}
# Characters allowed between the words of one name.
_NAME_GAP = frozenset(" -\u00a0'’")


@dataclass(frozen=True, slots=True)
class NameHit:
    """A name found in the text: token range and the entry it matched."""

    first: int
    last: int  # inclusive
    start: int
    end: int
    entry: NameEntry


@dataclass(frozen=True, slots=True)
class ArmedGroupHit:
    """A named armed group that places the story in its country ("FARC" -> CO)."""

    start: int
    end: int
    text: str
    country: str
    source: str


def find_names(index: NameIndex, tokens: Sequence[Token], text: str) -> list[NameHit]:
    """The longest names over the tokens, with each entry's case and veto rules. Overlaps go to
    the longer name, then to a hand entry: "El Real Madrid" is the club ("Real Madrid", an
    ignored name), not the village "El Real" followed by Madrid."""
    candidates: list[NameHit] = []
    n = len(tokens)
    stop = index.stopwords
    for i in range(n):
        best: NameEntry | None = None
        nxt = tokens[i + 1].keys if i + 1 < n else ()
        for key in tokens[i].keys:
            entries = [*index.singles.get(key, ()), *(e for k2 in nxt for e in index.by_pair.get((key, k2), ()))]
            for entry in entries:
                size = len(entry.keys)
                if best is not None and (size, _hand(entry)) <= (len(best.keys), _hand(best)):
                    continue
                if i + size > n or not all(entry.keys[j] in tokens[i + j].keys for j in range(1, size)):
                    continue
                if not _adjacent(text, tokens, i, size):
                    continue
                if entry.cased and not _cased(tokens, i, size, stop):
                    continue
                if entry.not_after and i > 0 and not entry.not_after.isdisjoint(tokens[i - 1].keys):
                    continue
                best = entry
        if best is not None:
            last = i + len(best.keys) - 1
            candidates.append(NameHit(i, last, tokens[i].start, tokens[last].end, best))
    candidates.sort(key=lambda h: (-(h.last - h.first), not _hand(h.entry), h.first))
    taken: set[int] = set()
    out: list[NameHit] = []
    for hit in candidates:
        span = range(hit.first, hit.last + 1)
        if any(j in taken for j in span):
            continue
        taken.update(span)
        out.append(hit)
    return sorted(out, key=lambda h: h.first)


def _hand(entry: NameEntry) -> bool:
    return not entry.source.startswith(("pycountry", "geonames"))


def _adjacent(text: str, tokens: Sequence[Token], i: int, size: int) -> bool:
    return all(set(text[tokens[j - 1].end:tokens[j].start]) <= _NAME_GAP for j in range(i + 1, i + size))


def _cased(tokens: Sequence[Token], i: int, size: int, stop: frozenset[str]) -> bool:
    """The first word of the name that is not a function word is written with a capital."""
    for j in range(i, i + size):
        if tokens[j].key not in stop or j == i + size - 1:
            return tokens[j].capitalized
    return tokens[i].capitalized


def _container_after(hits: list[NameHit], k: int, text: str) -> tuple[Place, ...]:
    """The province or country right after a name: "Argelia, Cauca", "Argelia (Cauca)"."""
    if k + 1 >= len(hits):
        return ()
    nxt = hits[k + 1]
    between = text[hits[k].end:nxt.start].strip()
    if between not in (",", "(", "، ", "،", "-", "—", "–"):
        return ()
    return tuple(p for p in nxt.entry.places if p.kind in ("subdivision", "country"))


def _cue_before(index: NameIndex, tokens: Sequence[Token], first: int) -> str | None:
    """The kind of place a cue word right before the name announces ("municipio de" -> city)."""
    for back in (1, 2, 3):
        j = first - back
        if j < 0:
            break
        for cue, words in index.cues.items():
            if not words.isdisjoint(tokens[j].keys):
                return cue
        if tokens[j].key not in index.stopwords:
            break
    return None


def resolve_names(
    index: NameIndex,
    tokens: Sequence[Token],
    text: str,
    groups: Sequence[ArmedGroupHit] = (),
    in_group_names: Mapping[int, str | None] | None = None,
) -> list[ResolvedPlace]:
    """Every name with the reading chosen for it (names that tag nothing are left out). A name
    inside an armed group's name is the group's ("Cártel Jalisco Nueva Generación" is no
    province), unless it names the group's own country ("Російська армія" is Russian)."""
    inside = in_group_names or {}

    def owned(h: NameHit) -> bool:
        national = {p.country for p in h.entry.places if p.kind in ("country", "demonym")}
        return any(j in inside and inside[j] not in national for j in range(h.first, h.last + 1))

    hits = [h for h in find_names(index, tokens, text) if not owned(h)]
    anchors: Counter[str] = Counter(g.country for g in groups)
    anchor_subs: Counter[str] = Counter()
    own: list[str | None] = []
    for hit in hits:
        strong = [p for p in hit.entry.places if not hit.entry.weak]
        countries = {p.country for p in strong}
        own.append(None)
        if len(countries) == 1 and not (len(strong) > 1 and all(p.kind == "city" for p in strong)):
            country = next(iter(countries))
            own[-1] = country
            anchors[country] += 1
            subs = {p.subdivision for p in strong}
            if len(subs) == 1 and (sub := next(iter(subs))):
                anchor_subs[sub] += 1
    out: list[ResolvedPlace] = []
    for k, hit in enumerate(hits):
        # a name is no support for itself
        mine = own[k]
        if mine is not None:
            anchors[mine] -= 1
        chosen = _choose(index, hit, tokens, text, hits, k, anchors, anchor_subs)
        if mine is not None:
            anchors[mine] += 1
        if chosen is not None:
            out.append(ResolvedPlace(hit.start, hit.end, text[hit.start:hit.end], chosen[0], chosen[1]))
    for g in groups:
        out.append(ResolvedPlace(g.start, g.end, g.text, _group_place(g), 1.0))
    out.sort(key=lambda r: r.start)
    return _provinces_said(out, hits)


def _choose(index: NameIndex, hit: NameHit, tokens: Sequence[Token], text: str, hits: list[NameHit],
            k: int, anchors: Counter[str], anchor_subs: Counter[str]) -> tuple[Place, float] | None:
    containers = _container_after(hits, k, text)
    cue = _cue_before(index, tokens, hit.first)
    # "barrio Panamá", "municipio de Argelia": after a word for a town, a country's name is a town
    named_after_country = cue == "city" and any(p.kind == "country" for p in hit.entry.places)
    best: tuple[float, Place] | None = None
    for place in hit.entry.places:
        if named_after_country and place.kind in ("country", "capital", "subdivision"):
            continue
        support = anchors[place.country]
        contained = any(
            (c.kind == "country" and c.country == place.country)
            or (c.subdivision is not None and place.subdivision is not None
                and place.subdivision.startswith(c.subdivision))
            for c in containers
        )
        cue_fits = cue is not None and (cue == place.kind or (cue == "city" and place.kind == "capital"))
        weak = hit.entry.weak or (hit.entry.source == "geonames-home" and _inside_longer_name(tokens, hit, text))
        if weak and not (support > 0 or contained or cue_fits):
            continue
        value = _KIND_RANK.get(place.kind, 1.0) + min(place.population, 10_000_000) / 10_000_000
        value += 3.0 * min(support, 2) + 6.0 * contained + 4.0 * cue_fits
        if place.subdivision and anchor_subs.get(place.subdivision):
            value += 1.0
        if best is None or value > best[0]:
            best = (value, place)
    if best is None:
        return None
    return best[1], best[0]


def _inside_longer_name(tokens: Sequence[Token], hit: NameHit, text: str) -> bool:
    """A capitalised word right after the name, with only a space between ("Federación Nacional
    de Cafeteros"): the town's name is part of another proper name."""
    nxt = hit.last + 1
    return (nxt < len(tokens) and tokens[nxt].text[:1].isupper()
            and not text[tokens[hit.last].end:tokens[nxt].start].strip())


def _group_place(g: ArmedGroupHit) -> Place:
    return Place(key=-1, name=g.text, kind="place", country=g.country, subdivision=None, population=0,
                 lat=None, lon=None, source=g.source)


def _provinces_said(out: list[ResolvedPlace], hits: list[NameHit]) -> list[ResolvedPlace]:
    """A town named in several provinces of its country keeps the province the story names,
    else none ("Argelia" is in Antioquia, Cauca and Valle del Cauca)."""
    said = {r.place.subdivision for r in out if r.place.kind == "subdivision" and r.place.subdivision}
    by_start = {h.start: h for h in hits}
    result: list[ResolvedPlace] = []
    for r in out:
        hit = by_start.get(r.start)
        if hit is not None and r.place.kind == "city" and r.place.subdivision:
            rivals = [p for p in hit.entry.places if p.country == r.place.country and p.subdivision
                      and p.subdivision != r.place.subdivision and p.kind == "city"]
            if rivals:
                options = [p for p in (r.place, *rivals) if p.subdivision in said]
                if options:
                    r = replace(r, place=max(options, key=lambda p: p.population))
                elif r.place.subdivision not in said:
                    r = replace(r, place=replace(r.place, subdivision=None))
        result.append(r)
    return result


def tag_regions(knowledge: RegionKnowledge, resolved: Sequence[ResolvedPlace]) -> RegionTags:
    """The English tagger's summary over these readings."""
    return summarize(knowledge, resolved)
