"""Crashes: kill -9 the real worker again and again mid-load; Redis still ends with exactly one
alert per story (nothing lost, nothing duplicated)."""

from __future__ import annotations

import random
import threading
import time

import pytest
import redis

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.settings import Settings
from tests.e2e.corpus import (
    Expected,
    GroupOffsets,
    article_messages,
    audit_alerts,
    build_corpus,
    expected_alerts,
    produce,
    run_with_kills,
)

pytestmark = [pytest.mark.slow, pytest.mark.datasets]

ARTICLES = 2_000
PLANTED = 200
KILLS = 5
SEED = 20261125


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load()


def test_killing_the_worker_repeatedly_neither_loses_nor_duplicates_an_alert(
    e2e_env: dict[str, str], settings: Settings, redis_client: redis.Redis, analyzer: Analyzer
) -> None:
    started = time.monotonic()
    corpus, expected = expected_alerts(
        build_corpus(ARTICLES, PLANTED, seed=SEED, run=settings.app_id), analyzer
    )
    if not expected.alerting:
        pytest.fail("the analysis finds no escalation in the corpus: nothing to prove")
    raw_ends: dict[int, int] = {}
    produced = threading.Event()

    def produce_while_worker_runs() -> None:
        # Spread over ~10 s, so early kills also land while messages are still arriving.
        raw_ends.update(produce(settings, article_messages(corpus), pace=0.005))
        produced.set()

    offsets = GroupOffsets(settings)
    prefix = settings.redis_key_prefix

    def finished() -> bool:
        # Drained means every raw message and every analysed record is committed, and a commit
        # comes only after the alert is written: whatever is missing then is lost, not late.
        return produced.is_set() and offsets.drained(raw_ends)

    try:
        kills = run_with_kills(
            e2e_env, kills=KILLS, total_messages=len(corpus), rng=random.Random(SEED),
            done=finished, timeout=420, on_start=produce_while_worker_runs,
            status=lambda: (f"{audit_alerts(redis_client, prefix, expected).summary()}; "
                            f"{offsets.status(raw_ends)}"),
        )
        # A skipped plain article costs no alert, so alerts alone under-count loss: check that
        # every produced article reached the analysed topic.
        skipped = sorted({a["id"] for a in corpus} - offsets.analysed_ids())
    finally:
        offsets.close()
    audit = audit_alerts(redis_client, prefix, expected)
    report(len(corpus), kills.kills, expected, f"{audit.summary()} messages never analysed={len(skipped)}",
           time.monotonic() - started, kills.processed_at_kill, kills.restarts_seconds)

    assert kills.kills >= KILLS
    assert audit.lost == []
    assert audit.duplicated == 0
    assert audit.unexpected == []
    assert audit.found == audit.expected
    assert skipped == [], f"committed but never analysed: {skipped[:20]}"


def report(messages: int, kills: int, expected: Expected, audit: str, seconds: float,
           processed_at_kill: list[int], restarts: list[float]) -> None:
    print(f"\nfault test: messages={messages} kills={kills} {audit} "
          f"(dropped near-duplicate stories={len(expected.dropped_similar)}, "
          f"offline analysis {expected.analysis_seconds:.1f} s, total {seconds:.0f} s)")
    print(f"  processed by each process before its kill: {processed_at_kill}")
    print(f"  seconds to ready per start: {[round(s, 1) for s in restarts]}")
