"""Fatalities of one event, read the way ACLED codes them: the lowest figure reported, none when
the report is vague.

Death counts are written a handful of ways ("killing 12", "three soldiers were killed", "left 4
dead", "the death toll rose to 30", "no one was hurt"); a small scanner over word tokens reads
them without the parser, so it runs on the sentence after the event as well ("... attacked a
base. Three soldiers were killed.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flashpoint.analysis.quantity import Count, is_count_word, parse_count

_TOKEN_RE = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|[A-Za-z]+(?:-[A-Za-z]+)*|[^\sA-Za-z\d]")
# Words after which a number is killed people: "killing 12", "claimed 5 lives", "left 4 dead".
_KILL_BEFORE = frozenset({
    "killing", "killed", "kills", "kill", "leaving", "left", "claiming", "claimed", "massacring",
    "massacred", "executing", "executed",
    # military communiques (Nigeria, the Sahel): "troops neutralised 35 terrorists"
    "neutralised", "neutralized", "neutralising", "neutralizing",
})
# Words before which a number is killed people: "12 killed", "three soldiers were killed".
_KILL_AFTER = frozenset({
    "killed", "dead", "died", "slain", "massacred", "murdered", "executed", "deaths", "fatalities",
    "perished", "lives", "neutralised", "neutralized",
})
_TOLL = frozenset({"toll"})
_HEDGES = frozenset({
    "at", "least", "some", "about", "around", "nearly", "almost", "more", "than", "over", "up",
    "to", "roughly", "approximately", "an", "estimated", "as", "many", "another", "a", "further",
    # a communique's word quoted: 'said it had "neutralised" around 30 terrorists'
    '"', "“", "”", "'",
})
# How many words may stand between a count and a death word after it ("three Malian soldiers
# and a civilian were killed").
_MAX_GAP = 9
_STOP = frozenset({".", ";", ":", "injured", "wounded", "hurt", "arrested", "abducted", "kidnapped",
                   "displaced", "missing", "rescued", "wounding", "injuring", "injuries",
                   "(", ")", "-"})
_MONTHS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
})
_NOBODY = re.compile(
    r"\b(?:no\s+(?:one|body)\s+(?:was|were)\s+(?:killed|hurt|injured)|nobody\s+was\s+(?:killed|hurt)"
    r"|no\s+(?:casualties|fatalities|deaths)\s+(?:were\s+)?(?:reported|recorded)"
    r"|without\s+(?:causing\s+)?(?:casualties|fatalities))\b",
    re.IGNORECASE,
)
_JOINING = frozenset({"hundred", "thousand", "million", "tens", "hundreds", "thousands", "dozens"})
_NOT_PEOPLE = frozenset({
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "percent",
    "km", "kilometres", "kilometers", "miles", "dollars",
})


@dataclass(frozen=True, slots=True)
class _Num:
    index: int
    end: int
    count: Count


def _numbers(words: list[str]) -> list[_Num]:
    out: list[_Num] = []
    i = 0
    while i < len(words):
        if not is_count_word(words[i]) or words[i].lower() in ("a", "an"):
            i += 1
            continue
        j = i + 1
        # "two hundred and fifty", "tens of thousands"; but "10 and 15" are two numbers
        while j < len(words) and (is_count_word(words[j]) or (
                words[j].lower() in ("and", "of") and j + 1 < len(words)
                and words[j - 1].lower() in _JOINING and is_count_word(words[j + 1]))):
            j += 1
        count = parse_count(words[i:j])
        after = words[j].lower() if j < len(words) else ""
        before = " ".join(w.lower() for w in words[max(0, i - 2):i])
        if (count is not None and after not in _NOT_PEOPLE and after != "-"
                and after not in _MONTHS and not before.endswith(("age of", "aged", "ages of"))
                and (i == 0 or words[i - 1].lower().rstrip(".") not in _MONTHS)):
            out.append(_Num(i, j, count))
        i = j
    return out


def fatalities_in(text: str) -> int | None:
    """Killed people reported in ``text`` (a sentence): the lowest figure given, 0 when the text
    says nobody died, None when it gives no figure."""
    words = _TOKEN_RE.findall(text)
    lower = [w.lower() for w in words]
    nums = _numbers(words)
    figures: list[int] = []
    previous: _Num | None = None
    for n, num in enumerate(nums):
        joined = previous is not None and _joined(lower, previous, num)
        if not (joined or _counts_dead(lower, num)
                or (n + 1 < len(nums) and _joined(lower, num, nums[n + 1])
                    and _counts_dead(lower, nums[n + 1]))):
            previous = None
            continue
        if joined:
            # "three soldiers and two civilians were killed": one toll of five
            figures[-1] += num.count.value
        else:
            figures.append(num.count.value)
        previous = num
    if figures:
        return min(figures)
    if _NOBODY.search(text):
        return 0
    return None


def _joined(lower: list[str], first: _Num, nxt: _Num) -> bool:
    """Whether two counts are parts of one toll joined by "and" ("three soldiers and two
    civilians"), not a range ("between 10 and 15") or alternatives ("12 or 15")."""
    between = lower[first.end:nxt.index]
    # a verb between them starts another fact: "killing one person and arresting 12"
    if "and" not in between or len(between) > 4 or any(
            w in _STOP or w in _KILL_AFTER or (w.endswith("ing") and len(w) > 5) for w in between):
        return False
    return "between" not in lower[max(0, first.index - 3):first.index]


def _counts_dead(lower: list[str], num: _Num) -> bool:
    # "killing 12", "left at least 4 dead", "death toll rose to 30"
    k = num.index - 1
    while k >= 0 and lower[k] in _HEDGES:
        k -= 1
    if k >= 0 and lower[k] in _KILL_BEFORE:
        if lower[k] in ("left", "leaving"):
            return any(w in ("dead", "killed") for w in lower[num.end:num.end + 3])
        if lower[k] in ("claimed", "claiming"):
            return "lives" in lower[num.end:num.end + 2]
        return True
    if any(w in _TOLL for w in lower[max(0, num.index - 6):num.index]):
        return True
    # "12 killed", "three soldiers were killed", "4 dead", "5 deaths"
    for w in lower[num.end:num.end + _MAX_GAP]:
        if w in _STOP:
            return False
        if w in _KILL_AFTER:
            return w != "lives" or "lost" in lower[num.end:num.end + _MAX_GAP]
    return False
