"""Candidate readings of a name, and the checks that a name is a person or a word, not a place.

"Sydney McClain", "Sheriff Scott Jones", "Monica French", "the University": a gazetteer name in
those spots is no evidence of any place, and treating it as one is the commonest error on local
news. Each check is a plain function over the tagger's :class:`RegionKnowledge`.
"""

from __future__ import annotations

import re

from flashpoint.analysis.gazetteer import NameMatch, Place
from flashpoint.analysis.regions.context import AGE_AFTER, WORD_RE, NameContext
from flashpoint.analysis.regions.cues import RegionKnowledge


def filter_candidates(m: NameMatch, ctx: NameContext) -> list[Place]:
    """The readings the neighbouring words do not veto, one per country for countries and demonyms."""
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


def is_common(k: RegionKnowledge, alias: str, place: Place) -> bool:
    """Whether the name is also an ordinary word ("Nice", "Split", "Bell") for this reading."""
    if alias in k.gazetteer.common or alias in k.cues.compass:
        return True
    if place.kind in ("country", "demonym"):
        return False
    low = alias.lower()
    if low in k.common_words:
        return True
    small = k.weights.small_city_population
    if place.kind != "city" or place.population >= small or low not in k.common_nouns:
        return False
    # WordNet lists famous places as nouns too ("lebanon", "dublin"): a name that is also a
    # country, a capital or a big city is in the list for that reason, not as a word
    readings = k.gazetteer.by_name.get(alias, ())
    return not any(p.kind in ("country", "capital") or p.population >= small for p in readings)


def given_name_person(k: RegionKnowledge, text: str, m: NameMatch, ctx: NameContext, cands: list[Place]) -> bool:
    """A given name right before a surname or an initial ("Sydney McClain", "Judah P.
    Benjamin"), or before a verb of speech when every reading is a town ("Stanley said")."""
    gz = k.gazetteer
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
        and not k.ordinary_word(word.group(1))
        # "Paris Texas", "Georgia Russia" are two places, not a person
        and not any(p.kind != "city" for p in gz.by_name.get(word.group(1), ()))
    )
    if initial or surname:
        return True
    return (
        ctx.next_word in k.cues.speech_verbs
        and ctx.prev_word.lower() not in k.cues.locative  # "a center in Austin told media"
        and ctx.prev_word.lower() != "of"  # "Mark Kitsmore, 54, of Tyler said"
        and all(p.kind == "city" for p in cands)
    )


def person_pair(k: RegionKnowledge, text: str, m: NameMatch) -> bool:
    """Whether "<Capitalised> <name>" reads as a person: a title before it ("Sheriff Scott
    Jones"), or the pair itself followed by a comma, a verb of speech or an age."""
    honorifics = k.cues.honorifics
    before = text[max(0, m.start - 40) : m.start].split()
    if len(before) >= 2 and before[-2].rstrip(".") in honorifics:
        return True
    if before and before[-1].rstrip(".") in honorifics:
        return True
    after = text[m.end : m.end + 30]
    if AGE_AFTER.match(after):
        return True
    next_words = after.split()
    return bool(next_words) and next_words[0].strip(",.;:") in k.cues.speech_verbs


def demonym_not_the_country(k: RegionKnowledge, text: str, m: NameMatch, ctx: NameContext, cands: list[Place]) -> bool:
    """A national adjective that says nothing about where the story is: cuisine, shops and
    heritage ("Italian food", "Irish pub"), a language ("spoke only French", "in English and
    Spanish"), or a person's surname ("Monica French", "Finn said")."""
    cues = k.cues
    if not cands or any(p.kind != "demonym" for p in cands):
        return False
    if ctx.next_word in cues.cultural_heads:
        return True
    before = WORD_RE.findall(text[max(0, m.start - 40) : m.start])
    if any(w.lower() in cues.language_verbs for w in before[-2:]):
        return True
    given = before[-1] if before else ""
    if (
        given in k.gazetteer.given_names
        and text[max(0, m.start - len(given) - 1) : m.start] == given + " "
        and not k.ordinary_word(given)  # "An Argentine judge", "Young Algerians"
    ):
        return True  # "Public Information Officer Monica French"
    if ctx.next_word in cues.speech_verbs and (not before or before[-1].lower() not in cues.determiners):
        return True  # "French said": a person; "the French said" is the country speaking
    # "aired in English and Spanish": two languages joined after "in"
    pair_after = re.match(r" (?:and|or) ([A-Z][a-z]+)", text[m.end : m.end + 30])
    pair_before = re.search(r"\bin ([A-Z][a-z]+),? (?:and|or) $", text[max(0, m.start - 40) : m.start])
    if pair_after and before and before[-1].lower() == "in":
        other = k.gazetteer.by_name.get(pair_after.group(1), ())
        return bool(other) and all(p.kind == "demonym" for p in other)
    if pair_before:
        other = k.gazetteer.by_name.get(pair_before.group(1), ())
        return bool(other) and all(p.kind == "demonym" for p in other)
    return False


# Readings that never put a town in its container's country: towns, villages, second-level units
_TOWN_KINDS = frozenset({"city", "place", "subdivision"})


def outside_its_container(ctx: NameContext, cands: list[Place]) -> bool:
    """A town qualified by a province or country it is not in ("Bradford, Ontario", "San Juan
    Bautista, California"): the story means a place the gazetteer does not hold, inside the
    container, not a namesake abroad. The container itself still tags. Lists ("Beirut, Damascus
    and Amman"), countries and capitals keep their readings."""
    if not ctx.container_closed or not cands or not ctx.container_countries:
        return False
    if any(p.kind not in _TOWN_KINDS for p in cands):
        return False
    return all(p.country not in ctx.container_countries for p in cands)


_CURRENCY_WORDS = frozenset({"dollar", "dollars", "Dollar", "Dollars"})


def currency_not_the_place(text: str, m: NameMatch, ctx: NameContext) -> bool:
    """A currency, not a place: "US$460 million", "HK$2 billion", "Canadian dollars" (an amount
    after a name is no currency: "will pay Hall County $2 million")."""
    if text.startswith("$", m.end) or ctx.next_word in _CURRENCY_WORDS:
        return True
    # "US $1 million": a country code, then the sign
    return text.startswith(" $", m.end) and m.alias.isupper() and len(m.alias) <= 3

