"""Topic tagging throughput on ~600-word articles, and its share of the whole analysis.

Prints figures, asserts nothing (timings on a shared 2-core machine vary by +-50%). The goal it
is read against: topics at >= 500 articles/s, and <= 25% of the full analysis time per article.

    python bench/bench_topics.py                       # topics alone, on the bundled sample
    python bench/bench_topics.py --shared ../shared    # on held-out BBC articles
    python bench/bench_topics.py --full                # also the full Analyzer, for the share
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from flashpoint.analysis.topics import TopicTagger

SAMPLES = Path(__file__).resolve().parents[1] / "flashpoint" / "samples"
SAMPLE = SAMPLES / "afghan-troops-flee-to-tajikistan.txt"


def articles(shared: Path | None, n: int, words: int) -> list[str]:
    """``n`` texts of about ``words`` words: held-out BBC articles when the datasets are at hand
    (real vocabulary and length spread), else the canonical sample, repeated to length."""
    if shared is not None:
        from flashpoint.tools.eval.topics import bbc_heldout, read_bbc

        texts = [row.text for row in bbc_heldout(read_bbc(shared))]
    else:
        texts = [SAMPLE.read_text(encoding="utf-8")]
    out: list[str] = []
    i = 0
    while len(out) < n:
        tokens: list[str] = []
        while len(tokens) < words:
            tokens.extend(texts[i % len(texts)].split())
            i += 1
        out.append(" ".join(tokens[:words]))
    return out


def bench_topics(texts: list[str], repeats: int) -> float:
    tagger = TopicTagger()
    for text in texts[:20]:
        tagger.tag(text)  # warm-up
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for text in texts:
            tagger.tag(text)
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


def bench_full(texts: list[str]) -> None:
    from flashpoint.analysis.analyzer import Analyzer
    from flashpoint.analysis.models import RawArticle

    analyzer = Analyzer.load()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    totals: dict[str, float] = {}
    start = time.perf_counter()
    for n, text in enumerate(texts):
        analysis = analyzer.analyze(RawArticle(id=str(n), text=text), now)
        for stage, seconds in analysis.stage_seconds.items():
            totals[stage] = totals.get(stage, 0.0) + seconds
    elapsed = time.perf_counter() - start
    print(f"full analysis: {len(texts) / elapsed:,.1f} articles/s")
    whole = sum(totals.values()) or 1.0
    for stage, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:<12} {1000 * seconds / len(texts):8.3f} ms/article  {100 * seconds / whole:5.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=None, help="shared/ folder with datasets/")
    parser.add_argument("-n", type=int, default=1000, help="articles per run")
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="also time the whole Analyzer")
    args = parser.parse_args()
    texts = articles(args.shared, args.n, args.words)
    start = time.perf_counter()
    TopicTagger()
    print(f"TopicTagger load: {time.perf_counter() - start:.2f} s")
    rate = bench_topics(texts, args.repeats)
    print(f"topics: {rate:,.0f} articles/s on {args.words}-word articles "
          f"({1000 / rate:.3f} ms/article, median of {args.repeats} runs of {len(texts)})")
    if args.full:
        bench_full(texts[: min(len(texts), 200)])


if __name__ == "__main__":
    main()
