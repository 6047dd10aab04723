"""Which language and script an article is written in, decided before any analysis.

Every later stage depends on it: region names, escalation rules and topic cues are per language,
and an English rule read over Spanish text finds nothing (or worse, a namesake). The identifier is
py3langid (a maintained fork of langid.py): its model ships inside the wheel (4.5 MB, nothing is
fetched at run time) and it knows 97 languages. Measured here on 11 short news sentences in 11
languages, it and lingua (low-accuracy mode) got all 11 right; py3langid took 0.4 ms for a 3 KB
story against lingua's 2.2 ms, and lingua's accurate mode needed 1.3 GB and 26 s to load
(docs/quality.md, "Other languages"). It reads the first 600 characters only (~0.5 ms): a wire
story states its language in its first paragraph. The model adds ~100 MB to the process.

A feed may declare a language; the text decides, and the declaration is used only when the text
is too short to judge (a title and a line).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Characters read for identification: a wire story states its language in its first paragraph,
# and the model's cost grows with the sample (600 characters, about 90 words: ~0.5 ms).
_SAMPLE_CHARS = 600
# Fewer letters than this and the declared language (if any) is trusted over the model.
_MIN_LETTERS = 40

# Languages the analysis reads, and the small languages a character model confuses them with.
ANALYSED = frozenset({"en", "es", "fr", "ru", "uk", "ar"})
_NEIGHBOURS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("an", "ast", "gl", "ca", "oc", "ext", "pt", "it", "la"), frozenset({"es", "fr"})),
    **dict.fromkeys(("wa", "br", "co", "lb"), frozenset({"fr"})),
    **dict.fromkeys(("be", "bg", "mk", "sr", "kk", "ky", "tt", "ba", "cv"), frozenset({"ru", "uk"})),
    **dict.fromkeys(("fa", "ur", "ps", "ckb", "arz", "ug"), frozenset({"ar"})),
    # English-lexified creoles: the model reads a short English wire headline ("Tanker explosion
    # kills 70 in northern Nigeria") as Nigerian Pidgin or Scots
    **dict.fromkeys(("pcm", "sco"), frozenset({"en"})),
}
# how close (as a share of the top log-probability) the neighbour must be
_NEIGHBOUR_MARGIN = 0.03
# ... and for the creoles, whose lexicon is English: English gets a wider margin
_WIDE_MARGIN = frozenset({"pcm", "sco"})
_WIDE_NEIGHBOUR_MARGIN = 0.10

# Unicode script of a letter, by the first word of its Unicode name (ISO 15924 codes).
_SCRIPT_BY_NAME_PREFIX: dict[str, str] = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "ARABIC": "Arab",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "CJK": "Hani",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "HANGUL": "Hang",
    "DEVANAGARI": "Deva",
    "THAI": "Thai",
    "ARMENIAN": "Armn",
    "GEORGIAN": "Geor",
    "ETHIOPIC": "Ethi",
    "BENGALI": "Beng",
    "TAMIL": "Taml",
}


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """ISO 639-1 ``language`` (None when nothing can be said), ISO 15924 ``script`` of most
    letters, and where the answer came from: ``text``, ``declared`` or ``none``."""

    language: str | None
    script: str | None
    source: str


def text_script(text: str) -> str | None:
    """The script most letters of ``text`` are written in ("Latn", "Cyrl", "Arab"...)."""
    sample = text[:_SAMPLE_CHARS]
    if sample.isascii():
        return "Latn" if any(ch.isalpha() for ch in sample) else None
    counts: Counter[str] = Counter()
    for ch in sample:
        if not ch.isalpha():
            continue
        if ch.isascii():
            counts["Latn"] += 1
            continue
        name = unicodedata.name(ch, "")
        head = name.split(" ", 1)[0]
        counts[_SCRIPT_BY_NAME_PREFIX.get(head, "Zyyy")] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """Loaded on first use (1-2 s, ~100 MB): a process that never reads an article never pays."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)


def identify_language(
    text: str,
    *,
    title: str | None = None,
    declared: str | None = None,
    plainly_english: Callable[[str], bool] | None = None,
) -> LanguageGuess:
    """The language of an article from its title and text; ``declared`` is the feed's word.

    ``plainly_english`` is the caller's own rule that overrides the model with English (the
    router's function-word share): when it holds, the model's answer could not change the
    outcome, so it is not asked (the model is most of the cost of routing, ~0.25 ms a story)."""
    sample = f"{title}\n{text[:_SAMPLE_CHARS]}" if title else text[:_SAMPLE_CHARS]
    script = text_script(sample)
    declared_code = declared.strip().lower().split("-")[0].split("_")[0] if declared else None
    letters = sum(map(str.isalpha, sample))
    if letters < _MIN_LETTERS:
        if declared_code:
            return LanguageGuess(declared_code, script, "declared")
        if letters == 0:
            return LanguageGuess(None, script, "none")
    if plainly_english is not None and plainly_english(text):
        return LanguageGuess("en", script, "text")
    ranked = _identifier().rank(sample)
    code = str(ranked[0][0])
    if code not in ANALYSED and code in _NEIGHBOURS:
        # a short Spanish sentence reads as Aragonese or Galician, a Ukrainian one as Belarusian:
        # the analysed neighbour wins when the model ranks it close behind
        best, score = ranked[0][1], None
        for other, other_score in ranked[1:4]:
            if other in _NEIGHBOURS[code]:
                score = other_score
                margin = _WIDE_NEIGHBOUR_MARGIN if code in _WIDE_MARGIN else _NEIGHBOUR_MARGIN
                if best - score <= margin * abs(best):
                    code = str(other)
                break
    return LanguageGuess(code, script, "text")
