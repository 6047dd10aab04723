"""When an event happened, against the article's publication time: current, recent or background.

An event is dated to when it happened: a story restating last month's capture of a city as
background is not a new capture, while "40,000 had fled in the past 48 hours" is news. Time
expressions are found in the sentence (a regex: dates, weekdays, "last year", "in recent
weeks"), attached to the clause whose verb governs them, and compared with ``published_at``:

- ``current``: within :data:`CURRENT_DAYS` days (or no time stated: news reports news);
- ``recent``: within :data:`RECENT_DAYS` days ("last week", "in recent weeks", "last month");
- ``background``: older ("last year", "in 2014", "three months ago"), or a relative clause in
  the pluperfect ("M23, which had seized Goma, ...").

Without ``published_at`` only the relative expressions count: an article with no date keeps its
dated events ``current``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from flashpoint.analysis.escalation.syntax import MONTHS, governing_verb
from flashpoint.analysis.models import When

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

CURRENT_DAYS = 7
RECENT_DAYS = 42
_MONTH_NUMBER = {name: i for i, name in enumerate((
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december"), start=1)}
_MONTH_NUMBER.update({name[:3]: n for name, n in list(_MONTH_NUMBER.items())})
_MONTH_NUMBER["sept"] = 9
_MONTH_RE = "|".join(sorted((m for m in MONTHS), key=len, reverse=True))
_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
              "eight": 8, "nine": 9, "ten": 10, "a": 1, "an": 1, "several": 3, "few": 3}
_N = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|a|an|several|few)"

# (pattern, what it gives): a fixed age in days, or a marker resolved in _days_ago
_RELATIVE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), kind) for p, kind in (
        (r"\b(?:today|tonight|overnight|this (?:morning|afternoon|evening|week)|yesterday"
         r"|last night|earlier today|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
         r"|(?:late|early) (?:on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
         r"|in recent days|in the (?:past|last) (?:few|couple of) days|hours (?:ago|earlier))\b",
         "d0"),
        (rf"\bin the (?:past|last) {_N} (hours|days)\b", "n-unit"),
        (rf"\b{_N} (days?|weeks?|months?|years?|decades?) (?:ago|earlier|before|since|after)\b",
         "n-unit"),
        (r"\bearlier this week\b", "d3"),
        (r"\b(?:last|previous) week\b", "d10"),
        (r"\b(?:in|over) (?:recent|the (?:past|last) (?:few|several|two|three)) weeks\b", "d21"),
        (r"\bweeks ago\b", "d21"),
        (r"\b(?:last|previous) month\b|\bearlier this month\b", "d30"),
        (r"\bmonths ago\b|\bearlier this year\b", "d120"),
        (r"\b(?:last|previous) year\b|\byears ago\b|\bdecades ago\b|\bin the past decade\b", "d400"),
    )
)
_DATE_DMY = re.compile(rf"\b(\d{{1,2}}) ({_MONTH_RE})\.?,?(?: (\d{{4}}))?\b", re.IGNORECASE)
_DATE_MDY = re.compile(rf"\b({_MONTH_RE})\.? (\d{{1,2}})(?:st|nd|rd|th)?,?(?: (\d{{4}}))?\b",
                       re.IGNORECASE)
_MONTH_ONLY = re.compile(rf"\b(?:in|since|during|by|until|early|late|mid-?) ({_MONTH_RE})\b"
                         rf"(?:,? (\d{{4}}))?", re.IGNORECASE)
# "in 2014", and "the 2017 Manchester Arena bombing": a year naming an event dates it
_YEAR = re.compile(r"\b(?:in|since|during|of|by|the) (?:early |late |mid-?)?((?:19|20)\d\d)\b",
                   re.IGNORECASE)
# an event named as what is commemorated is background: "the anniversary of the bombing"
_COMMEMORATION = frozenset({"anniversary", "anniversaries", "commemoration", "commemorate",
                            "commemorated", "commemorating", "commemorates", "memorial",
                            "remembrance", "mourning", "mourn", "mourned"})


@dataclass(frozen=True, slots=True)
class TimeCue:
    """A time expression: where it is in the sentence and how many days before publication the
    event it dates happened (None: a date that cannot be placed without ``published_at``)."""

    start: int
    end: int
    days_ago: int | None


def _n(word: str) -> int:
    return int(word) if word.isdigit() else _NUM_WORDS.get(word.lower(), 1)


def _unit_days(n: int, unit: str) -> int:
    unit = unit.lower()
    unit = unit if unit.endswith("s") else unit + "s"
    per = {"hours": 0, "days": 1, "weeks": 7, "months": 30, "years": 365, "decades": 3650}
    return n * per.get(unit, 1) if unit != "hours" else n // 24


def _date_days(day: int, month: int, year: str | None, published: date | None) -> int | None:
    if published is None:
        return None
    y = int(year) if year else published.year
    try:
        d = date(y, month, day)
    except ValueError:
        return None
    if year is None and d > published + timedelta(days=2):
        d = date(y - 1, month, min(day, 28))
    return (published - d).days


def time_cues(text: str, published_at: datetime | None) -> list[TimeCue]:
    """Every time expression of a sentence with the event's age in days where it can be told."""
    published = published_at.date() if published_at else None
    cues: list[TimeCue] = []
    for pattern, kind in _RELATIVE:
        for m in pattern.finditer(text):
            if kind == "n-unit":
                days: int | None = _unit_days(_n(m.group(1)), m.group(2))
            else:
                days = int(kind[1:])
            cues.append(TimeCue(m.start(), m.end(), days))
    for m in _DATE_DMY.finditer(text):
        cues.append(TimeCue(m.start(), m.end(), _date_days(
            int(m.group(1)), _MONTH_NUMBER[m.group(2).lower()], m.group(3), published)))
    for m in _DATE_MDY.finditer(text):
        if not any(c.start <= m.start() < c.end for c in cues):
            cues.append(TimeCue(m.start(), m.end(), _date_days(
                int(m.group(2)), _MONTH_NUMBER[m.group(1).lower()], m.group(3), published)))
    for m in _MONTH_ONLY.finditer(text):
        if not any(c.start <= m.start(1) < c.end for c in cues):
            cues.append(TimeCue(m.start(), m.end(), _date_days(
                15, _MONTH_NUMBER[m.group(1).lower()], m.group(2), published)))
    for m in _YEAR.finditer(text):
        if any(c.start <= m.start(1) < c.end for c in cues):
            continue
        year = int(m.group(1))
        if published is not None:
            days = None if year == published.year else (published - date(year, 7, 1)).days
            cues.append(TimeCue(m.start(), m.end(), days))
    return cues


def _classify(days: int) -> When:
    if days <= CURRENT_DAYS:
        return "current"
    if days <= RECENT_DAYS:
        return "recent"
    return "background"


def event_when(anchor: Token, doc: Doc, cues: list[TimeCue]) -> When:
    """The time of the event the trigger names: the time expressions of its own clause, else of
    the clauses it is coordinated with or governed by (not of relative clauses)."""
    head = anchor
    for _ in range(3):
        if head.head.i == head.i or head.dep_ not in ("pobj", "prep", "dobj", "compound"):
            break
        head = head.head
        if head.lower_ in _COMMEMORATION:
            return "background"
    verb = governing_verb(anchor)
    owners: dict[int, list[TimeCue]] = {}
    for cue in cues:
        span = doc.char_span(cue.start, cue.end, alignment_mode="expand")
        if span is not None:
            owners.setdefault(governing_verb(span.root).i, []).append(cue)
    tok = verb
    for _ in range(4):
        dated = [c.days_ago for c in owners.get(tok.i, []) if c.days_ago is not None]
        if dated:
            return _classify(min(dated))
        # a participle with no subject of its own (", killing 2 civilians") is part of the
        # clause it hangs off, and so is its date
        participle = tok.dep_ == "advcl" and tok.tag_ == "VBG" and not any(
            c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
        if (tok.dep_ not in ("conj", "xcomp", "ccomp", "pcomp") and not participle) \
                or tok.head.i == tok.i:
            break
        tok = governing_verb(tok.head)
    if verb.dep_ in ("relcl", "acl") and any(
            c.dep_ == "aux" and c.lower_ == "had" for c in verb.children):
        return "background"
    return "current"
