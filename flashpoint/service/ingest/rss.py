"""Polling RSS/Atom feeds into ``articles.raw``.

One poll cycle: conditional GET of every due feed, the page of every item not seen before,
the main text of each page, then all new articles to Kafka, one flush, and only then the
durable record (seen ids, feed validators). Recording after the broker has the articles means a
crash resends a little and loses nothing; recording the validators last means a 304 can never
hide items that were parsed but not delivered.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import feedparser
from kafka.errors import KafkaError
from prometheus_client import CollectorRegistry, disable_created_metrics

from flashpoint.analysis.models import parse_raw_article
from flashpoint.errors import InvalidArticleError
from flashpoint.service.ingest.errors import IngestError, StateStoreError
from flashpoint.service.ingest.extract import extract_main_text, html_fragment_to_text
from flashpoint.service.ingest.feeds import FeedConfig, resolve_feeds
from flashpoint.service.ingest.fetch import FetchClock, FetchPolicy, FetchResult, PoliteFetcher, redact_url
from flashpoint.service.ingest.metrics import IngestMetrics
from flashpoint.service.ingest.seen import FeedValidators, SeenStore
from flashpoint.service.ingest.stats import IngestStats, StatsRecorder
from flashpoint.service.ingest.web import IngestWebServer
from flashpoint.service.producer import ArticleProducer
from flashpoint.settings import Settings

log = logging.getLogger(__name__)

ID_PREFIX = "rss:"


class ArticleSink(Protocol):
    """Where articles go: :class:`flashpoint.service.producer.ArticleProducer` in production."""

    def send(self, article: Mapping[str, Any], *, key: str | None = None) -> None: ...

    def flush(self, timeout: float = 30.0) -> None: ...


@dataclass(frozen=True, slots=True)
class FeedItem:
    """A feed entry we may send: the feed's own text is kept for when the page cannot be had."""

    id: str
    feed: FeedConfig
    link: str | None
    title: str | None
    feed_text: str | None
    published_at: str | None
    language: str | None


@dataclass(frozen=True, slots=True)
class FeedPoll:
    """The result of polling one feed: articles to send, and validators to store once sent."""

    feed: FeedConfig
    articles: tuple[tuple[str, dict[str, Any]], ...] = ()
    validators: FeedValidators | None = None


def item_id(entry: Mapping[str, Any], feed_url: str) -> str | None:
    """A stable id for a feed entry, the same on every poll and in every feed that carries it.

    A guid that is a URL, URN or tag URI is globally unique by construction and identifies the
    item across feeds (a story in both "World" and "Top stories" is sent once). A bare guid like
    ``12345`` is only unique within its feed, so the feed URL is mixed in. Without a guid the link
    identifies the item; without either, the title and date, which is the best a feed allows.
    """
    guid = _str(entry.get("id"))
    link = _str(entry.get("link"))
    if guid and ":" in guid:
        key = guid
    elif guid:
        key = f"{feed_url}\n{guid}"
    elif link:
        key = link
    else:
        title = _str(entry.get("title"))
        if not title:
            return None
        key = f"{feed_url}\n{title}\n{_str(entry.get('published')) or _str(entry.get('updated')) or ''}"
    return ID_PREFIX + hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()


def _str(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _published(entry: Mapping[str, Any]) -> str | None:
    # feedparser normalises every date format it knows to a UTC struct_time.
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                year, month, day, hour, minute, second = parsed[:6]
                return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()
            except (TypeError, ValueError):
                continue
    return None


def _feed_text(entry: Mapping[str, Any]) -> str | None:
    """The richest text the feed itself carries: full content (``content:encoded``), else summary."""
    candidates: list[str] = []
    for content in entry.get("content") or ():
        value = content.get("value") if isinstance(content, Mapping) else None
        if isinstance(value, str):
            candidates.append(value)
    summary = entry.get("summary")
    if isinstance(summary, str):
        candidates.append(summary)
    texts = [html_fragment_to_text(c) for c in candidates]
    texts = [t for t in texts if t]
    return max(texts, key=len) if texts else None


def feed_items(parsed: Any, feed: FeedConfig) -> list[FeedItem]:
    """The entries of a parsed feed as :class:`FeedItem`, oldest first (feeds list newest first)."""
    feed_language = _str(parsed.get("feed", {}).get("language"))
    items: list[FeedItem] = []
    for entry in parsed.get("entries", ()):
        identifier = item_id(entry, feed.url)
        if identifier is None:
            log.warning("feed entry without guid, link or title skipped: feed=%s", feed.name)
            continue
        link = _str(entry.get("link"))
        if link and urlsplit(link).scheme not in ("http", "https"):
            link = None
        items.append(
            FeedItem(
                id=identifier,
                feed=feed,
                link=link,
                title=_str(entry.get("title")),
                feed_text=_feed_text(entry),
                published_at=_published(entry),
                language=feed.language or feed_language,
            )
        )
    items.reverse()
    return items


class FeedPoller:
    """Polls feeds through one polite fetcher and one seen-id store."""

    def __init__(
        self,
        fetcher: PoliteFetcher,
        store: SeenStore,
        recorder: StatsRecorder,
        *,
        max_article_bytes: int,
        max_text_chars: int,
        metrics: IngestMetrics | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.store = store
        self.recorder = recorder
        self.metrics = metrics or IngestMetrics(CollectorRegistry(), ())
        self.max_article_bytes = max_article_bytes
        self.max_text_chars = max_text_chars
        # Ids fetched or sent but not yet recorded: two feeds carrying one story poll concurrently.
        self._claimed: set[str] = set()

    async def poll_cycle(self, feeds: Sequence[FeedConfig], sink: ArticleSink) -> None:
        """Poll ``feeds`` concurrently, send what is new, then record it; see the module docstring."""
        polls = await asyncio.gather(*(self._poll_isolated(feed) for feed in feeds))
        sent: list[tuple[str, str]] = []
        incomplete: set[str] = set()
        try:
            for poll in polls:
                for article_id, article in poll.articles:
                    try:
                        sink.send(article, key=article_id)
                    except KafkaError as e:
                        # e.g. larger than the broker accepts: this one waits for the next poll,
                        # the others go now.
                        self.recorder.problem("article_send_failed")
                        self.metrics.send_failed()
                        log.error("article not sent: feed=%s id=%s detail=%s: %s",
                                  poll.feed.name, article_id, type(e).__name__, str(e)[:200])
                        incomplete.add(poll.feed.url)
                        continue
                    sent.append((article_id, poll.feed.name))
            try:
                await asyncio.to_thread(sink.flush)
            except KafkaError as e:
                # Nothing is recorded: the next poll fetches the feed in full and sends these again.
                self.metrics.send_failed(len(sent))
                raise IngestError(
                    f"broker did not take {len(sent)} articles: {type(e).__name__}: {e}"
                ) from e
            self.store.mark_seen(sent)
            for poll in polls:
                # A feed with items still to send must be fetched in full next time, not get a 304.
                if poll.validators is not None and poll.feed.url not in incomplete:
                    self.store.set_validators(poll.feed.url, poll.validators)
            self.recorder.add("sent", len(sent))
            sent_by_feed = Counter(feed_name for _, feed_name in sent)
            for poll in polls:
                self.metrics.item(poll.feed, "sent", sent_by_feed[poll.feed.name])
        finally:
            # Recorded now, or to be sent again by the next poll: either way no longer in flight.
            for poll in polls:
                self._claimed.difference_update(article_id for article_id, _ in poll.articles)

    async def _poll_isolated(self, feed: FeedConfig) -> FeedPoll:
        """:meth:`poll`, with an unforeseen failure confined to its feed (a parser bug on one
        hostile feed must not silence every other feed); state-store failures still stop us."""
        try:
            return await self.poll(feed)
        except StateStoreError:
            raise
        except Exception as e:
            log.exception("feed poll crashed: feed=%s", feed.name)
            return self._feed_failed(feed, "feed_internal_error", f"{type(e).__name__}: {str(e)[:200]}")

    async def poll(self, feed: FeedConfig) -> FeedPoll:
        """Poll one feed; a broken feed is logged and counted, never raised, so others go on."""
        self.recorder.add("feeds_polled")
        validators = self.store.validators(feed.url)
        result = await self.fetcher.get(
            feed.url,
            max_bytes=self.fetcher.policy.max_feed_bytes,
            headers={
                "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
                **validators.request_headers(),
            },
        )
        if result.not_modified:
            self.recorder.add("feeds_not_modified")
            self.metrics.feed_polled(feed, "not_modified")
            log.info("feed not modified: feed=%s", feed.name)
            return FeedPoll(feed)
        if not result.ok:
            return self._feed_failed(feed, f"feed_{result.failure}", result.detail)
        parsed = await asyncio.to_thread(
            feedparser.parse,
            # A stream, never bytes: feedparser opens bytes that look like a path as a local file.
            io.BytesIO(result.body),
            response_headers={
                "content-type": result.headers.get("content-type", "application/xml"),
                "content-location": result.url,
            },
            resolve_relative_uris=True,
            sanitize_html=True,
        )
        if not parsed.get("entries") and (parsed.get("bozo") or not parsed.get("version")):
            error = parsed.get("bozo_exception")
            detail = f"{type(error).__name__}: {str(error)[:200]}" if error else "no RSS/Atom structure found"
            return self._feed_failed(feed, "feed_malformed", detail)
        if parsed.get("bozo"):
            self.recorder.problem("feed_not_well_formed")
            log.warning(
                "feed not well-formed, using the %d entries recovered: feed=%s detail=%s",
                len(parsed["entries"]), feed.name, str(parsed.get("bozo_exception"))[:200],
            )
        self.metrics.feed_polled(feed, "ok")
        new_validators = FeedValidators(
            etag=result.headers.get("etag"), last_modified=result.headers.get("last-modified")
        )
        items = feed_items(parsed, feed)
        unseen = self.store.unseen(item.id for item in items)
        fresh = [item for item in items if item.id in unseen and item.id not in self._claimed]
        self._claimed.update(item.id for item in fresh)
        self.recorder.add("skipped_seen", len(items) - len(fresh))
        self.metrics.item(feed, "seen", len(items) - len(fresh))
        log.info("feed polled: feed=%s entries=%d new=%d", feed.name, len(items), len(fresh))
        built = await asyncio.gather(*(self._article(item) for item in fresh))
        pairs = list(zip(fresh, built, strict=True))
        articles = tuple((item.id, article) for item, article in pairs if article)
        dropped = {item.id for item, article in pairs if not article}
        # Items that could not be built are released, and the feed is fetched in full next time
        # (no validators), so they are tried again rather than hidden behind a 304.
        self._claimed.difference_update(dropped)
        return FeedPoll(feed, articles=articles, validators=None if dropped else new_validators)

    def _feed_failed(self, feed: FeedConfig, reason: str, detail: str) -> FeedPoll:
        self.recorder.add("feeds_failed")
        self.recorder.problem(reason)
        self.metrics.feed_polled(feed, "failed", reason=reason.removeprefix("feed_"))
        log.error(
            "feed failed: feed=%s url=%s reason=%s detail=%s", feed.name, redact_url(feed.url), reason, detail
        )
        return FeedPoll(feed)

    async def _article(self, item: FeedItem) -> dict[str, Any] | None:
        """The wire article for ``item``: page text if we can get it, else the feed's own text."""
        text: str | None = None
        title = item.title
        failure: str | None = "no_link"
        if item.link:
            page = await self.fetcher.get(
                item.link,
                max_bytes=self.fetcher.policy.max_page_bytes,
                headers={"Accept": "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"},
                html_only=True,
                public_only=True,
                obey_robots=True,
            )
            failure, text, page_title = await self._page_text(page)
            title = title or page_title
        if text is None:
            text = item.feed_text or title
            if text is None:
                self.recorder.problem("item_empty")
                self.metrics.item(item.feed, "dropped")
                log.warning("item dropped, no page and no feed text: feed=%s id=%s reason=%s",
                            item.feed.name, item.id, failure)
                return None
            self.recorder.add("sent_with_feed_text")
            log.warning(
                "page unavailable, sending the feed's own text instead: feed=%s id=%s reason=%s",
                item.feed.name, item.id, failure,
            )
        article: dict[str, Any] = {
            "id": item.id,
            "text": text[: self.max_text_chars],
            "title": title,
            "url": item.link,
            "source": item.feed.source_label,
            "language": item.language,
            "published_at": item.published_at,
        }
        article = {k: v for k, v in article.items() if v is not None}
        try:
            parse_raw_article(article, max_bytes=self.max_article_bytes)
        except InvalidArticleError as e:
            self.recorder.add("rejected")
            self.metrics.item(item.feed, "rejected")
            self.recorder.problem(f"article_{e.reason}")
            log.warning("article not sent, fails the wire schema: feed=%s id=%s reason=%s detail=%s",
                        item.feed.name, item.id, e.reason, e.detail)
            return None
        return article

    async def _page_text(self, page: FetchResult) -> tuple[str | None, str | None, str | None]:
        """(failure reason or None, text or None, title or None) for one fetched page."""
        if not page.ok:
            self.recorder.add("pages_failed")
            if page.failure is not None:
                self.metrics.page_failed(page.failure)
            self.recorder.problem(f"page_{page.failure}")
            return page.failure, None, None
        self.recorder.add("pages_fetched")
        extracted = await asyncio.to_thread(extract_main_text, page.body, url=page.url)
        if extracted is None:
            self.recorder.problem("page_no_main_text")
            return "no_main_text", None, None
        return None, extracted.text, extracted.title


async def poll_feeds(
    feeds: Sequence[FeedConfig],
    *,
    sink: ArticleSink,
    store: SeenStore,
    policy: FetchPolicy,
    recorder: StatsRecorder,
    settings: Settings,
    once: bool,
    stop: threading.Event | None = None,
    metrics: IngestMetrics | None = None,
    serve: tuple[str, int] | None = None,
    fetch_clock: FetchClock | None = None,
) -> None:
    """Poll each feed on its own interval until ``stop`` is set (or once, with ``once``), serving
    ``/metrics`` and ``/healthz`` on ``serve`` (bind address, port) meanwhile."""
    metrics = metrics or IngestMetrics(CollectorRegistry(), feeds)
    async with PoliteFetcher(policy, clock=fetch_clock) as fetcher:
        poller = FeedPoller(
            fetcher, store, recorder, metrics=metrics,
            max_article_bytes=settings.max_article_bytes, max_text_chars=settings.max_text_chars,
        )
        polling = asyncio.ensure_future(
            asyncio.gather(*(_keep_polling(poller, feed, sink, once=once, stop=stop) for feed in feeds))
        )
        server = None
        if serve:
            # One series per counter less: `_created` doubles the series count for no dashboard or
            # rule (process-wide, and this process exposes nothing else).
            disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped in prometheus_client
            server = IngestWebServer(metrics, *serve, polling=polling)
        try:
            if server is not None:
                await server.start()
                log.info("ingest serving /metrics and /healthz: bind=%s port=%d", *serve)  # type: ignore[misc]
            await polling
        finally:
            polling.cancel()
            if server is not None:
                await server.stop()


async def _keep_polling(
    poller: FeedPoller, feed: FeedConfig, sink: ArticleSink, *, once: bool, stop: threading.Event | None
) -> None:
    """One feed on its own schedule, so a slow or large feed never delays a fast one."""

    def stopped() -> bool:
        return stop is not None and stop.is_set()

    while True:
        started = time.monotonic()
        try:
            await poller.poll_cycle([feed], sink)
        except StateStoreError:
            raise  # without a memory every poll would resend everything
        except IngestError as e:
            if once:
                raise
            log.error("poll failed, retrying on the next one: feed=%s detail=%s", feed.name, e)
        if once:
            return
        next_at = started + feed.poll_interval
        # Short naps, to notice ``stop`` promptly. ``stop`` is a threading.Event set from another
        # thread (the CLI's signal handler, a test); waiting on it in a worker thread per feed
        # would starve the pool that flushes and extracts text.
        while not stopped() and (remaining := next_at - time.monotonic()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(min(remaining, 0.5))
        if stopped():
            return


def run_rss(
    settings: Settings,
    feeds_or_urls: Iterable[str | Path | FeedConfig],
    *,
    once: bool,
    state_dir: Path,
    sink: ArticleSink | None = None,
    fetch_policy: FetchPolicy | None = None,
    stop: threading.Event | None = None,
    metrics: IngestMetrics | None = None,
    serve: tuple[str, int] | None = None,
    fetch_clock: FetchClock | None = None,
) -> IngestStats:
    """``flashpoint ingest rss``: poll feeds (URLs and/or YAML files) into ``articles.raw``.

    Runs one cycle with ``once``, else until ``stop`` is set or Ctrl-C, and returns what it did.
    Seen ids and validators live in ``state_dir``. With ``serve`` (bind address, port) it serves
    ``/metrics`` (``metrics``, or its own registry) and ``/healthz`` while it polls. ``fetch_clock``
    is the time the fetcher spaces requests to a host on (tests pass a virtual one). Raises
    :class:`FeedConfigError` for a bad feed list and :class:`IngestError` when the broker or state
    store fails in a ``once`` run.
    """
    feed_set = resolve_feeds(feeds_or_urls)
    recorder = StatsRecorder()
    own_sink = sink is None
    if sink is None:
        sink = ArticleProducer(settings)
    try:
        with SeenStore.in_dir(state_dir) as store:
            asyncio.run(
                poll_feeds(
                    feed_set.feeds,
                    sink=sink,
                    store=store,
                    policy=fetch_policy or feed_set.fetch,
                    recorder=recorder,
                    settings=settings,
                    once=once,
                    stop=stop,
                    metrics=metrics or IngestMetrics(CollectorRegistry(), feed_set.feeds),
                    serve=serve,
                    fetch_clock=fetch_clock,
                )
            )
    except KeyboardInterrupt:
        log.info("interrupted; items of an unfinished cycle are not recorded and go again next run")
    finally:
        if own_sink:
            close = getattr(sink, "close", None)
            if callable(close):
                close()
    return recorder.freeze()
