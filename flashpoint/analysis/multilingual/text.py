"""Words with offsets, and the keys each language matches them by.

A name or a cue is written once in a lexicon, in its dictionary form; the text has it inflected,
with clitics, accents or diacritics. Each token therefore carries a small set of *keys*, and a
lexicon term matches a token when one of the term's keys is among them:

- es, fr: lower case with accents folded ("Bogotá", "BOGOTA" -> "bogota"); elided articles are
  words of their own ("l'armée" -> "l", "armee").
- ru, uk: lower case with "ё" as "е", plus every normal form pymorphy3's dictionary gives for the
  word ("Донецкой" -> "донецкий", "Києва" -> "київ"). The analyser runs only on words that could
  start a known name (a prefix check) and its answers are cached, so it costs little per article.
- ar: letters normalised (no diacritics or tatweel; alef forms, alef maqsura and ta marbuta
  unified), then the word with its proclitics peeled off one by one: "وبالعراق" -> "بالعراق" ->
  "العراق" -> "عراق".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_NUMBER = r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:,\d+)?"
# letters, and digits after a letter ("M23"); hyphens split words ("FARC-EP", "Буркина-Фасо") and
# lexicon terms are split the same way, so "farc" matches in "ex-FARC"
_WORD_RE = {
    "es": re.compile(_NUMBER + r"|[^\W\d_][^\W_]*"),
    "fr": re.compile(_NUMBER + r"|[^\W\d_][^\W_]*"),  # the apostrophe splits elisions: "l'armée"
    "ru": re.compile(_NUMBER + r"|[^\W\d_][^\W_]*"),
    # Ukrainian writes the apostrophe inside words ("п'ять", "прем'єр")
    "uk": re.compile(_NUMBER + r"|[^\W\d_][^\W_]*(?:['’ʼ][^\W\d_]+)*"),
    # diacritics are combining marks, not word characters: keep them inside the word
    "ar": re.compile(r"[\d\u0660-\u0669]+(?:[.,\u066c][\d\u0660-\u0669]{3})*"
                     r"|(?:[^\W\d_]|[\u0610-\u061a\u064b-\u065f\u0670])+"),
}
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": ""})
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
# proclitics: conjunctions, then prepositions, then the article ("لل" is "ل" + "ال")
_AR_CONJ = ("و", "ف")
_AR_PREP = ("ب", "ل", "ك", "س")
_AR_MIN_STEM = 3


@dataclass(frozen=True, slots=True)
class Token:
    """A word or number: offsets into the text, the text as written, and its matching keys
    (``keys[0]`` is the plain normalised form)."""

    start: int
    end: int
    text: str
    keys: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.keys[0]

    @property
    def is_number(self) -> bool:
        return self.text[:1].isdigit()

    @property
    def capitalized(self) -> bool:
        """Written with a capital, or in a script without case (Arabic): a name either way."""
        first = self.text[:1]
        return first.isupper() or first.lower() == first.upper()


# 30,000 words: an article's vocabulary many times over; the place-name index built from
# 100,000 names passes through it once and must not keep them all (14 MB at 200,000)
@lru_cache(maxsize=30_000)
def fold_latin(word: str) -> str:
    """Lower case without accents ("Atlántico" -> "atlantico", "ÉTAT" -> "etat")."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_cyrillic(word: str) -> str:
    return word.lower().replace("ё", "е").replace("’", "'").replace("ʼ", "'")


def normalize_arabic(word: str) -> str:
    """Diacritics and tatweel removed, letter variants unified, Arabic-Indic digits as ASCII."""
    return _ARABIC_MARKS.sub("", word).translate(_ARABIC_LETTERS).translate(_ARABIC_DIGITS)


def arabic_variants(word: str) -> tuple[str, ...]:
    """The word and its forms with proclitics removed, longest first: "وبالعراق" -> (وبالعراق,
    بالعراق, العراق, عراق). A form shorter than three letters is never produced: "بين" must not
    become "ين"."""
    out = [word]
    current = word
    if current[:1] in _AR_CONJ and len(current) - 1 >= _AR_MIN_STEM:
        current = current[1:]
        out.append(current)
    if current.startswith("لل") and len(current) - 1 >= _AR_MIN_STEM + 1:
        current = "ال" + current[2:]  # "للعراق" = "ل" + "العراق"
        out.append(current)
    elif current[:1] in _AR_PREP and len(current) - 1 >= _AR_MIN_STEM and not current.startswith("ال"):
        current = current[1:]
        out.append(current)
    if current.startswith("ال") and len(current) - 2 >= _AR_MIN_STEM:
        out.append(current[2:])
    return tuple(dict.fromkeys(out))


def normalize(language: str, word: str) -> str:
    """The plain key of a word in ``language`` (the first of its keys)."""
    if language in ("ru", "uk"):
        return normalize_cyrillic(word)
    if language == "ar":
        return normalize_arabic(word)
    return fold_latin(word)


class Lemmatizer:
    """pymorphy3's normal forms for Russian or Ukrainian words, cached. Loaded lazily: the
    dictionaries take ~25 MB each and 0.1 s."""

    def __init__(self, language: str, cache_size: int = 100_000) -> None:
        import pymorphy3

        self._morph: Any = pymorphy3.MorphAnalyzer(lang=language)
        self.forms: Callable[[str], tuple[str, ...]] = lru_cache(maxsize=cache_size)(self._forms)

    def _forms(self, word: str) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for parse in self._morph.parse(word)[:4]:
            seen[normalize_cyrillic(parse.normal_form)] = None
        return tuple(seen)


class Tokenizer:
    """Splits a text into :class:`Token`s with the keys of one language.

    ``wants_lemma``: for ru and uk, which plain keys deserve the analyser (words that could be
    part of a known name or cue); None runs it on no word.
    """

    def __init__(
        self,
        language: str,
        lemmatizer: Lemmatizer | None = None,
        wants_lemma: Callable[[str], bool] | None = None,
    ) -> None:
        self.language = language
        self._re = _WORD_RE.get(language, _WORD_RE["es"])
        self._lemmatizer = lemmatizer
        self._wants_lemma = wants_lemma

    def tokens(self, text: str, start: int = 0, end: int | None = None) -> list[Token]:
        stop = len(text) if end is None else end
        return [self._token(m.start(), m.end(), m.group(0)) for m in self._re.finditer(text, start, stop)]

    def _token(self, start: int, end: int, surface: str) -> Token:
        lang = self.language
        if lang == "ar":
            plain = normalize_arabic(surface)
            return Token(start, end, surface, arabic_variants(plain))
        if lang in ("ru", "uk"):
            plain = normalize_cyrillic(surface)
            if (
                self._lemmatizer is not None
                and self._wants_lemma is not None
                and len(plain) > 2
                and not plain[:1].isdigit()
                and self._wants_lemma(plain)
            ):
                lemmas = self._lemmatizer.forms(plain)
                return Token(start, end, surface, tuple(dict.fromkeys((plain, *lemmas))))
            return Token(start, end, surface, (plain,))
        return Token(start, end, surface, (fold_latin(surface),))


def term_keys(language: str, term: str) -> tuple[str, ...]:
    """A lexicon term split into the plain keys of its words (no lemmas: lexicons are written in
    dictionary form, which is what lemmas give)."""
    regex = _WORD_RE.get(language, _WORD_RE["es"])
    return tuple(normalize(language, m.group(0)) for m in regex.finditer(term))


def parse_number(text: str) -> int | None:
    """Digits with thousands separators as people write them: "1.200", "1 200", "1,200"."""
    digits = re.sub(r"[.,\u00a0\u202f \u066c]", "", text.translate(_ARABIC_DIGITS))
    if "," in text and re.search(r",\d{1,2}$", text):
        return None  # a decimal ("2,5"): not a count
    return int(digits) if digits.isdigit() and len(digits) <= 9 else None


def prefixes(keys: Iterable[str], length: int = 3) -> frozenset[str]:
    return frozenset(k[:length] for k in keys if k)
