"""The per-article work budget: hostile repetition costs the analysis little, and padding in
front of a story cannot push the story out of the text the taggers see."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.models import RawArticle
from flashpoint.analysis.regions.resolution import MAX_MENTIONS_PER_NAME
from flashpoint.analysis.text import squeeze_repetition

NOW = datetime(2026, 12, 7, tzinfo=UTC)
STORY = (Path(__file__).resolve().parents[2] / "flashpoint" / "samples" / "afghan-troops-flee-to-tajikistan.txt")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    a = Analyzer.load(source_profiles=False)
    a.analyze(RawArticle(id="warm", text=STORY.read_text(encoding="utf-8")), NOW)
    return a


def cpu_seconds(analyzer: Analyzer, text: str) -> float:
    started = time.process_time()
    analyzer.analyze(RawArticle(id="x", text=text), NOW)
    return time.process_time() - started


def test_one_name_repeated_100000_times_costs_almost_nothing(analyzer: Analyzer) -> None:
    assert cpu_seconds(analyzer, "Ukraine " * 100_000) < 0.5  # 2.2 s before the budget


def test_a_name_repeated_between_other_words_resolves_a_bounded_number_of_mentions(analyzer: Analyzer) -> None:
    rng = random.Random(1)
    text = " ".join(f"Ukraine {rng.choice(['said', 'the', 'minister', 'on', 'Monday'])}" for _ in range(20_000))
    result = analyzer.analyze(RawArticle(id="x", text=text), NOW)
    assert result.regions.primary_country == "UA"
    assert result.regions.countries[0].mentions <= MAX_MENTIONS_PER_NAME


@pytest.mark.parametrize("padding", ["\u00a0" * 300_000, "." * 150_000 + " " * 150_000, "-=" * 10 + "\n" * 250_000])
def test_a_story_behind_300000_characters_of_padding_still_alerts(analyzer: Analyzer, padding: str) -> None:
    story = STORY.read_text(encoding="utf-8")
    result = analyzer.analyze(RawArticle(id="padded", text=padding + story), NOW)
    assert result.severity != "none"
    assert result.regions.primary_country == "AF"


@pytest.mark.parametrize("phrase", [
    "Subscribe to our newsletter for the latest news. ",
    "Ukraine war ",
    "<div class='ad'>Sponsored content from our partners</div>\n",
])
def test_a_story_behind_300000_characters_of_a_repeated_phrase_still_alerts(analyzer: Analyzer, phrase: str) -> None:
    story = STORY.read_text(encoding="utf-8")
    padding = phrase * (300_000 // len(phrase))
    result = analyzer.analyze(RawArticle(id="padded", text=padding + story), NOW)
    assert result.severity != "none"
    assert result.regions.primary_country == "AF"


def test_a_long_text_without_padding_loses_nothing_before_the_cut() -> None:
    rng = random.Random(3)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9))) for _ in range(3000)]
    prose = " ".join(rng.choice(words) for _ in range(20_000))
    assert len(prose) > 100_000
    assert squeeze_repetition(prose, max_chars=50_000) == prose[:50_000]


def test_squeezing_keeps_three_repeats_of_a_run_and_ordinary_text_unchanged() -> None:
    assert squeeze_repetition("a b b b b b b c ....................... d", max_chars=100) == "a b b b c ... d"
    ordinary = "Troops crossed the border on Monday, officials said... Very, very few returned."
    assert squeeze_repetition(ordinary, max_chars=1000) == ordinary
