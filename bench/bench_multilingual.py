"""Analysis speed per language (articles per CPU-second) and worker RSS with every language loaded.

Prints figures, asserts nothing. Articles are built from the evaluation stories of each language
(``tests/fixtures/multilingual``), 20 shuffled stories to an article (3-4 KB, the size of the
English corpus's ~600-word articles), so every article differs; English uses the same
public-dataset corpus as ``bench_analysis.py``. The whole :class:`Analyzer` runs, language
identification included, as in the worker. Pack loading is timed apart: it happens once per
process, on the first story in that language.

    python bench/bench_multilingual.py [--shared ../shared] [--articles 200] [--stories-per-article 20]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import build_corpus
from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.models import RawArticle
from flashpoint.analysis.multilingual import SUPPORTED_LANGUAGES
from flashpoint.tools.eval.multilingual import STORIES_DIR, read_stories

NOW = datetime(2026, 11, 30, tzinfo=UTC)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def articles_for(language: str, n: int, rng: random.Random, per_article: int = 20) -> list[RawArticle]:
    texts = [s.text for s in read_stories(STORIES_DIR, language)]
    return [RawArticle(id=f"{language}-{i}", text="\n\n".join(rng.sample(texts, per_article)), published_at=NOW)
            for i in range(n)]


def per_cpu_second(analyzer: Analyzer, articles: list[RawArticle]) -> float:
    started = time.process_time()
    for article in articles:
        analyzer.analyze(article, NOW)
    return len(articles) / (time.process_time() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--stories-per-article", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(19)

    analyzer = Analyzer.load(source_profiles=False)
    english = [RawArticle(id=f"en-{i}", text=t) for i, t in enumerate(build_corpus(args.shared, args.articles))]
    for article in english[:5]:
        analyzer.analyze(article, NOW)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print(f"RSS with English loaded: {rss_mb():.0f} MB")
    print(f"en: {per_cpu_second(analyzer, english):.0f} articles per CPU-second ({len(english)} articles)")
    for language in SUPPORTED_LANGUAGES:
        articles = articles_for(language, args.articles, rng, args.stories_per_article)
        started = time.process_time()
        analyzer.analyze(articles[0], NOW)  # loads the pack
        load = time.process_time() - started
        for article in articles[1:4]:
            analyzer.analyze(article, NOW)
        rate = per_cpu_second(analyzer, articles[4:])
        print(f"{language}: {rate:.0f} articles per CPU-second ({len(articles) - 4} articles, "
              f"~{sum(len(a.text or '') for a in articles) // len(articles)} chars each); "
              f"pack load {load:.1f} CPU-s; RSS now {rss_mb():.0f} MB")
    print(f"load average {os.getloadavg()[0]:.2f}; RSS with all five languages loaded: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
