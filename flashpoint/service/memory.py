"""Caches in our dependencies that would keep whole articles alive, emptied after each article.

trafilatura memoises ``trim`` and ``line_processing`` (``functools.lru_cache``, 1,024 entries)
and keeps a 4,096-entry LRU of text segments for de-duplication; htmldate memoises date
expressions (8,192 entries). Their keys are text from the page: with large hostile pages, 1,024
entries are gigabytes, and they are never released while the process lives (a worker went from
354 to 652 MB in three rounds of 20 pages of 1.4 MB, and never came back). The caches only
save work within one page, so the worker and the ingester empty them after every article: the
memory a page used is released with it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any


def _memoised() -> Iterator[Any]:  # functools' lru_cache wrappers
    """The memoised functions of the extraction libraries that are loaded (none is imported)."""
    utils = sys.modules.get("trafilatura.utils")
    if utils is not None:
        yield utils.trim
        yield utils.line_processing
    extractors = sys.modules.get("htmldate.extractors")
    if extractors is not None:
        yield extractors.try_date_expr


def release_extraction_caches() -> None:
    for function in _memoised():
        function.cache_clear()
    dedup = sys.modules.get("trafilatura.deduplication")
    if dedup is not None:
        lru = dedup.LRU_TEST
        with lru.lock:
            lru.cache.clear()


def extraction_cache_entries() -> int:
    """Entries the extraction caches hold now (what :func:`release_extraction_caches` frees)."""
    total = sum(function.cache_info().currsize for function in _memoised())
    dedup = sys.modules.get("trafilatura.deduplication")
    if dedup is not None:
        total += len(dedup.LRU_TEST.cache)
    return int(total)
