"""Turning the way news writes counts ("a thousand", "1,037", "dozens of") into integers.

Analysts compare signals by size ("20,000 reservists" outranks "some troops"), so every count the
engine attaches to a signal is a plain int. Vague plurals give their lower bound (the convention
ACLED uses for fatalities), marked ``approximate`` so nobody reads them as figures:

    dozens -> 12, scores -> 20, hundreds -> 100, thousands -> 1000, tens of thousands -> 10000,
    hundreds of thousands -> 100000, millions -> 1000000, "several hundred" -> 300,
    "a few thousand" -> 3000 (all approximate); a dozen -> 12, "a thousand" -> 1000 (round, not
    approximate).

:func:`parse_count` also says whether the count is exact (written in digits or as an exact
number word) so that deduplication can keep "1,037" over "a thousand".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES: dict[str, int] = {
    "hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000, "dozen": 12,
}
# Plural vague counts: their lower bounds ("tens of thousands" is at least ten thousand).
VAGUE_COUNTS: dict[str, int] = {
    "dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1000, "millions": 1_000_000,
    "tens": 10,
}
_FEW: dict[str, int] = {"several": 3, "few": 3, "some": 3, "a": 1, "an": 1, "many": 3}

_DIGITS_RE = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+(?:\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Count:
    """A normalised count, whether the text stated it exactly, and whether it is only a lower
    bound of a vague count ("dozens", "several hundred")."""

    value: int
    exact: bool
    approximate: bool = False


def _word_value(word: str) -> tuple[float, bool] | None:
    """Value of one token and whether it is a multiplier (hundred, thousand...)."""
    w = word.lower().replace("-", "")
    if _DIGITS_RE.match(word):
        return float(word.replace(",", "")), False
    if w in _UNITS:
        return _UNITS[w], False
    if w in _SCALES:
        return _SCALES[w], True
    # "twenty-five" written as one token
    if "-" in word:
        parts = [p for p in word.lower().split("-") if p]
        if len(parts) == 2 and parts[0] in _UNITS and parts[1] in _UNITS:
            return _UNITS[parts[0]] + _UNITS[parts[1]], False
    return None


def parse_count(words: Sequence[str]) -> Count | None:
    """Parse a short run of tokens that spell one count.

    Accepts digits with thousands separators ("1,037", "20,000"), decimals with scales
    ("1.5 million"), number words ("a thousand", "six", "two hundred and fifty"), vague plurals
    ("dozens", "tens of thousands") and "several hundred". Returns None when the words are not a
    count.
    """
    toks = [w.lower() for w in words if w.strip() and w.lower() not in ("and", "of")]
    if not toks:
        return None
    # vague plurals: "dozens", "tens of thousands", "hundreds of thousands"
    if all(t in VAGUE_COUNTS for t in toks):
        vague = 1
        for t in toks:
            vague *= VAGUE_COUNTS[t] if vague == 1 else _SCALES.get(t.rstrip("s"), 1)
        return Count(vague, exact=False, approximate=True)
    exact = True
    approximate = False
    total = 0.0
    current = 0.0
    seen_number = False
    for i, t in enumerate(toks):
        if t in _FEW and i + 1 < len(toks):
            nxt = _word_value(toks[i + 1])
            if nxt is not None and nxt[1]:
                # "a thousand" is a round figure, "several hundred" a vague one
                current = 1.0 if t in ("a", "an") else float(_FEW[t])
                exact = False
                approximate = t not in ("a", "an")
                seen_number = True
                continue
            return None
        parsed = _word_value(t)
        if parsed is None:
            return None
        value, is_scale = parsed
        seen_number = True
        if is_scale:
            current = max(current, 1) * value
            if value >= 1000:
                total += current
                current = 0
        else:
            current += value
    if not seen_number:
        return None
    return Count(round(total + current), exact=exact, approximate=approximate)


def is_count_word(word: str) -> bool:
    """Whether a token can be part of a spelled count (used to collect the run of tokens)."""
    w = word.lower()
    return (
        bool(_DIGITS_RE.match(word))
        or w in _UNITS
        or w in _SCALES
        or w in VAGUE_COUNTS
        or _word_value(word) is not None
    )
