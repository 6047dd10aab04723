"""The hand-written stories: every expected-analysis file is well formed, and each language clears
the issue's floors on them (signal precision >= 0.85, country F1 >= 0.90)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashpoint.analysis.multilingual import SUPPORTED_LANGUAGES
from flashpoint.analysis.multilingual.pack import Multilingual
from flashpoint.analysis.multilingual.rules import KNOWN_KINDS
from flashpoint.tools.eval.multilingual import STORIES_DIR, Scores, read_stories

NOW = datetime(2026, 11, 30, tzinfo=UTC)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_each_language_has_thirty_stories_with_known_kinds(language: str) -> None:
    stories = read_stories(STORIES_DIR, language)
    assert len(stories) >= 30
    assert len({s.id for s in stories}) == len(stories)
    assert all(set(s.kinds) <= set(KNOWN_KINDS) for s in stories)
    assert sum(1 for s in stories if not s.kinds) >= 5  # calm stories with look-alikes


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_each_language_clears_the_signal_and_country_floors(multilingual: Multilingual, language: str) -> None:
    signals, countries = Scores(), Scores()
    pack = multilingual.pack(language)
    for story in read_stories(STORIES_DIR, language):
        result = pack.analyze(story.text, NOW)
        signals.add({s.signal.kind for s in result.signals}, story.kinds)
        countries.add({c.code for c in result.regions.countries}, story.countries)
    assert signals.precision >= 0.85
    assert countries.f1 >= 0.90
