"""Substrings every match of a regular expression must contain, read from the parsed pattern.

The country-evidence expressions (``lexicons/regions-evidence.yaml``) run over every article, and
most articles contain none of the wording they look for. A substring test, or one automaton pass
for all of them, says cheaply that an expression cannot match; only then is it run. Nothing is
guessed: a pattern with any flag, or with a branch that has no literal text, gives no anchors
and is always run.
"""

from __future__ import annotations

from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes, untyped
from re import _parser as sre_parse  # type: ignore[attr-defined]  # untyped in typeshed
from typing import Any

# A necessary substring shorter than this is found in nearly every story: no use as a filter.
_MIN_ANCHOR_CHARS = 2
# Alternatives ("[Cc]ounty", "(?:state|State) (?:Sen\.|Rep\.)") are spelled out into every
# string they match only while there are at most this many.
_MAX_SPELLED_OUT = 16


def pattern_anchors(pattern: str) -> frozenset[str] | None:
    """Substrings one of which every match of ``pattern`` must contain, or None when the pattern
    gives none that can be trusted (any flag, or a branch with no literal text to rely on).

    Read from the parsed pattern: consecutive literal items (characters, small classes, groups of
    literal alternatives) are in every match of their sequence as one string; one branch of an
    alternation matches; a repeat with minimum >= 1 matches its body at least once. Anything else
    only ends a run of literal text; nothing is guessed."""
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & ~sre.SRE_FLAG_UNICODE:
        return None
    return _sequence_anchors(list(parsed))


def _spelled_out(op: Any, av: Any) -> set[str] | None:
    """Every string one parsed item matches, when it matches only a few fixed strings."""
    if op is sre.LITERAL:
        return {chr(av)}
    if op is sre.IN:
        if len(av) <= _MAX_SPELLED_OUT and all(o is sre.LITERAL for o, _ in av):
            return {chr(c) for _, c in av}
        return None
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, body = av
        return None if add_flags or del_flags else _sequence_spelled_out(list(body))
    if op is sre.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            strings = _sequence_spelled_out(list(branch))
            if strings is None:
                return None
            out |= strings
        return out if len(out) <= _MAX_SPELLED_OUT else None
    return None


def _sequence_spelled_out(items: list[Any]) -> set[str] | None:
    out = {""}
    for op, av in items:
        strings = _spelled_out(op, av)
        if strings is None or len(out) * len(strings) > _MAX_SPELLED_OUT:
            return None
        out = {a + b for a in out for b in strings}
    return out


def _sequence_anchors(items: list[Any]) -> frozenset[str] | None:
    candidates: list[frozenset[str]] = []
    run: set[str] = set()
    for op, av in items:
        strings = _spelled_out(op, av)
        if strings is not None and (not run or len(run) * len(strings) <= _MAX_SPELLED_OUT):
            run = {a + b for a in run for b in strings} if run else strings
            continue
        if run:
            candidates.append(frozenset(run))
            run = set()
        if strings is not None:
            run = strings
        elif op is sre.SUBPATTERN:
            if av[1] or av[2]:
                return None  # a scoped flag ("(?i:...)") changes what matches
            candidates.append(_sequence_anchors(list(av[3])) or frozenset())
        elif op is sre.BRANCH:
            branches = [_sequence_anchors(list(b)) for b in av[1]]
            known = [b for b in branches if b]
            candidates.append(frozenset().union(*known) if len(known) == len(branches) else frozenset())
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            candidates.append(_sequence_anchors(list(av[2])) or frozenset())
    if run:
        candidates.append(frozenset(run))
    usable = [c for c in candidates if c and min(map(len, c)) >= _MIN_ANCHOR_CHARS]
    if not usable:
        return None
    # the longest: a long substring is rare, so the expression is rarely run
    return max(usable, key=lambda c: (min(map(len, c)), -len(c)))
