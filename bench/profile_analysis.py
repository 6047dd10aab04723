"""Where the analysis spends its time: cProfile over the benchmark corpus, top functions by self
time. Prints, asserts nothing.

    python bench/profile_analysis.py [--shared ../shared] [--articles 300] [--top 15]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
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
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    analyzer = Analyzer.load()
    articles = [RawArticle(id=str(n), text=t) for n, t in enumerate(build_corpus(args.shared, args.articles))]
    now = datetime(2026, 11, 25, tzinfo=UTC)
    for article in articles[:5]:
        analyzer.analyze(article, now)
    profile = cProfile.Profile()
    profile.enable()
    for article in articles:
        analyzer.analyze(article, now)
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
