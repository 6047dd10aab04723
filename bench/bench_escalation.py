"""Benchmark of the escalation engine alone: articles per second on one core.

Prints figures, asserts nothing. Two corpora of ~600-word texts built from the shared datasets:
- ``bbc``: full BBC news articles (business, politics, sport, tech...): mostly no trigger, the
  common case of a news firehose;
- ``world``: AG News "World" headlines and ledes (2004 wire news, much of it Iraq, Gaza, Darfur)
  packed into 600-word texts: a conflict-heavy news desk;
- ``conflict``: ConfliBERT CAMEO sentences packed into 600-word texts: nearly every sentence is
  about conflict, the worst case for the parse-on-trigger design.

    python bench/bench_escalation.py [--shared ../shared] [--articles 200]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from flashpoint.analysis.escalation import EscalationEngine
from flashpoint.analysis.models import RegionTags
from flashpoint.analysis.nlp import load_model

WORDS = 600


def bbc_articles(shared: Path, n: int) -> list[str]:
    out: list[str] = []
    with (shared / "datasets/topics/bbc_news_train.tsv").open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            words = row[0].split()
            while len(words) < WORDS:
                words = words + words
            out.append(" ".join(words[:WORDS]))
            if len(out) >= n:
                break
    return out


def world_articles(shared: Path, n: int) -> list[str]:
    items: list[str] = []
    with (shared / "datasets/topics/ag_news_test.csv").open(encoding="utf-8") as f:
        for row in csv.reader(f):
            if row and row[0] == "1":
                items.append(f"{row[1]}.\n{row[2]}".replace("\\\\", " "))
    return _pack(items, n)


def _pack(items: list[str], n: int) -> list[str]:
    out: list[str] = []
    i = 0
    while len(out) < n:
        words = 0
        parts: list[str] = []
        while words < WORDS:
            s = items[i % len(items)]
            i += 1
            parts.append(s)
            words += len(s.split())
        out.append("\n\n".join(parts))
    return out


def conflict_articles(shared: Path, n: int) -> list[str]:
    sentences: list[str] = []
    with (shared / "datasets/events/conflibert_cameo_class_train.tsv").open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row:
                sentences.append(row[0].strip())
    return _pack(sentences, n)


def run(engine: EscalationEngine, name: str, texts: list[str]) -> None:
    regions = RegionTags()
    engine.detect(texts[0], regions)  # warm-up
    signals = 0
    parsed = 0
    for text in texts:
        parsed += len(engine.candidate_sentences(text, regions))
    start = time.perf_counter()
    cpu_start = time.process_time()
    for text in texts:
        signals += len(engine.detect(text, regions))
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    words = sum(len(t.split()) for t in texts)
    # CPU seconds, not wall time, give "per core" on a shared machine (numpy may use a second
    # thread for large matrices; the parser's are small)
    print(
        f"{name:9s} {len(texts):5d} articles  {len(texts) / elapsed:7.1f} articles/s wall  "
        f"{len(texts) / cpu:7.1f} articles/CPU-s  {words / cpu:8.0f} words/CPU-s  "
        f"{parsed / len(texts):4.1f} sentences parsed/article  {signals / len(texts):5.2f} signals/article"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    t0 = time.perf_counter()
    engine = EscalationEngine(load_model())
    print(f"engine built in {time.perf_counter() - t0:.2f} s ({len(engine.rules.rules)} rules)")
    run(engine, "bbc", bbc_articles(args.shared, args.articles))
    run(engine, "world", world_articles(args.shared, args.articles))
    run(engine, "conflict", conflict_articles(args.shared, args.articles))


if __name__ == "__main__":
    main()
