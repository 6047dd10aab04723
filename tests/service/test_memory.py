"""No cache in our dependencies keeps whole articles: after each article the worker (and the
ingester's extractor) have emptied trafilatura's and htmldate's memoised text."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.service.ingest.extract import extract_main_text
from flashpoint.service.memory import extraction_cache_entries
from flashpoint.service.pipeline import Analysed, MessageMeta, process_message

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def big_page(seed: int, paragraphs: int = 300) -> str:
    """A large news page whose every paragraph is different (so every cache entry is new)."""
    rng = random.Random(seed)
    words = ["troops", "border", "capital", "ministry", "convoy", "district", "officials", "reported",
             "Kharkiv", "Kabul", "Bamako", "ceasefire", "talks", "residents", "market", "river"]
    body = "".join(
        f"<p>{' '.join(rng.choice(words) for _ in range(120))} paragraph {seed}-{n}.</p>" for n in range(paragraphs)
    )
    return (f"<html><head><title>Page {seed}</title></head><body><nav>Home | World</nav>"
            f"<article><h1>Story {seed}</h1>{body}</article></body></html>")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load(source_profiles=False)


def test_the_worker_keeps_no_page_text_in_extraction_caches_after_each_article(analyzer: Analyzer) -> None:
    for seed in range(3):
        payload = json.dumps({"id": f"page-{seed}", "html": big_page(seed)}).encode()
        result = process_message(payload, MessageMeta("articles.raw", 0, seed), analyzer, now=NOW,
                                 max_bytes=5_000_000, dead_letter_max_bytes=16_384)
        assert isinstance(result, Analysed)
        assert extraction_cache_entries() == 0


def test_the_ingesters_extractor_keeps_no_page_text_in_extraction_caches() -> None:
    for seed in range(3):
        assert extract_main_text(big_page(seed + 10), url=f"https://news.example/{seed}") is not None
        assert extraction_cache_entries() == 0
