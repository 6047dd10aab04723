"""Chaos run: produce N articles (a tenth carrying escalation sentences), kill -9 the worker K times
at random points and restart it, then count the alerts in Redis: expected, found, lost, duplicated.

    python bench/chaos.py --articles 10000 --kills 20

The longer sibling of tests/e2e/test_faults.py (same corpus and bookkeeping, tests/e2e/corpus.py).
It starts its own Tansu broker, uses the machine's Redis (or starts one) under a fresh key prefix
that it deletes afterwards, and exits 1 if any alert was lost or duplicated.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import redis

# Run as a script from anywhere: the repo root (for tests.e2e.corpus) goes first on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.devenv.broker import TansuBroker
from flashpoint.devenv.processes import RedisServer, redis_answers
from flashpoint.service.producer import ensure_topics
from flashpoint.settings import Settings
from tests.e2e.corpus import (
    GroupOffsets,
    article_messages,
    audit_alerts,
    build_corpus,
    delete_prefix,
    expected_alerts,
    produce,
    run_with_kills,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--planted", type=int, default=None, help="articles with an escalation sentence "
                        "(default: a tenth of --articles, at most 1,500)")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pace", type=float, default=0.002, help="seconds between produced messages")
    parser.add_argument("--timeout", type=float, default=3_600.0)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args(argv)
    planted = args.planted if args.planted is not None else min(args.articles // 10, 1_500)

    started = time.monotonic()
    run = uuid.uuid4().hex[:8]
    server = None if redis_answers(args.redis_url) else RedisServer().start()
    redis_url = server.url if server else args.redis_url
    with TansuBroker() as broker:
        env = {
            "FLASHPOINT_BROKER_URL": broker.url, "FLASHPOINT_REDIS_URL": redis_url,
            "FLASHPOINT_REDIS_KEY_PREFIX": f"flashpoint-chaos:{run}:", "FLASHPOINT_APP_ID": f"flashpoint-chaos-{run}",
            "FLASHPOINT_TOPIC_RAW": f"articles.raw.{run}", "FLASHPOINT_TOPIC_ANALYZED": f"articles.analyzed.{run}",
            "FLASHPOINT_TOPIC_DEAD": f"articles.dead.{run}", "FLASHPOINT_WORKER_ID": f"chaos-{run}",
            "FLASHPOINT_LOG_FORMAT": "json",
        }
        fields: dict[str, Any] = {k.removeprefix("FLASHPOINT_").lower(): v for k, v in env.items()}
        settings = Settings(_env_file=None, **fields)
        ensure_topics(settings)
        client = redis.Redis.from_url(redis_url, decode_responses=True)
        offsets = GroupOffsets(settings)
        try:
            print(f"building {args.articles} articles ({planted} planted) and analysing them offline ...")
            corpus, expected = expected_alerts(
                build_corpus(args.articles, planted, seed=args.seed, run=run), Analyzer.load()
            )
            print(f"  expected alerts: {len(expected.alerting)} "
                  f"(dropped near-duplicates: {len(expected.dropped_similar)}, "
                  f"{expected.analysis_seconds:.1f} s)")
            raw_ends: dict[int, int] = {}
            produced = threading.Event()

            def produce_all() -> None:
                raw_ends.update(produce(settings, article_messages(corpus), pace=args.pace))
                produced.set()

            def finished() -> bool:
                # Every raw message and analysed record committed: a missing alert now is lost.
                return produced.is_set() and offsets.drained(raw_ends)

            prefix = settings.redis_key_prefix
            load_started = time.monotonic()
            kills = run_with_kills(
                env, kills=args.kills, total_messages=len(corpus), rng=random.Random(args.seed),
                done=finished, timeout=args.timeout, on_start=produce_all,
                status=lambda: f"{audit_alerts(client, prefix, expected).summary()}; {offsets.status(raw_ends)}",
            )
            load_seconds = time.monotonic() - load_started
            audit = audit_alerts(client, prefix, expected)
            skipped = sorted({a["id"] for a in corpus} - offsets.analysed_ids())
        finally:
            offsets.close()
            delete_prefix(client, settings.redis_key_prefix)
            client.close()
            if server is not None:
                server.stop()
    ok = not audit.lost and audit.duplicated == 0 and not audit.unexpected and not skipped
    print(f"messages: {len(corpus)}")
    print(f"kills: {kills.kills} (processed by each process before its kill: {kills.processed_at_kill})")
    print(f"seconds to ready per start: {[round(s, 1) for s in kills.restarts_seconds]}")
    print(f"alerts expected: {audit.expected}  found: {audit.found}  lost: {len(audit.lost)}  "
          f"duplicated: {audit.duplicated}  unexpected: {len(audit.unexpected)}  "
          f"(surge alerts: {audit.surge_alerts})")
    print(f"messages committed but never analysed: {len(skipped)} {skipped[:10]}")
    print(f"load with kills: {load_seconds:.0f} s; total {time.monotonic() - started:.0f} s; "
          f"{'OK' if ok else 'FAILED'}")
    if audit.lost:
        print(f"lost: {audit.lost[:20]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
