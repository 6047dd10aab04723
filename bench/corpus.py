"""A realistic benchmark corpus: ~600-word news articles built from the shared datasets.

Most of a news firehose is not about conflict: articles are LGL and GeoVirus news texts
(properly cased, full of place names) packed to ~600 words; one in ``conflict_every`` also gets
ConfliBERT conflict sentences mixed in, so the escalation stage has real work. Read from
../shared at run time; nothing is copied into the repository.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

WORDS = 600


def _news_texts(shared: Path) -> list[str]:
    texts: list[str] = []
    for name in ("lgl.xml", "GeoVirus.xml"):
        root = ET.parse(shared / "datasets" / "geo" / name).getroot()  # noqa: S314 - our own data
        for article in root.iter("article"):
            node = article.find("text")
            if node is not None and node.text:
                texts.append(re.sub(r"\s+", " ", node.text).strip())
    return texts


def _conflict_sentences(shared: Path) -> list[str]:
    out: list[str] = []
    with (shared / "datasets/events/conflibert_cameo_class_train.tsv").open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row and row[0].strip():
                out.append(row[0].strip())
    return out


def build_corpus(shared: Path, n: int, *, words: int = WORDS, conflict_every: int = 5) -> list[str]:
    news = _news_texts(shared)
    conflict = _conflict_sentences(shared)
    articles: list[str] = []
    i = j = 0
    while len(articles) < n:
        parts: list[str] = []
        count = 0
        with_conflict = len(articles) % conflict_every == 0
        while count < words:
            if with_conflict and len(parts) % 2 == 1:
                text = conflict[j % len(conflict)]
                j += 1
            else:
                text = news[i % len(news)]
                i += 1
            parts.append(text)
            count += len(text.split())
        body = " ".join(" ".join(parts).split()[:words])
        articles.append(body)
    return articles
