"""What surrounds each name in the story: the words next to it, a container after a comma, a
headline, a dateline; and how the whole story uses each name (as a person, as a speaker, after
"in"). The scoring and acceptance rules read these records, never the raw text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from flashpoint.analysis.gazetteer import NameMatch, Place
from flashpoint.analysis.models import PlaceMention, Span
from flashpoint.analysis.regions.cues import RegionKnowledge

_SUBDIVISION_OF = re.compile(r"(province|region|state|oblast|governorate) of $", re.IGNORECASE)
_CITY_OF = re.compile(r"(city|town|village) of $", re.IGNORECASE)
# A sovereign state's offices around a name say it is the country ("Prime Minister of Georgia",
# "Georgia's parliament"): a US state has a governor and a legislature instead.
_STATE_OFFICE_OF = re.compile(
    r"\b(?:Prime Minister|President|[Pp]arliament|[Aa]mbassador|[Ee]mbassy|Republic|[Ff]oreign [Mm]inister"
    r"|[Dd]efen[cs]e [Mm]inister|[Ii]nvasion) of $"
)
_STATE_OFFICE_AFTER = re.compile(
    r"(?:'s|’s) (?:[Pp]arliament|[Pp]resident|[Pp]rime [Mm]inister|[Aa]rmy|[Aa]rmed [Ff]orces|[Ff]oreign [Mm]inistry"
    r"|[Dd]efen[cs]e [Mm]inistry|[Ee]mbassy|[Aa]mbassador|[Cc]onstitutional [Cc]ourt)\b"
)
AGE_AFTER = re.compile(r", \d{1,3}(,| of\b)")  # "Flores, 26, had just left": a person
WORD_RE = re.compile(r"[A-Za-z][\w'’.\-]*")
_MENTION_KIND = {
    "country": "country",
    "demonym": "demonym",
    "capital": "capital",
    "place": "place",
    "subdivision": "subdivision",
    "city": "city",
}


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    """A name and the reading chosen for it; ``place`` carries coordinates for evaluation."""

    start: int
    end: int
    text: str
    place: Place
    score: float
    dateline: bool = False
    locative: bool = False  # "in Niamey", "near Goma": where something happens, not who acts

    def mention(self) -> PlaceMention:
        return PlaceMention(
            span=Span(self.start, self.end, self.text),
            country=self.place.country,
            subdivision=self.place.subdivision,
            kind=_MENTION_KIND.get(self.place.kind, "place"),
            source=self.place.source,
            dateline=self.dateline,
        )


@dataclass(frozen=True, slots=True)
class NameContext:
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
    # a sovereign state's office next to the name: "Prime Minister of Georgia", "Georgia's army"
    state_cue: bool = False
    # the container ends the phrase ("Bradford, Ontario court"), it does not go on as a list
    # ("Beirut, Damascus and Amman")
    container_closed: bool = False


# a dateline reads as "in X", whatever the words around it
_DATELINE_CONTEXT = NameContext(
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


@dataclass(frozen=True, slots=True)
class StoryNames:
    """How the story uses each name, gathered over the whole text before any is resolved."""

    surnames: frozenset[str]  # once written as a person's name: "Sheriff Tom Jones", "Jones, 26,"
    speakers: frozenset[str]  # once next to a verb of speech: "Jones said"
    standalone: frozenset[str]  # once used on its own, mid-sentence
    locative_seen: frozenset[str]  # once used after "in", "near", "city of"...
    english: bool = True  # reads as English prose: "Lage" in German text is no town


_HEADLINE_MIN_WORDS = 3
_HEADLINE_MAX_CHARS = 200
_SHORT_FUNCTION_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "vs", "with"]
)


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
    words = [w for w in WORD_RE.findall(stripped[:cut]) if w.lower() not in _SHORT_FUNCTION_WORDS]
    if len(words) < _HEADLINE_MIN_WORDS:
        return 0
    capitalised = sum(1 for w in words if w[:1].isupper())
    # every content word capitalised, and at least one of them an ordinary word ("Find", "Raids")
    if capitalised < len(words) or not any(w.lower() in common_words for w in words):
        return 0
    return offset + cut


_ENGLISH_STOP_SHARE = 0.2
_ENGLISH_MIN_WORDS = 8


def reads_english(text: str) -> bool:
    """English prose has 40-50% of its words among spaCy's stop words (a terse headline 20-30%);
    German or Spanish text sharing a few ("in", "am") stays near 15%."""
    words = WORD_RE.findall(text[:2000])
    if len(words) < _ENGLISH_MIN_WORDS:
        return True  # too short to tell ("Decatur city officials met."): the other checks still apply
    return sum(map(STOP_WORDS.__contains__, map(str.lower, words))) >= _ENGLISH_STOP_SHARE * len(words)


def is_country_word(match: NameMatch | None) -> bool:
    """ "Afghan Badakhshan" is two names; "Northern Alliance" is one name, not a place."""
    return match is not None and any(p.kind in ("country", "demonym") for p in match.places)


def name_context(
    k: RegionKnowledge,
    text: str,
    m: NameMatch,
    match_starts: dict[int, NameMatch],
    match_ends: dict[int, NameMatch],
    *,
    dateline: bool = False,
    headline: bool = False,
) -> NameContext:
    if dateline:
        return _DATELINE_CONTEXT
    cues = k.cues
    before = text[max(0, m.start - 60) : m.start]
    after = text[m.end : m.end + 60]
    prev_words = WORD_RE.findall(before)
    prev_word = prev_words[-1].rstrip(".") if prev_words else ""
    next_match = WORD_RE.match(after.lstrip(" "))
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
        and not is_country_word(match_starts.get(m.start - len(prev_word) - 1))
        and not (prev_word in cues.compass and any(p.kind != "city" for p in m.places))
        # "Six Flags Over Texas", "Bank of America"; an initial ("Roy A. Nelson") is a name
        and (prev_word.lower() not in STOP_WORDS or (len(prev_word) == 1 and directly_before.endswith(". ")))
    )
    if headline and k.ordinary_word(prev_word) and prev_word not in cues.compass:
        # "In Wake of Attacks": every headline word is capitalised; a compass word still makes
        # one name with a town's ("US Backs Northern Alliance"), as it does in running text
        prev_is_name = False
    if prev_adjacent and prev_word in cues.honorifics:
        prev_is_name = True
    next_adjacent = after.startswith(" ") and bool(next_word)
    next_is_name = (
        next_adjacent
        and next_word[:1].isupper()
        and next_word not in cues.followers_ok
        and not is_country_word(match_starts.get(m.end + 1))
        and (not next_word.isupper() or (len(next_word) == 1 and after.startswith(f" {next_word}. ")))
        and not (headline and k.ordinary_word(next_word))  # "Hartford Police Find Guns"
    )
    cont_cc, cont_sub = _containers(k, after, m, match_starts)
    container = match_starts.get(m.end + 2) if cont_cc else None
    container_closed = (
        container is not None
        and container.alias not in cues.compass  # "Kansas City, North": no province
        and container.alias.lower() not in k.common_words  # WordNet's nouns list "Ontario" too
        and _phrase_ends(text, container.end, match_starts, cont_cc)
    )
    of_before = before[-4:].lower() == " of " or before.lower() == "of "  # the regexes below need it
    return NameContext(
        coordinated=_coordinated(before, after, m, match_starts, match_ends),
        prev_word=prev_word,
        next_word=next_word,
        sentence_initial=sentence_initial,
        in_longer_name=prev_is_name or next_is_name,
        surname_like=prev_is_name,
        headline=headline,
        container_countries=cont_cc,
        container_subdivisions=cont_sub,
        container_closed=container_closed,
        subdivision_cue=next_word in cues.subdivision_cues or (of_before and bool(_SUBDIVISION_OF.search(before))),
        city_cue=of_before and bool(_CITY_OF.search(before)),
        state_cue=(of_before and bool(_STATE_OFFICE_OF.search(before))) or bool(_STATE_OFFICE_AFTER.match(after)),
        is_container=before.endswith(", ") and _qualifies(match_ends.get(m.start - 2), m),
        street=next_word in cues.street_words,
    )


def _phrase_ends(text: str, end: int, match_starts: dict[int, NameMatch], countries: frozenset[str]) -> bool:
    """Whether the place phrase ends at ``end``: punctuation or a lower-case word follows ("Bradford,
    Ontario court"), or its own country ("Stroud, Ontario, Canada"). Not a list ("Beirut, Damascus
    and Amman") and not a longer name ("Los Angeles, San Fernando Valley")."""
    rest = text[end : end + 5]
    if rest.startswith((" and ", " or ")):
        return False
    if not rest or rest[0] in ".;:)!?\n\"'”’":
        return True
    if rest[0] == " " and rest[1:2].islower():
        return True
    if rest.startswith(", ") and rest[2:3].islower():
        return not text.startswith((", and ", ", or "), end)  # "San Juan Bautista, California, recalled"
    if rest.startswith(", "):
        country = match_starts.get(end + 2)
        return country is not None and any(p.kind == "country" and p.country in countries for p in country.places)
    return False


def _qualifies(previous: NameMatch | None, m: NameMatch) -> bool:
    """Whether ``m`` after "<previous>, " is that place's container ("Seattle, Washington"), not
    the next item of a list of countries ("Guinea-Bissau, Niger, Nigeria")."""
    if previous is None:
        return False
    return not (is_country_word(previous) and any(p.kind == "country" for p in m.places))


def _containers(
    k: RegionKnowledge, after: str, m: NameMatch, match_starts: dict[int, NameMatch]
) -> tuple[frozenset[str], frozenset[str]]:
    """Countries and first-level provinces named right after "<name>, " ("Dublin, Ohio"). A
    country name followed by a country is a list ("Mexico, China, Japan"), not the town of China
    in Japan."""
    cont_cc: set[str] = set()
    cont_sub: set[str] = set()
    if after.startswith(", "):
        nxt = match_starts.get(m.end + 2)
        if nxt is not None and is_country_word(nxt) and any(p.kind == "country" for p in m.places):
            nxt = None
        if nxt is not None:
            for p in nxt.places:
                if p.kind in ("country", "subdivision"):
                    cont_cc.add(p.country)
                    if p.subdivision:
                        cont_sub.add(k.gazetteer.top_subdivision(p.subdivision))
    return frozenset(cont_cc), frozenset(cont_sub)


def _coordinated(
    before: str, after: str, m: NameMatch, match_starts: dict[int, NameMatch], match_ends: dict[int, NameMatch]
) -> bool:
    """Listed with a country ("the United States and Jordan"): a country reading, not a person."""
    for joiner in (" and ", ", ", " or "):
        prev_match = match_ends.get(m.start - len(joiner)) if before.endswith(joiner) else None
        following = match_starts.get(m.end + len(joiner)) if after.startswith(joiner) else None
        if is_country_word(prev_match) or is_country_word(following):
            return True
    return False
