"""One article in a language other than English, analysed into the same :class:`Analysis`.

The analyzer calls :func:`route` after cleaning: English goes on to the English taggers, a
supported language to its :class:`~.pack.LanguagePack`, and any other language passes through
with ``language`` and ``script`` set and no tags (not an error, never dead-lettered: a Hindi
story is news we cannot read yet, not a bad message).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from flashpoint.analysis.language import ANALYSED, LanguageGuess, identify_language
from flashpoint.analysis.models import Analysis, RawArticle, RegionTags
from flashpoint.analysis.multilingual.pack import Multilingual
from flashpoint.analysis.severity import event_country, score_article

# English function words: text where they are common is English whatever the identifier says
# (a short wire item full of names can read as another language to a character model).
_ENGLISH_WORDS = frozenset({
    "the", "of", "and", "to", "is", "that", "for", "on", "with", "was", "were", "said", "by", "from", "has",
    "have", "it", "its", "this",
})
_ENGLISH_SHARE = 0.08
# a text the model gives to a language we do not analyse needs fewer words to count as English
_SHORT_ENGLISH_WORDS = 4
_WORD = re.compile(r"[A-Za-z]+")


def looks_english(text: str, sample_chars: int = 3_000, min_words: int = 8) -> bool:
    words = _WORD.findall(text[:sample_chars])
    if len(words) < min_words:
        return False
    hits = sum(1 for w in words if w.lower() in _ENGLISH_WORDS)
    return hits >= _ENGLISH_SHARE * len(words)


# A headline or a one-line wire item is too short for the character model: "M23 rebels seize
# eastern Congo town" read as West Frisian, "Israeli strikes kill 25 in Gaza" as Estonian. Up to
# this many words, a text whose words are nearly all English dictionary words is English.
_HEADLINE_WORDS = 16
_HEADLINE_ENGLISH_SHARE = 0.6


def english_headline(text: str, english_word: Callable[[str], bool] | None) -> bool:
    """A short Latin-script text most of whose words an English dictionary knows ("rebels",
    "seize", "eastern", "town"); a Dutch, Italian or Portuguese one shares a third at most.
    A headline is often half names ("Arakan Army captures Maungdaw"): when every other word is
    an English one, the capitalised words no dictionary knows are names and do not count. Only
    then: WordNet knows "la", "de", "el", "en", "base" and "contra", so a Spanish sentence shorn of
    its names can read as two-thirds English."""
    if english_word is None:
        return False
    words = _WORD.findall(text[:400])
    if not 3 <= len(words) <= _HEADLINE_WORDS:
        return False
    known = [bool(english_word(w) or (w.endswith("s") and english_word(w[:-1]))) for w in words]
    counted = sum(1 for w, k in zip(words, known, strict=True) if k or not w[:1].isupper())
    hits: int = sum(known)
    return hits >= _HEADLINE_ENGLISH_SHARE * len(words) or (hits >= 2 and hits == counted)


def route(article: RawArticle, text: str, english_word: Callable[[str], bool] | None = None) -> LanguageGuess:
    """The language the article is analysed in: ``en`` for English (and for text the identifier
    is unsure of but that reads as English), else the identified language. ``english_word``
    (the English dictionary's words) settles short texts the identifier cannot."""
    # text that reads as English by its function words is routed to English whatever the model
    # says (below), so the model is skipped for it
    guess = identify_language(text, title=article.title, declared=article.language, plainly_english=looks_english)
    if (guess.language != "en" and guess.script == "Latn" and article.language is None
            and english_headline(text, english_word)):
        return LanguageGuess("en", guess.script, guess.source)
    if guess.language != "en" and (guess.language is None or looks_english(text)):
        return LanguageGuess("en", guess.script, guess.source)
    if (guess.language not in ANALYSED and guess.script == "Latn"
            and looks_english(text, min_words=_SHORT_ENGLISH_WORDS)):
        # a short wire sentence full of names ("Nigerian troops recaptured Gubio from Boko
        # Haram.") reads as Nigerian Pidgin or Igbo to the model; read as English it is
        # analysed, read as a language we have no pack for it would not be
        return LanguageGuess("en", guess.script, guess.source)
    return guess


def analyze_other_language(
    multilingual: Multilingual,
    article: RawArticle,
    text: str,
    guess: LanguageGuess,
    now: datetime,
    timings: dict[str, float],
) -> tuple[Analysis, RegionTags]:
    """The analysis of a non-English article (no tags for a language without a pack); also
    returns its region tags for the publisher profiles."""
    t0 = time.perf_counter()
    if guess.language is None or not multilingual.supports(guess.language):
        regions = RegionTags()
        analysis = Analysis(
            id=article.id, title=article.title, url=article.url, source=article.source,
            published_at=article.published_at, analyzed_at=now, cleaned_text=text, regions=regions,
            topics=(), signals=(), severity="none",
            severity_reason=f"language {guess.language or 'unknown'} is not analysed",
            language=guess.language, script=guess.script, stage_seconds=timings,
        )
        return analysis, regions
    pack = multilingual.pack(guess.language)
    title = f"{article.title}\n" if article.title and not text.startswith(article.title) else ""
    result = pack.analyze(text, article.published_at)
    signals = tuple(s.signal for s in result.signals)
    # the headline counts for topics (the editor's summary); evidence offsets stay in the text
    topics = pack.tag_topics(title + text) if title else result.topics
    severity, reason = score_article(signals)
    regions = result.regions
    # as for English: the story's country is where its events happen, and alerts go there
    where = event_country(signals)
    if where is not None and where != regions.primary_country:
        regions = replace(regions, primary_country=where)
    timings[f"analysis_{guess.language}"] = time.perf_counter() - t0
    analysis = Analysis(
        id=article.id, title=article.title, url=article.url, source=article.source,
        published_at=article.published_at, analyzed_at=now, cleaned_text=text, regions=regions,
        topics=topics, signals=signals, severity=severity, severity_reason=reason,
        language=guess.language, script=guess.script, stage_seconds=timings,
    )
    return analysis, result.regions
