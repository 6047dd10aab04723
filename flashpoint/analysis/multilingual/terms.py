"""Word-sequence terms, as every per-language lexicon writes them, and their matcher.

A term is one or more words separated by spaces; a word ending in ``*`` matches any word that
starts with it ("combat*" matches "combates", "combatientes"), and ``_`` alone matches any one
word ("tomaron _ control" also matches "tomaron el control"). Words are written in dictionary
form and normalised the language's way (:func:`~flashpoint.analysis.multilingual.text.normalize`),
so "ataqué" in a lexicon and "ATAQUE" in a story meet as "ataque". A token matches a word when any
of its keys does, so Arabic words match with or without proclitics and Russian ones by lemma.

Lookup is by the first word: exact words in a dict, prefixes by their first three letters, so
the cost per token is a couple of dict probes whatever the size of the lexicon.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flashpoint.analysis.multilingual.text import Token, normalize

ANY_WORD = "_"
_PREFIX_PROBE = 3


@dataclass(frozen=True, slots=True)
class Term:
    """A parsed term: its words (``prefix[i]`` says whether word i is a prefix) and its owner."""

    owner: str
    words: tuple[str, ...]
    prefix: tuple[bool, ...]
    text: str

    def word_matches(self, i: int, keys: Iterable[str]) -> bool:
        word = self.words[i]
        if word == ANY_WORD:
            return True
        if self.prefix[i]:
            return any(k.startswith(word) for k in keys)
        return word in keys


def parse_term(language: str, owner: str, text: str) -> Term:
    words: list[str] = []
    prefix: list[bool] = []
    for raw in text.split():
        if raw == ANY_WORD:
            words.append(ANY_WORD)
            prefix.append(False)
            continue
        is_prefix = raw.endswith("*")
        words.append(normalize(language, raw.rstrip("*")))
        prefix.append(is_prefix)
    if not words or words[0] == ANY_WORD:
        raise ValueError(f"term {text!r} must start with a word")
    return Term(owner, tuple(words), tuple(prefix), text)


class TermMatcher:
    """Finds every term at every token position."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self._exact: dict[str, list[Term]] = defaultdict(list)
        self._prefix: dict[str, list[Term]] = defaultdict(list)
        self.terms: list[Term] = []
        for term in terms:
            self.terms.append(term)
            first = term.words[0]
            if term.prefix[0]:
                self._prefix[first[:_PREFIX_PROBE]].append(term)
            else:
                self._exact[first].append(term)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def starting_at(self, tokens: Sequence[Token], i: int) -> list[tuple[Term, int]]:
        """(term, number of tokens) for every term that matches at token ``i``."""
        keys = tokens[i].keys
        found: list[Term] = []
        for k in keys:
            found.extend(self._exact.get(k, ()))
            if len(k) >= _PREFIX_PROBE:
                found.extend(t for t in self._prefix.get(k[:_PREFIX_PROBE], ()) if any(
                    kk.startswith(t.words[0]) for kk in keys))
        out: list[tuple[Term, int]] = []
        seen: set[int] = set()
        for term in found:
            if id(term) in seen:
                continue
            seen.add(id(term))
            size = len(term.words)
            if i + size > len(tokens):
                continue
            if all(term.word_matches(j, tokens[i + j].keys) for j in range(1, size)):
                out.append((term, size))
        return out

    def find(self, tokens: Sequence[Token], lo: int = 0, hi: int | None = None) -> list[tuple[int, Term, int]]:
        """(token index, term, size) for every match in ``tokens[lo:hi]``."""
        stop = len(tokens) if hi is None else hi
        out: list[tuple[int, Term, int]] = []
        for i in range(lo, stop):
            for term, size in self.starting_at(tokens, i):
                if i + size <= stop:
                    out.append((i, term, size))
        return out

    def owners_in(self, tokens: Sequence[Token], lo: int, hi: int) -> set[str]:
        return {term.owner for _i, term, _n in self.find(tokens, lo, hi)}
