"""The analysis core alone: articles/s per core on ~600-word news, split by stage, and peak RSS.

Prints figures, asserts nothing.

    python bench/bench_analysis.py [--shared ../shared] [--articles 300]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import build_corpus
from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.models import RawArticle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()

    started = time.perf_counter()
    analyzer = Analyzer.load()
    load_seconds = time.perf_counter() - started
    texts = build_corpus(args.shared, args.articles)
    articles = [RawArticle(id=f"b{n}", text=t) for n, t in enumerate(texts)]
    now = datetime(2026, 11, 25, tzinfo=UTC)
    for article in articles[:5]:  # warm-up: lazy pipes, caches
        analyzer.analyze(article, now)

    stages: dict[str, float] = {}
    per_article: list[float] = []
    signals = 0
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    for article in articles:
        a0 = time.perf_counter()
        result = analyzer.analyze(article, now)
        per_article.append(time.perf_counter() - a0)
        signals += len(result.signals)
        for stage, seconds in result.stage_seconds.items():
            stages[stage] = stages.get(stage, 0.0) + seconds
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    n = len(articles)
    words = sum(len(t.split()) for t in texts) / n
    print(f"articles: {n} x ~{words:.0f} words; model load {load_seconds:.2f} s")
    print(f"throughput: {n / wall:.1f} articles/s wall, {n / cpu:.1f} articles/s per CPU-second")
    quantiles = statistics.quantiles(per_article, n=100)
    print(f"per article: p50 {quantiles[49] * 1000:.1f} ms, p95 {quantiles[94] * 1000:.1f} ms, "
          f"p99 {quantiles[98] * 1000:.1f} ms")
    total = sum(stages.values())
    for stage, seconds in stages.items():
        print(f"  {stage:11} {seconds / n * 1000:7.2f} ms/article  {seconds / total:6.1%}")
    print(f"signals found: {signals}; peak RSS {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
