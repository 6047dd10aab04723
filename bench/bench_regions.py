"""Region tagger throughput: articles/s on one core for ~600-word news articles, and peak RSS.

Prints figures; asserts nothing about time. Articles are built from the GeoVirus and LGL texts in
../shared/datasets/geo (joined to ~600 words each) when present, else from the canonical example.

    python bench/bench_regions.py [--articles 2000] [--words 600] [--no-model]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flashpoint.analysis.regions import RegionTagger

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _source_texts() -> list[str]:
    texts: list[str] = []
    geo = SHARED / "datasets" / "geo"
    for name, tag in (("GeoVirus.xml", "text"), ("lgl.xml", "text")):
        path = geo / name
        if path.exists():
            root = ET.parse(path).getroot()  # noqa: S314 - trusted local corpus
            texts.extend(t.text or "" for t in root.iter(tag))
    if not texts:
        example = SHARED / "examples" / "afghan-troops-flee-to-tajikistan.txt"
        texts = [example.read_text(encoding="utf-8")] if example.exists() else ["Fighting in Kabul. " * 100]
    return [t for t in texts if t.strip()]


def build_articles(n: int, words: int) -> list[str]:
    pool = _source_texts()
    articles: list[str] = []
    i = 0
    while len(articles) < n:
        parts: list[str] = []
        count = 0
        while count < words:
            text = pool[i % len(pool)]
            i += 1
            parts.append(text)
            count += len(re.findall(r"\S+", text))
        joined = " ".join("\n\n".join(parts).split(" ")[:words])
        articles.append(joined)
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--no-model", action="store_true", help="build the tagger without the spaCy model")
    args = parser.parse_args()

    articles = build_articles(args.articles, args.words)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    from flashpoint.analysis.regions import RegionTagger

    if args.no_model:
        tagger = RegionTagger()
    else:
        from flashpoint.analysis.nlp import load_model

        tagger = RegionTagger(load_model())
    load_s = time.perf_counter() - t0
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    tagger.tag(articles[0])  # warm-up
    t1 = time.perf_counter()
    c1 = time.process_time()
    mentions = 0
    for text in articles:
        mentions += len(tagger.tag(text).mentions)
    elapsed = time.perf_counter() - t1
    cpu = time.process_time() - c1
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total_words = sum(len(a.split()) for a in articles)

    print(f"articles            {len(articles)} x ~{args.words} words ({total_words / len(articles):.0f} avg)")
    print(f"tagger load         {load_s:.2f} s (spaCy model {'no' if args.no_model else 'yes'} + gazetteer)")
    print(
        f"throughput          {len(articles) / elapsed:.0f} articles/s, {total_words / elapsed:,.0f} words/s (1 core)"
    )
    # the machine is shared: CPU time says what the tagger costs whatever else is running
    print(f"per CPU-second      {len(articles) / cpu:.0f} articles ({1000 * cpu / len(articles):.2f} ms CPU/article)")
    print(f"latency             {1000 * elapsed / len(articles):.2f} ms/article")
    print(f"load average        {' / '.join(f'{x:.2f}' for x in os.getloadavg())} (1/5/15 min)")
    print(f"mentions resolved   {mentions / len(articles):.1f} per article")
    print(f"RSS                 {rss0:.0f} MB before, {rss_loaded:.0f} MB loaded, {rss_peak:.0f} MB peak")
    _with_publisher_homes(tagger)


def _with_publisher_homes(tagger: RegionTagger) -> None:
    """The same tagger on LGL's local-paper stories, alone and with each paper's learned home
    (leave-one-out, as in ``flashpoint eval regions``): the home adds a scan for the home
    provinces' villages and the province tie-break."""
    from flashpoint.tools.eval.regions import load_lgl, publisher_profiles

    lgl_path = SHARED / "datasets" / "geo" / "lgl.xml"
    if not lgl_path.exists():
        return
    lgl = load_lgl(lgl_path, tagger.gazetteer)
    profiles = publisher_profiles(tagger, lgl, online=False)
    for article, profile in zip(lgl, profiles, strict=True):  # warm-up: each home's villages
        tagger.tag(article.text, profile=profile)
    timings: dict[str, float] = {}
    for label, use in (("alone", False), ("with homes", True)):
        t0 = time.perf_counter()
        for _ in range(3):
            for article, profile in zip(lgl, profiles, strict=True):
                tagger.tag(article.text, profile=profile if use else None)
        timings[label] = time.perf_counter() - t0
    n = 3 * len(lgl)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    homes = sum(p is not None for p in profiles)
    print(
        f"LGL ({len(lgl)} stories, {homes} with a home): {n / timings['alone']:.0f} articles/s alone, "
        f"{n / timings['with homes']:.0f} with publisher homes; peak RSS {rss:.0f} MB"
    )


if __name__ == "__main__":
    main()
