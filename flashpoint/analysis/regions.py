"""Region tagging: which countries, ISO 3166-2 subdivisions and UN regions a story is about.

Every alert is routed by where it happens, so a wrong country pages the wrong desk. The tagger
therefore prefers saying nothing to guessing: a name that is also a word ("Nice", "Split"), a
first name ("Chad", "Jordan") or a small town somewhere else needs support from the story before
it tags.

How it works, and why it is fast enough for the stream (>= 200 articles/s per core):

1. One Aho-Corasick pass over the cleaned text finds every gazetteer name
   (:meth:`Gazetteer.iter_matches`). No parser or NER runs over the article: the notes measured
   NER at ~15 articles/s and found the small model mislabels "Tajikistan" and "Tajik" anyway.
2. Names with one unambiguous reading (most country names, demonyms, big capitals) become
   *anchors*: evidence of which countries and provinces the story is about.
3. Every name's readings are scored: kind of place, population, anchors (a place named in a story
   about country X resolves inside X), neighbours of anchors, a container after a comma ("Paris,
   Texas"), a "province"/"city of" cue. Weak readings (common words, first names, small towns)
   must also clear an evidence check, and lose when the name sits inside a longer proper name
   ("George Washington", "Northern Alliance"). A name the story once writes as a person's ("Roy
   Jones", "Jones said", "Flores, 26,") is a person all through the story. The context words
   (locatives, titles, street words...) are data: ``lexicons/regions-cues.yaml``.
4. The primary country is the one with the most weighted mentions, counting the headline and lede
   double: a story is about the place it opens with.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from flashpoint.analysis.gazetteer import Gazetteer, NameMatch, Place, default_gazetteer
from flashpoint.analysis.lexicon import lexicon_path, read_records, validate_records
from flashpoint.analysis.models import (
    CountryTag,
    MacroRegion,
    PlaceMention,
    RegionTags,
    SourceProfile,
    Span,
    SubdivisionTag,
)

# A country name is worth more than any town of the same name ("Mexico" vs Mexico, Missouri), a
# province more than most towns ("California" vs California, Maryland).
_KIND_BASE = {
    "continent": 10.0,
    "country": 10.0,
    "demonym": 8.0,
    "capital": 4.0,
    "place": 4.0,
    "subdivision": 6.0,
    "city": 1.0,
}
# How much one mention of each kind says about what the story is about.
_KIND_WEIGHT = {"country": 1.0, "demonym": 0.7, "capital": 0.8, "place": 0.8, "subdivision": 0.8, "city": 0.6}
_MENTION_KIND = {
    "country": "country",
    "demonym": "demonym",
    "capital": "capital",
    "place": "place",
    "subdivision": "subdivision",
    "city": "city",
}
_PRIMARY_LEAD_CHARS = 400
_LEAD_FACTOR = 2.0
_STRONG_CITY_POPULATION = 500_000
_SMALL_CITY_POPULATION = 100_000
_MAX_EVIDENCE = 10
_NAMESAKE_PENALTY = 3.0
_PROVINCE_GUESS_RATIO = 10  # the biggest namesake must dwarf the others to be a safe guess
_COUNTRY_NAMESAKE_PENALTY = 8.0
_AGE_AFTER = re.compile(r", \d{1,3}(,| of\b)")  # "Flores, 26, had just left": a person
_WORD_RE = re.compile(r"[A-Za-z][\w'’.\-]*")


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    """A name and the reading chosen for it; ``place`` carries coordinates for evaluation."""

    start: int
    end: int
    text: str
    place: Place
    score: float

    def mention(self) -> PlaceMention:
        return PlaceMention(
            span=Span(self.start, self.end, self.text),
            country=self.place.country,
            subdivision=self.place.subdivision,
            kind=_MENTION_KIND.get(self.place.kind, "place"),
            source=self.place.source,
        )


@dataclass(frozen=True, slots=True)
class _Context:
    prev_word: str
    next_word: str
    sentence_initial: bool
    in_longer_name: bool
    surname_like: bool  # a capitalised word (not a compass word) or an honorific right before it
    container_countries: frozenset[str]
    container_subdivisions: frozenset[str]
    subdivision_cue: bool
    city_cue: bool
    is_container: bool  # the name follows "<place>, " ("Lebanon, Tenn.")
    coordinated: bool  # "the United States and Jordan": listed with another country
    street: bool  # followed by Road/Street/...: a street name, not the place
    dateline: bool = False  # "KABUL (Reuters) -": the story is filed from here
    headline: bool = False  # inside an all-title-case first line: capitals say little there


@dataclass(frozen=True, slots=True)
class _StoryNames:
    """How the story uses each name, gathered over the whole text before any is resolved."""

    surnames: frozenset[str]  # once written as a person's name: "Sheriff Tom Jones", "Jones, 26,"
    speakers: frozenset[str]  # once next to a verb of speech: "Jones said"
    standalone: frozenset[str]  # once used on its own, mid-sentence
    locative_seen: frozenset[str]  # once used after "in", "near", "city of"...
    english: bool = True  # reads as English prose: "Lage" in German text is no town


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

    def found_in(self, text: str) -> bool:
        return any(lit in text for lit in self.literals) or (
            self.pattern is not None and self.pattern.search(text) is not None
        )


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
        out.append(CountryEvidence(rec.id, str(rec.data["country"]), pattern, tuple(literals)))
    return tuple(out)


_HEADLINE_MIN_WORDS = 3
_HEADLINE_MAX_CHARS = 200


def headline_end(text: str, common_words: frozenset[str]) -> int:
    """End offset of an all-title-case first line or first sentence ("Hartford Police Find Guns,
    Drugs In Raids."), else 0. In such a line every word is capitalised, so a capital letter is no
    sign of a proper name there."""
    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    cut = len(stripped)
    for sep in ("\n", ". ", "? ", "! "):
        i = stripped.find(sep)
        if 0 < i < cut:
            cut = i
    if cut > _HEADLINE_MAX_CHARS:
        return 0
    words = [w for w in _WORD_RE.findall(stripped[:cut]) if w.lower() not in _SHORT_FUNCTION_WORDS]
    if len(words) < _HEADLINE_MIN_WORDS:
        return 0
    capitalised = sum(1 for w in words if w[:1].isupper())
    # every content word capitalised, and at least one of them an ordinary word ("Find", "Raids")
    if capitalised < len(words) or not any(w.lower() in common_words for w in words):
        return 0
    return offset + cut


_ENGLISH_STOP_SHARE = 0.2
_ENGLISH_MIN_WORDS = 8


def _reads_english(text: str) -> bool:
    """English prose has 40-50% of its words among spaCy's stop words (a terse headline 20-30%);
    German or Spanish text sharing a few ("in", "am") stays near 15%."""
    words = _WORD_RE.findall(text[:2000])
    if len(words) < _ENGLISH_MIN_WORDS:
        return True  # too short to tell ("Decatur city officials met."): the other checks still apply
    return sum(1 for w in words if w.lower() in STOP_WORDS) >= _ENGLISH_STOP_SHARE * len(words)


_SHORT_FUNCTION_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "vs", "with"]
)


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


class RegionTagger:
    """Tags countries, subdivisions and M49 regions in cleaned text; cheap to call, costly to build."""

    def __init__(
        self,
        nlp: Any = None,
        gazetteer: Gazetteer | None = None,
        cues: RegionCues | None = None,
        evidence: tuple[CountryEvidence, ...] | None = None,
    ) -> None:
        self.gazetteer = gazetteer or default_gazetteer()
        self.cues = cues or load_region_cues()
        self.evidence = load_country_evidence() if evidence is None else evidence
        self.common_words = common_words_from(nlp)
        self.common_nouns = common_nouns_from(nlp) if nlp is not None else frozenset()

    # --- public --------------------------------------------------------------------------

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
        if not text or not text.strip():
            return []
        gz = self.gazetteer
        matches = list(gz.iter_matches(text))
        datelines = list(gz.iter_datelines(text))
        if datelines:
            taken = {(d.start, d.end) for d in datelines}
            matches = sorted(
                [*datelines, *(m for m in matches if not any(a < m.end and m.start < b for a, b in taken))],
                key=lambda m: m.start,
            )
        home_subs = (
            frozenset(gz.top_subdivision(code) for code in profile.subdivisions) if profile else frozenset[str]()
        )
        if home_subs:
            matches = self._with_home_towns(text, matches, home_subs)
        if not matches:
            return []
        match_starts = {m.start: m for m in matches}
        match_ends = {m.end: m for m in matches}
        dateline_starts = {d.start for d in datelines}
        head_end = headline_end(text, self.common_words)
        contexts = [
            self._context(
                text, m, match_starts, match_ends, dateline=m.start in dateline_starts, headline=m.end <= head_end
            )
            for m in matches
        ]
        candidates = [self._filter_candidates(m, c) for m, c in zip(matches, contexts, strict=True)]

        # a name once written as a surname ("Tom Jones", "Mr. Jones", "Jones said") is a person
        surnames = {
            m.alias
            for m, ctx in zip(matches, contexts, strict=True)
            if (ctx.surname_like and self._person_pair(text, m)) or _AGE_AFTER.match(text, m.end)
        }
        # "Jones said": a person, or a government speaking through its capital or province
        # ("Moscow said", "said Wisconsin Governor"): only towns are taken for people
        speakers = {
            m.alias
            for m, ctx in zip(matches, contexts, strict=True)
            if ctx.next_word in self.cues.speech_verbs or ctx.prev_word in self.cues.speech_verbs
        }
        # "Sydney McClain", "Judah P. Benjamin", "Stanley said": a given name used for a person,
        # this once (the story may name the city too); no evidence and no tag
        people = {
            m.start
            for m, ctx, cands in zip(matches, contexts, candidates, strict=True)
            if self._given_name_person(text, m, ctx, cands) or self._demonym_not_the_country(text, m, ctx, cands)
        }
        if people:
            candidates = [[] if m.start in people else c for m, c in zip(matches, candidates, strict=True)]
        anchors: Counter[str] = Counter()
        anchor_subs: Counter[str] = Counter()
        self_anchor: list[Place | None] = []
        for m, ctx, cands in zip(matches, contexts, candidates, strict=True):
            place = self._anchor_reading(m, ctx, cands)
            if place is not None and place.kind not in ("country", "demonym") and m.alias in surnames:
                place = None  # "Bingham to offer plan ... Mayor Ryan Bingham": a person, no evidence
            self_anchor.append(place)
            if place is not None:
                anchors[place.country] += 1
                subs = {gz.top_subdivision(p.subdivision) if p.subdivision else None for p in cands}
                if len(subs) == 1 and place.subdivision:
                    anchor_subs[gz.top_subdivision(place.subdivision)] += 1
        # wording only one country's news uses, and the publisher's country: one mention each
        for ev in self.evidence:
            if ev.found_in(text):
                anchors[ev.country] += 1
        locale = locale or (profile.country if profile else None)
        if locale:
            anchors[locale.upper()] += 1
        for sub in home_subs:
            anchor_subs[sub] += 1
        # second tier: a big capital against small towns elsewhere ("Paris") is evidence for its
        # country only when the story gives no unambiguous support to any of the other readings
        dominant: list[Place] = []
        for i, (m, ctx, cands) in enumerate(zip(matches, contexts, candidates, strict=True)):
            if self_anchor[i] is not None or ctx.in_longer_name or ctx.street or ctx.sentence_initial:
                continue
            head = self._dominant(m, cands)
            if head is None or any(anchors.get(p.country) for p in cands if p.country != head.country):
                continue
            self_anchor[i] = head
            dominant.append(head)
        for head in dominant:
            anchors[head.country] += 1
        alias_counts: Counter[str] = Counter(
            m.alias for m, own in zip(matches, self_anchor, strict=True) if own is not None
        )
        standalone = {
            m.alias
            for m, ctx in zip(matches, contexts, strict=True)
            if not ctx.in_longer_name and not ctx.sentence_initial and m.alias not in surnames
        }
        locative_seen = {
            m.alias
            for m, ctx in zip(matches, contexts, strict=True)
            if (ctx.prev_word.lower() in self.cues.locative or ctx.city_cue)
            and not ctx.sentence_initial
            and not ctx.in_longer_name
        }
        story = _StoryNames(
            frozenset(surnames),
            frozenset(speakers),
            frozenset(standalone),
            frozenset(locative_seen),
            _reads_english(text[head_end:]),  # headlines are short on function words
        )
        top = [cc for cc, _ in anchors.most_common(3)]
        neighbourhood: set[str] = set()
        for cc in top:
            info = gz.countries.get(cc)
            if info:
                neighbourhood |= info.neighbours

        out: list[ResolvedPlace] = []
        for m, ctx, cands, own in zip(matches, contexts, candidates, self_anchor, strict=True):
            # a name is no evidence for itself: "Jones" said three times must not vouch for the
            # Philippines' Jones, so support comes from the other names only
            own_count = alias_counts[m.alias] if own is not None else 0
            if own is not None:
                anchors[own.country] -= own_count
            scored = sorted(
                (
                    (
                        self._score(p, ctx, anchors, anchor_subs, neighbourhood)
                        - self._namesake_penalty(p, cands, anchors, anchor_subs, neighbourhood),
                        p,
                    )
                    for p in cands
                ),
                key=lambda sp: -sp[0],
            )
            # the best reading that clears its evidence check: "Georgia" the country without
            # support falls back to the US state when the story is American
            vetoed_in: str | None = None
            for score, place in scored:
                if vetoed_in is not None and place.country != vetoed_in and not anchors.get(place.country):
                    # "Paris Library" in a story about Illinois: the word was turned down as a place
                    # there, and that is no reason to read it as a country the story never supports
                    break
                if self._accept(m, place, ctx, anchors, neighbourhood, story):
                    out.append(ResolvedPlace(m.start, m.end, m.alias, place, score))
                    break
                if vetoed_in is None and place.kind in ("city", "capital") and anchors.get(place.country):
                    vetoed_in = place.country
            if own is not None:
                anchors[own.country] += own_count
        out = self._one_sense_per_story(out, matches, contexts, story, people)
        return self._refine_subdivisions(out, matches, home_subs)

    def _with_home_towns(self, text: str, matches: list[NameMatch], home_subs: frozenset[str]) -> list[NameMatch]:
        """Add the small towns of the publisher's home provinces: a village name nobody else's
        gazetteer entry covers becomes a match; one the general matcher found too ("Decatur")
        gains its local reading beside the others."""
        by_span = {(m.start, m.end): i for i, m in enumerate(matches)}
        merged = list(matches)
        added: list[NameMatch] = []
        for sub in sorted(home_subs):
            for t in self.gazetteer.iter_home_town_matches(text, sub):
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

    def _one_sense_per_story(
        self,
        out: list[ResolvedPlace],
        matches: list[NameMatch],
        contexts: list[_Context],
        story: _StoryNames,
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

    def _refine_subdivisions(
        self, out: list[ResolvedPlace], matches: list[NameMatch], home_subs: frozenset[str] = frozenset()
    ) -> list[ResolvedPlace]:
        """Second look at towns and counties whose name exists in several provinces of the chosen
        country: the province the story names elsewhere wins ("Gainesville" + "Georgia" -> US-GA),
        then the publisher's home province ("Decatur" in a Tennessee paper); with neither, no
        province rather than a guess. Such a name is no evidence for its own province: "Henry
        County" (ten states have one) does not vouch for Alabama."""
        gz = self.gazetteer
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
                elif self._province_is_a_guess(r, places_by_start.get(r.start, ())):
                    r = ResolvedPlace(r.start, r.end, r.text, replace(r.place, subdivision=None), r.score)
            refined.append(r)
        return refined

    def summarize(self, resolved: Sequence[ResolvedPlace]) -> RegionTags:
        gz = self.gazetteer
        weight: dict[str, float] = defaultdict(float)
        first_seen: dict[str, int] = {}
        evidence: dict[str, list[Span]] = defaultdict(list)
        sub_evidence: dict[str, list[Span]] = defaultdict(list)
        resolved = [r for r in resolved if r.place.country]  # continents tag no country
        for r in resolved:
            cc = r.place.country
            lead = _LEAD_FACTOR if r.start < _PRIMARY_LEAD_CHARS else 1.0
            weight[cc] += _KIND_WEIGHT.get(r.place.kind, 0.5) * lead
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
                evidence=tuple(evidence[cc][:_MAX_EVIDENCE]),
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
                evidence=tuple(sub_evidence[code][:_MAX_EVIDENCE]),
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
        return RegionTags(
            primary_country=order[0] if order else None,
            countries=countries,
            subdivisions=subdivisions,
            macro_regions=tuple(regions),
            mentions=tuple(r.mention() for r in resolved),
        )

    # --- internals -----------------------------------------------------------------------

    def _context(
        self,
        text: str,
        m: NameMatch,
        match_starts: dict[int, NameMatch],
        match_ends: dict[int, NameMatch],
        *,
        dateline: bool = False,
        headline: bool = False,
    ) -> _Context:
        before = text[max(0, m.start - 60) : m.start]
        after = text[m.end : m.end + 60]
        prev_words = _WORD_RE.findall(before)
        prev_word = prev_words[-1].rstrip(".") if prev_words else ""
        next_match = _WORD_RE.match(after.lstrip(" "))
        next_word = next_match.group(0).rstrip(".,") if next_match else ""
        stripped_before = before.rstrip(" \t\"'“‘(")
        sentence_initial = not stripped_before or stripped_before[-1] in ".!?:;\n—–-•" or stripped_before.endswith("\n")
        directly_before = before[-(len(prev_word) + 2) :] if prev_word else ""
        # "<word> " or "<word>. " right before the name (string tests: a pattern built per word
        # would churn re's compile cache on every article)
        prev_adjacent = bool(prev_word) and directly_before.endswith((prev_word + " ", prev_word + ". "))
        prev_is_name = (
            prev_adjacent
            and prev_word[:1].isupper()
            and not self._is_country_word(match_starts.get(m.start - len(prev_word) - 1))
            and not (prev_word in self.cues.compass and any(p.kind != "city" for p in m.places))
            # "Six Flags Over Texas", "Bank of America"; an initial ("Roy A. Nelson") is a name
            and (prev_word.lower() not in STOP_WORDS or (len(prev_word) == 1 and directly_before.endswith(". ")))
        )
        if headline and self._ordinary_word(prev_word) and prev_word not in self.cues.compass:
            # "In Wake of Attacks": every headline word is capitalised; a compass word still makes
            # one name with a town's ("US Backs Northern Alliance"), as it does in running text
            prev_is_name = False
        if prev_adjacent and prev_word in self.cues.honorifics:
            prev_is_name = True
        next_adjacent = after.startswith(" ") and bool(next_word)
        next_is_name = (
            next_adjacent
            and next_word[:1].isupper()
            and next_word not in self.cues.followers_ok
            and not self._is_country_word(match_starts.get(m.end + 1))
            and (not next_word.isupper() or (len(next_word) == 1 and after.startswith(f" {next_word}. ")))
            and not (headline and self._ordinary_word(next_word))  # "Hartford Police Find Guns"
        )
        cont_cc: set[str] = set()
        cont_sub: set[str] = set()
        if after.startswith(", "):
            nxt = match_starts.get(m.end + 2)
            if nxt is not None:
                for p in nxt.places:
                    if p.kind in ("country", "subdivision"):
                        cont_cc.add(p.country)
                        if p.subdivision:
                            cont_sub.add(self.gazetteer.top_subdivision(p.subdivision))
        subdivision_cue = next_word in self.cues.subdivision_cues or bool(
            re.search(r"(province|region|state|oblast|governorate) of $", before, re.IGNORECASE)
        )
        city_cue = bool(re.search(r"(city|town|village) of $", before, re.IGNORECASE))
        is_container = before.endswith(", ") and (m.start - 2) in match_ends
        coordinated = False
        for joiner in (" and ", ", ", " or "):
            prev_match = match_ends.get(m.start - len(joiner)) if before.endswith(joiner) else None
            following = match_starts.get(m.end + len(joiner)) if after.startswith(joiner) else None
            if self._is_country_word(prev_match) or self._is_country_word(following):
                coordinated = True
        if dateline:  # a dateline reads as "in X", whatever the words around it
            return _Context(
                prev_word="in",
                next_word="",
                sentence_initial=False,
                in_longer_name=False,
                surname_like=False,
                container_countries=frozenset(),
                container_subdivisions=frozenset(),
                subdivision_cue=False,
                city_cue=True,
                is_container=False,
                coordinated=False,
                street=False,
                dateline=True,
            )
        return _Context(
            coordinated=coordinated,
            prev_word=prev_word,
            next_word=next_word,
            sentence_initial=sentence_initial,
            in_longer_name=prev_is_name or next_is_name,
            surname_like=prev_is_name,
            headline=headline,
            container_countries=frozenset(cont_cc),
            container_subdivisions=frozenset(cont_sub),
            subdivision_cue=subdivision_cue,
            city_cue=city_cue,
            is_container=is_container,
            street=next_word in self.cues.street_words,
        )

    def _ordinary_word(self, word: str) -> bool:
        low = word.lower()
        return low in self.common_words or low in self.common_nouns

    def _demonym_not_the_country(self, text: str, m: NameMatch, ctx: _Context, cands: list[Place]) -> bool:
        """A national adjective that says nothing about where the story is: cuisine, shops and
        heritage ("Italian food", "Irish pub"), a language ("spoke only French", "in English and
        Spanish"), or a person's surname ("Monica French", "Finn said")."""
        if not cands or any(p.kind != "demonym" for p in cands):
            return False
        if ctx.next_word in self.cues.cultural_heads:
            return True
        before = _WORD_RE.findall(text[max(0, m.start - 40) : m.start])
        if any(w.lower() in self.cues.language_verbs for w in before[-2:]):
            return True
        given = before[-1] if before else ""
        if (
            given in self.gazetteer.given_names
            and text[max(0, m.start - len(given) - 1) : m.start] == given + " "
            and not self._ordinary_word(given)  # "An Argentine judge", "Young Algerians"
        ):
            return True  # "Public Information Officer Monica French"
        if ctx.next_word in self.cues.speech_verbs and (not before or before[-1].lower() not in self.cues.determiners):
            return True  # "French said": a person; "the French said" is the country speaking
        # "aired in English and Spanish": two languages joined after "in"
        pair_after = re.match(r" (?:and|or) ([A-Z][a-z]+)", text[m.end : m.end + 30])
        pair_before = re.search(r"\bin ([A-Z][a-z]+),? (?:and|or) $", text[max(0, m.start - 40) : m.start])
        if pair_after and before and before[-1].lower() == "in":
            other = self.gazetteer.by_name.get(pair_after.group(1), ())
            return bool(other) and all(p.kind == "demonym" for p in other)
        if pair_before:
            other = self.gazetteer.by_name.get(pair_before.group(1), ())
            return bool(other) and all(p.kind == "demonym" for p in other)
        return False

    def _given_name_person(self, text: str, m: NameMatch, ctx: _Context, cands: list[Place]) -> bool:
        """A given name right before a surname or an initial ("Sydney McClain", "Judah P.
        Benjamin"), or before a verb of speech when every reading is a town ("Stanley said")."""
        gz = self.gazetteer
        if m.alias not in gz.given_names or ctx.dateline or ctx.headline or not cands:
            return False
        if any(p.kind in ("country", "demonym", "continent") for p in cands) and not ctx.surname_like:
            return False  # "Jordan" and "Chad" have their own evidence rules
        following = text[m.end : m.end + 40]
        initial = re.match(r" [A-Z]\. [A-Z]", following)
        word = re.match(r" ([A-Z][A-Za-z'’]+)\b", following)
        surname = (
            word is not None
            and word.group(1).title() in gz.surnames
            and not self._ordinary_word(word.group(1))
            # "Paris Texas", "Georgia Russia" are two places, not a person
            and not any(p.kind != "city" for p in gz.by_name.get(word.group(1), ()))
        )
        if initial or surname:
            return True
        return (
            ctx.next_word in self.cues.speech_verbs
            and ctx.prev_word.lower() not in self.cues.locative  # "a center in Austin told media"
            and ctx.prev_word.lower() != "of"  # "Mark Kitsmore, 54, of Tyler said"
            and all(p.kind == "city" for p in cands)
        )

    def _person_pair(self, text: str, m: NameMatch) -> bool:
        """Whether "<Capitalised> <name>" reads as a person: a title before it ("Sheriff Scott
        Jones"), or the pair itself followed by a comma, a verb of speech or an age."""
        before = text[max(0, m.start - 40) : m.start].split()
        if len(before) >= 2 and before[-2].rstrip(".") in self.cues.honorifics:
            return True
        if before and before[-1].rstrip(".") in self.cues.honorifics:
            return True
        after = text[m.end : m.end + 30]
        if _AGE_AFTER.match(after):
            return True
        next_words = after.split()
        return bool(next_words) and next_words[0].strip(",.;:") in self.cues.speech_verbs

    @staticmethod
    def _is_country_word(match: NameMatch | None) -> bool:
        """ "Afghan Badakhshan" is two names; "Northern Alliance" is one name, not a place."""
        return match is not None and any(p.kind in ("country", "demonym") for p in match.places)

    def _filter_candidates(self, m: NameMatch, ctx: _Context) -> list[Place]:
        seen: set[tuple[str, str, str | None]] = set()
        out: list[Place] = []
        for p in m.places:
            if ctx.prev_word in p.not_after or ctx.next_word in p.not_before:
                continue
            key = (p.kind, p.country, p.subdivision)
            if p.kind in ("country", "demonym") and key in seen:
                continue
            seen.add(key)
            out.append(p)
        return out

    def _is_common(self, alias: str, place: Place) -> bool:
        if alias in self.gazetteer.common or alias in self.cues.compass:
            return True
        if place.kind in ("country", "demonym"):
            return False
        low = alias.lower()
        if low in self.common_words:
            return True
        if place.kind != "city" or place.population >= _SMALL_CITY_POPULATION or low not in self.common_nouns:
            return False
        # WordNet lists famous places as nouns too ("lebanon", "dublin"): a name that is also a
        # country, a capital or a big city is in the list for that reason, not as a word
        return not any(
            p.kind in ("country", "capital") or p.population >= _SMALL_CITY_POPULATION
            for p in self.gazetteer.by_name.get(alias, ())
        )

    def _province_is_a_guess(self, r: ResolvedPlace, places: Iterable[Place]) -> bool:
        """A county or town that exists in several provinces of its country, none of them named in
        the story, and not clearly the biggest: better no province than a wrong one."""
        gz = self.gazetteer
        own = gz.top_subdivision(r.place.subdivision or "")
        rivals = [
            p
            for p in places
            if p.country == r.place.country
            and p.subdivision
            and gz.top_subdivision(p.subdivision) != own
            and p.kind == r.place.kind
        ]
        return any(p.population * _PROVINCE_GUESS_RATIO > r.place.population or not r.place.population for p in rivals)

    def _namesake_penalty(
        self,
        place: Place,
        cands: list[Place],
        anchors: Counter[str],
        anchor_subs: Counter[str],
        neighbourhood: set[str],
    ) -> float:
        """A famous reading the story gives no support to, against a namesake in a country the
        story does support: "Athens" in a story with a Sheriff's Office and Interstate 85 is the
        American town. A country name ("Lebanon", "Palestine") gives way only to a town in a state
        the story names."""
        if anchors.get(place.country) or place.country in neighbourhood:
            return 0.0
        gz = self.gazetteer
        towns = ("city", "capital")
        if place.kind in towns:
            rivals = any(p.kind in towns and anchors.get(p.country) for p in cands if p.country != place.country)
            return _NAMESAKE_PENALTY if rivals else 0.0
        if place.kind == "country":
            rivals = any(
                p.kind in towns and p.subdivision and gz.top_subdivision(p.subdivision) in anchor_subs
                for p in cands
                if p.country != place.country
            )
            return _COUNTRY_NAMESAKE_PENALTY if rivals else 0.0
        return 0.0

    def _fits_container(self, place: Place, ctx: _Context) -> bool:
        if ctx.container_subdivisions:
            return bool(place.subdivision) and self.gazetteer.top_subdivision(place.subdivision or "") in (
                ctx.container_subdivisions
            )
        return place.country in ctx.container_countries

    def _anchor_reading(self, m: NameMatch, ctx: _Context, cands: list[Place]) -> Place | None:
        """The reading of a name that is evidence on its own: one country for every reading."""
        if not cands or len({p.country for p in cands}) != 1:
            return None
        place = cands[0]
        if not place.country:
            return None  # a continent is evidence of no country
        if any(p.needs_evidence for p in cands) or self._is_common(m.alias, place):
            return None
        if place.kind in ("country", "demonym"):
            return place
        if ctx.surname_like or ctx.street:
            return None
        return place

    def _dominant(self, m: NameMatch, cands: list[Place]) -> Place | None:
        if len({p.country for p in cands}) < 2 or self._is_common(m.alias, cands[0]):
            return None
        ranked = sorted(cands, key=lambda p: p.population, reverse=True)
        head = ranked[0]
        if head.needs_evidence or head.kind not in ("capital", "city") or head.population < _STRONG_CITY_POPULATION:
            return None
        if any(p.population * 20 > head.population for p in ranked[1:] if p.country != head.country):
            return None
        return head

    def _score(
        self,
        place: Place,
        ctx: _Context,
        anchors: Counter[str],
        anchor_subs: Counter[str],
        neighbourhood: set[str],
    ) -> float:
        score = _KIND_BASE.get(place.kind, 2.0) + place.boost
        if place.kind in ("city", "capital"):
            score += math.log10(place.population + 10) / 1.5
        if place.kind == "subdivision" and place.population == 0:
            score -= 1.5  # second-level unit
        n = anchors.get(place.country, 0)
        if n:
            score += 2.5 + math.log2(1 + n)
        elif place.country in neighbourhood:
            score += 0.5
        if place.subdivision and self.gazetteer.top_subdivision(place.subdivision) in anchor_subs:
            score += 3.0
        if ctx.container_countries or ctx.container_subdivisions:
            sub = self.gazetteer.top_subdivision(place.subdivision) if place.subdivision else None
            if sub in ctx.container_subdivisions or (
                place.country in ctx.container_countries and not ctx.container_subdivisions
            ):
                score += 6.0
            else:
                score -= 2.0
        if (ctx.subdivision_cue or ctx.is_container) and place.kind == "subdivision":
            score += 3.0 if ctx.subdivision_cue else 4.0  # "Seattle, Washington": the state
        if ctx.city_cue and place.kind in ("city", "capital"):
            score += 3.0
        return score

    def _accept(
        self,
        m: NameMatch,
        place: Place,
        ctx: _Context,
        anchors: Counter[str],
        neighbourhood: set[str],
        story: _StoryNames,
    ) -> bool:
        if ctx.street and place.kind != "country":
            return False
        if place.kind == "continent":
            return not ctx.in_longer_name  # "Africa", not "Africa Cup" or "Asia Pacific Fund"
        contained = bool(ctx.container_countries or ctx.container_subdivisions)
        if contained and place.kind in ("city", "capital", "place") and self._fits_container(place, ctx):
            return True  # "Dublin, Ohio": the container settles it, whatever the word means
        supported = anchors.get(place.country, 0) > 0 or contained
        locative = ctx.prev_word.lower() in self.cues.locative
        one_country = len({p.country for p in m.places}) == 1
        # the story is about somewhere else: another country has support, this one none and it is
        # no neighbour ("in Frankston" in a Texas police story is not the Australian suburb)
        elsewhere = (
            not supported
            and place.country not in neighbourhood
            and any(n > 0 for cc, n in anchors.items() if cc != place.country)
        )
        if place.kind not in ("country", "demonym") and not contained:
            # a person's name, whatever else the word means ("Jason Jones, 23,", "Warden said")
            if ctx.surname_like or (place.kind in ("city", "subdivision") and m.alias in story.surnames):
                return False
            # "Capt. Nelson said": a province named like a person, when the name has readings
            # elsewhere too ("Wisconsin said" is still the state speaking)
            if place.kind == "subdivision" and not supported and not one_country and m.alias in story.speakers:
                return False
        if self._is_common(m.alias, place):
            if ctx.sentence_initial or ctx.in_longer_name or ctx.prev_word.lower() in self.cues.determiners:
                return False  # "the University", "a Bell": the word, not the town
            if ctx.headline:
                return supported  # "In Wake of Attacks": a capitalised word in a headline
            # "in Split" mid-sentence is the town when no other country has a town of that name
            return supported or (locative and one_country and not elsewhere and place.kind in ("city", "capital"))
        if place.needs_evidence:
            if ctx.in_longer_name and place.kind in ("country", "demonym", "capital"):
                return False
            if ctx.is_container and place.kind == "subdivision":
                return True
            return (
                supported
                or ctx.coordinated
                or place.country in neighbourhood
                or (locative and place.kind == "country" and not anchors and len(m.places) == 1)
            )
        if place.kind in ("country", "demonym"):
            return True
        small_town = place.kind == "city" and place.population < _SMALL_CITY_POPULATION
        if small_town and m.alias in story.speakers and not contained:
            return False
        if place.kind == "city":
            if ctx.in_longer_name and place.population < _SMALL_CITY_POPULATION and not contained:
                return False  # "Scott Newsham", "Gary Realty": a small town's name as a first name
            if supported:
                return True
            if ctx.in_longer_name and place.population < _STRONG_CITY_POPULATION:
                return False  # "George Washington High School", "Sams Crossing": part of a name
            if elsewhere and place.population < _SMALL_CITY_POPULATION:
                return False
            if place.population >= _STRONG_CITY_POPULATION:
                return True
            # a town nothing else in the story points to: a city big enough to be news anywhere
            # with "in X", or a name with no reading outside one country that the story uses as a
            # place somewhere ("in Gainesville")
            if (
                place.population >= _SMALL_CITY_POPULATION
                and not ctx.sentence_initial
                and (locative or place.country in neighbourhood)
            ):
                return True  # "Israeli strikes hit Gaza City": a big town next door to the story
            if one_country and story.english and not any(n > 0 for cc, n in anchors.items() if cc != place.country):
                # every reading in one country and nothing in the story points elsewhere: a town
                # named in a local story that never needs to say its state ("Decatur officials")
                return True
            return one_country and m.alias in story.locative_seen
        if place.kind == "subdivision" and place.source.startswith("pycountry:") and not supported:
            # "Mary", "Paul", "Gulf" are provinces somewhere: only with a cue or support, or a
            # first-level name with no reading elsewhere that the story also uses on its own
            if ctx.subdivision_cue or ctx.is_container or place.country in neighbourhood:
                return True
            if locative and not elsewhere:
                return True
            rivals = any(anchors.get(p.country) for p in m.places if p.country != place.country)
            return (one_country or not rivals) and place.population == 1 and m.alias in story.standalone
        return True


def tag_regions(text: str, tagger: RegionTagger | None = None) -> RegionTags:
    """Convenience for scripts: tag with a tagger built on the default gazetteer."""
    return (tagger or RegionTagger()).tag(text)
