"""Getting articles into ``articles.raw``: RSS/Atom feeds and archive directories.

The CLI calls :func:`run_rss` and :func:`run_dir`; everything else is here so tests and
scripts can drive the same code with a fake sink or a local HTTP server.
"""

from __future__ import annotations

from flashpoint.service.ingest.archive import run_dir
from flashpoint.service.ingest.errors import FeedConfigError, IngestError, RateParseError, StateStoreError
from flashpoint.service.ingest.feeds import FeedConfig, FeedSet, load_feeds_file, resolve_feeds
from flashpoint.service.ingest.fetch import FetchPolicy
from flashpoint.service.ingest.ratelimit import parse_rate
from flashpoint.service.ingest.rss import run_rss
from flashpoint.service.ingest.stats import IngestStats

__all__ = [
    "FeedConfig",
    "FeedConfigError",
    "FeedSet",
    "FetchPolicy",
    "IngestError",
    "IngestStats",
    "RateParseError",
    "StateStoreError",
    "load_feeds_file",
    "parse_rate",
    "resolve_feeds",
    "run_dir",
    "run_rss",
]
