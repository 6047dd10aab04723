"""Prometheus metrics of the RSS ingester (``flashpoint ingest rss`` as a service).

The ``feed`` label is the feed's ``name`` from the operator's feeds file (or the host of a bare
URL): a bounded set the operator controls, never a URL or an item. Failure reasons are the
fetcher's bounded :data:`~flashpoint.service.ingest.fetch.FetchFailure` values plus
``malformed`` and ``internal_error``. Every feed's series exist from start-up, so rules and
dashboards see zeros instead of absent series.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Literal, get_args

from prometheus_client import CollectorRegistry, Counter, Gauge

from flashpoint.service.ingest.feeds import FeedConfig
from flashpoint.service.ingest.fetch import FetchFailure

PollOutcome = Literal["ok", "not_modified", "failed"]
ItemOutcome = Literal["sent", "seen", "rejected", "dropped"]
FEED_FAILURES = (*get_args(FetchFailure), "malformed", "internal_error")
POLL_OUTCOMES: tuple[PollOutcome, ...] = get_args(PollOutcome)
ITEM_OUTCOMES: tuple[ItemOutcome, ...] = get_args(ItemOutcome)


class IngestMetrics:
    """The ingester's metrics on one registry (a fresh one per process or test)."""

    def __init__(self, registry: CollectorRegistry, feeds: Iterable[FeedConfig], *, now: float | None = None) -> None:
        self.registry = registry
        self.polls = Counter(
            "flashpoint_ingest_polls_total",
            "Feed polls, by feed and outcome (ok, not_modified, failed).",
            ["feed", "outcome"],
            registry=registry,
        )
        self.items = Counter(
            "flashpoint_ingest_items_total",
            "Feed items, by feed and outcome: sent to the broker, already seen, rejected by the wire "
            "schema, or dropped (no page and no feed text).",
            ["feed", "outcome"],
            registry=registry,
        )
        self.fetch_errors = Counter(
            "flashpoint_ingest_fetch_errors_total",
            "Failed fetches, by what was fetched (feed, page) and a bounded reason.",
            ["target", "reason"],
            registry=registry,
        )
        self.send_errors = Counter(
            "flashpoint_ingest_send_errors_total",
            "Articles the broker did not take (a failed send or flush); they are sent again next poll.",
            registry=registry,
        )
        self.last_success = Gauge(
            "flashpoint_ingest_last_success_timestamp_seconds",
            "Unix time of the feed's last successful poll (200 or 304); the process start time until then, "
            "so a feed that never answers goes stale instead of looking decades old.",
            ["feed"],
            registry=registry,
        )
        self.feed_up = Gauge(
            "flashpoint_ingest_feed_up",
            "1 if the feed's last poll succeeded (200 or 304), 0 if it failed; 1 before the first poll.",
            ["feed"],
            registry=registry,
        )
        self.poll_interval = Gauge(
            "flashpoint_ingest_poll_interval_seconds",
            "The feed's configured poll interval, in seconds (the staleness rule scales with it).",
            ["feed"],
            registry=registry,
        )
        self._up: dict[str, bool] = {}
        started = time.time() if now is None else now
        for feed in feeds:
            self._up[feed.name] = True
            for outcome in POLL_OUTCOMES:
                self.polls.labels(feed.name, outcome)
            for item_outcome in ITEM_OUTCOMES:
                self.items.labels(feed.name, item_outcome)
            self.last_success.labels(feed.name).set(started)
            self.feed_up.labels(feed.name).set(1)
            self.poll_interval.labels(feed.name).set(feed.poll_interval)
        for reason in FEED_FAILURES:
            self.fetch_errors.labels("feed", reason)
        for reason in get_args(FetchFailure):
            self.fetch_errors.labels("page", reason)

    def feed_polled(self, feed: FeedConfig, outcome: PollOutcome, *, reason: str | None = None) -> None:
        self.polls.labels(feed.name, outcome).inc()
        self._up[feed.name] = outcome != "failed"
        if outcome == "failed":
            self.feed_up.labels(feed.name).set(0)
            self.fetch_errors.labels("feed", reason or "internal_error").inc()
        else:
            self.feed_up.labels(feed.name).set(1)
            self.last_success.labels(feed.name).set(time.time())

    def page_failed(self, reason: str) -> None:
        self.fetch_errors.labels("page", reason).inc()

    def feeds_up(self) -> tuple[int, int]:
        """(feeds, feeds whose last poll succeeded or that were not polled yet)."""
        return len(self._up), sum(self._up.values())

    def send_failed(self, n: int = 1) -> None:
        self.send_errors.inc(n)

    def item(self, feed: FeedConfig, outcome: ItemOutcome, n: int = 1) -> None:
        if n:
            self.items.labels(feed.name, outcome).inc(n)
