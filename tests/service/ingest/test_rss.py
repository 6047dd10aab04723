"""RSS ingest against a loopback publisher and a real Kafka-protocol broker."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from kafka.errors import KafkaTimeoutError, MessageSizeTooLargeError

from flashpoint.analysis.models import parse_raw_article
from flashpoint.service.ingest import FeedConfig, FetchPolicy, IngestError, run_rss
from flashpoint.service.ingest.fetch import FetchClock
from flashpoint.service.ingest.rss import item_id
from flashpoint.settings import Settings
from tests.service.ingest.feedkit import Item, article_page, rss
from tests.service.ingest.kafka_readback import read_topic
from tests.service.ingest.local_publisher import LocalPublisher, Route

STORY = "Troops massed near the northern border on Tuesday, officials said."


def _publish_feed(pub: LocalPublisher, path: str, items: list[Item], **route: Any) -> None:
    pub.routes[path] = Route(body=rss(items), content_type="application/rss+xml", **route)


def _story(pub: LocalPublisher, n: int, **route: Any) -> Item:
    """A story page on the publisher and its feed item (guid = link, as most publishers do)."""
    path = f"/news/story-{n}.html"
    pub.routes[path] = Route(body=article_page(f"Headline {n}", f"Story {n}. {STORY}"), **route)
    link = pub.url(path)
    return Item(guid=link, title=f"Headline {n}", link=link, summary=f"Summary of story {n}.")


def test_new_items_arrive_in_kafka_once_with_page_text_source_and_time(
    publisher: LocalPublisher, kafka_settings: Settings, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    items = [_story(publisher, n) for n in range(3)]
    _publish_feed(publisher, "/feed.xml", items)
    feed = FeedConfig(name="wire", url=publisher.url("/feed.xml"), source="test-wire", language="en")

    stats = run_rss(kafka_settings, [feed], once=True, state_dir=tmp_path, fetch_policy=fast_policy)

    assert (stats.sent, stats.pages_fetched, stats.sent_with_feed_text) == (3, 3, 0)
    articles = [parse_raw_article(v, max_bytes=10**6) for v in read_topic(kafka_settings, expect=3)]
    assert len(articles) == 3
    assert {a.id for a in articles} == {item_id({"id": i.guid}, feed.url) for i in items}
    first = next(a for a in articles if a.title == "Headline 0")
    assert first.source == "test-wire" and first.language == "en"
    assert first.url == items[0].link
    assert first.published_at is not None and first.published_at.isoformat() == "2026-11-24T10:00:00+00:00"
    assert first.text is not None and "Story 0. Troops massed" in first.text
    assert "Most read" not in first.text  # the sidebar is not part of the story


def test_a_repoll_after_restart_sends_nothing_and_fetches_no_page_again(
    publisher: LocalPublisher, kafka_settings: Settings, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    items = [_story(publisher, n) for n in range(2)]
    _publish_feed(publisher, "/feed.xml", items)  # no validators: the seen store alone must dedup
    urls = [publisher.url("/feed.xml")]

    first = run_rss(kafka_settings, urls, once=True, state_dir=tmp_path, fetch_policy=fast_policy)
    second = run_rss(kafka_settings, urls, once=True, state_dir=tmp_path, fetch_policy=fast_policy)

    assert (first.sent, second.sent, second.skipped_seen) == (2, 0, 2)
    assert publisher.hits["/news/story-0.html"] == 1
    assert len(read_topic(kafka_settings, expect=2)) == 2


def test_only_the_new_item_is_sent_when_a_feed_grows(
    publisher: LocalPublisher, kafka_settings: Settings, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    items = [_story(publisher, 0)]
    _publish_feed(publisher, "/feed.xml", items)
    urls = [publisher.url("/feed.xml")]
    run_rss(kafka_settings, urls, once=True, state_dir=tmp_path, fetch_policy=fast_policy)

    _publish_feed(publisher, "/feed.xml", [_story(publisher, 1), *items])
    stats = run_rss(kafka_settings, urls, once=True, state_dir=tmp_path, fetch_policy=fast_policy)

    assert (stats.sent, stats.skipped_seen) == (1, 1)
    titles = [json.loads(v)["title"] for v in read_topic(kafka_settings, expect=2)]
    assert titles == ["Headline 0", "Headline 1"]


def test_a_304_is_honoured_on_the_next_poll(
    publisher: LocalPublisher, kafka_settings: Settings, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    _publish_feed(
        publisher, "/feed.xml", [_story(publisher, 0)],
        etag='"v1"', last_modified="Tue, 24 Nov 2026 10:00:00 GMT",
    )
    urls = [publisher.url("/feed.xml")]

    first = run_rss(kafka_settings, urls, once=True, state_dir=tmp_path, fetch_policy=fast_policy)
    second = run_rss(kafka_settings, urls, once=True, state_dir=tmp_path, fetch_policy=fast_policy)

    assert (first.sent, first.feeds_not_modified) == (1, 0)
    assert (second.sent, second.feeds_not_modified, second.skipped_seen) == (0, 1, 0)
    assert publisher.not_modified["/feed.xml"] == 1
    assert publisher.hits["/news/story-0.html"] == 1


def test_a_slow_page_is_cut_off_with_a_logged_reason_and_the_item_goes_out_with_its_summary(
    publisher: LocalPublisher,
    kafka_settings: Settings,
    fast_policy: FetchPolicy,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _publish_feed(publisher, "/feed.xml", [_story(publisher, 0, delay=2.0)])
    caplog.set_level(logging.WARNING, logger="flashpoint.service.ingest")

    started = time.monotonic()
    stats = run_rss(kafka_settings, [publisher.url("/feed.xml")], once=True, state_dir=tmp_path,
                    fetch_policy=fast_policy)

    assert time.monotonic() - started < 2.0
    assert (stats.sent, stats.pages_failed, stats.sent_with_feed_text) == (1, 1, 1)
    assert stats.problems["page_timeout"] == 1
    assert "reason=timeout" in caplog.text and "story-0.html" in caplog.text
    assert "sending the feed's own text instead" in caplog.text
    (value,) = read_topic(kafka_settings, expect=1)
    assert json.loads(value)["text"] == "Summary of story 0."


def test_a_huge_page_is_cut_off_at_the_byte_limit_with_a_logged_reason(
    publisher: LocalPublisher,
    kafka_settings: Settings,
    fast_policy: FetchPolicy,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _publish_feed(publisher, "/feed.xml", [_story(publisher, 0, stream_bytes=50_000_000)])
    caplog.set_level(logging.WARNING, logger="flashpoint.service.ingest")

    started = time.monotonic()
    stats = run_rss(kafka_settings, [publisher.url("/feed.xml")], once=True, state_dir=tmp_path,
                    fetch_policy=fast_policy)

    assert time.monotonic() - started < 3.0
    assert (stats.sent, stats.sent_with_feed_text) == (1, 1)
    assert stats.problems["page_too_large"] == 1
    assert "reason=too_large" in caplog.text and "limit 200000 bytes" in caplog.text
    (value,) = read_topic(kafka_settings, expect=1)
    assert json.loads(value)["text"] == "Summary of story 0."


def test_a_malformed_or_missing_feed_is_reported_and_does_not_stop_the_others(
    publisher: LocalPublisher,
    kafka_settings: Settings,
    fast_policy: FetchPolicy,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    publisher.routes["/broken.xml"] = Route(body=b"<html><body>We moved!", content_type="text/html")
    _publish_feed(publisher, "/good.xml", [_story(publisher, 0)])
    urls = [publisher.url(p) for p in ("/broken.xml", "/gone.xml", "/good.xml")]

    stats = run_rss(kafka_settings, urls, once=True, state_dir=tmp_path, fetch_policy=fast_policy)

    assert (stats.feeds_polled, stats.feeds_failed, stats.sent) == (3, 2, 1)
    assert stats.problems["feed_malformed"] == 1 and stats.problems["feed_http_error"] == 1
    assert "feed failed" in caplog.text and "reason=feed_malformed" in caplog.text
    assert len(read_topic(kafka_settings, expect=1)) == 1


def test_a_story_in_two_feeds_is_sent_once(
    publisher: LocalPublisher, kafka_settings: Settings, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    story = _story(publisher, 0)
    _publish_feed(publisher, "/world.xml", [story])
    _publish_feed(publisher, "/top.xml", [story])
    urls = [publisher.url("/world.xml"), publisher.url("/top.xml")]

    stats = run_rss(kafka_settings, urls, once=True, state_dir=tmp_path, fetch_policy=fast_policy)

    assert stats.sent == 1
    assert len(read_topic(kafka_settings, expect=1)) == 1


def test_requests_carry_the_configured_user_agent(
    publisher: LocalPublisher, kafka_settings: Settings, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    _publish_feed(publisher, "/feed.xml", [_story(publisher, 0)])
    policy = dataclasses.replace(fast_policy, user_agent="flashpoint-test/1")

    run_rss(kafka_settings, [publisher.url("/feed.xml")], once=True, state_dir=tmp_path, fetch_policy=policy)

    assert publisher.hits["/robots.txt"] == 1
    assert publisher.user_agents == ["flashpoint-test/1"] * 3  # feed, robots.txt, page


class VirtualClock:
    """The fetcher's clock: time moves only when the fetcher sleeps, so the schedule it keeps is
    what the test sees, however long the machine takes to answer a request."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)  # still a suspension point, as the real sleep is


def test_requests_to_one_host_are_spaced_by_the_per_host_delay(
    publisher: LocalPublisher, kafka_settings: Settings, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    _publish_feed(publisher, "/feed.xml", [_story(publisher, n) for n in range(3)])
    policy = dataclasses.replace(fast_policy, per_host_delay=0.2)
    clock = VirtualClock()

    stats = run_rss(kafka_settings, [publisher.url("/feed.xml")], once=True, state_dir=tmp_path,
                    fetch_policy=policy, fetch_clock=FetchClock(clock.monotonic, clock.sleep))

    assert stats.sent == 3
    assert sum(publisher.hits.values()) == 5  # feed, robots.txt, three pages
    # The first request goes at once; each of the other four waits out the delay after the one
    # before it. Without the spacing there is no wait at all.
    assert clock.sleeps == pytest.approx([0.2] * 4)
    assert clock.now - 1000.0 == pytest.approx(0.8)


def test_a_running_poller_repolls_on_its_interval_and_sends_each_item_once(
    publisher: LocalPublisher, kafka_settings: Settings, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    _publish_feed(publisher, "/feed.xml", [_story(publisher, 0)])
    feed = FeedConfig(name="wire", url=publisher.url("/feed.xml"), poll_interval=1.0)
    stop = threading.Event()
    timer = threading.Timer(2.5, stop.set)
    timer.start()

    stats = run_rss(
        kafka_settings, [feed], once=False, state_dir=tmp_path, fetch_policy=fast_policy, stop=stop
    )

    timer.cancel()
    assert stats.feeds_polled >= 2 and publisher.hits["/feed.xml"] >= 2
    assert (stats.sent, publisher.hits["/news/story-0.html"]) == (1, 1)
    assert len(read_topic(kafka_settings, expect=1)) == 1


def test_item_links_to_private_addresses_are_not_fetched_by_default(
    publisher: LocalPublisher, kafka_settings: Settings, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    _publish_feed(publisher, "/feed.xml", [_story(publisher, 0)])
    policy = dataclasses.replace(fast_policy, allow_private_pages=False)

    stats = run_rss(kafka_settings, [publisher.url("/feed.xml")], once=True, state_dir=tmp_path,
                    fetch_policy=policy)

    assert publisher.hits["/news/story-0.html"] == 0
    assert (stats.sent, stats.sent_with_feed_text, stats.problems["page_private_address"]) == (1, 1, 1)


def test_redirects_are_followed_to_the_page_and_a_loop_is_cut_off(
    publisher: LocalPublisher, kafka_settings: Settings, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    story = _story(publisher, 0)
    publisher.routes["/r/0"] = Route(redirect_to="/news/story-0.html")
    publisher.routes["/loop"] = Route(redirect_to="/loop")
    moved = dataclasses.replace(story, link=publisher.url("/r/0"))
    looping = Item(guid="urn:loop", title="Loop", link=publisher.url("/loop"), summary="Loop summary.")
    _publish_feed(publisher, "/feed.xml", [moved, looping])

    stats = run_rss(kafka_settings, [publisher.url("/feed.xml")], once=True, state_dir=tmp_path,
                    fetch_policy=fast_policy)

    assert (stats.sent, stats.pages_fetched, stats.problems["page_too_many_redirects"]) == (2, 1, 1)
    texts = {json.loads(v)["title"]: json.loads(v)["text"] for v in read_topic(kafka_settings, expect=2)}
    assert "Story 0. Troops massed" in texts["Headline 0"] and texts["Loop"] == "Loop summary."


def test_pages_closed_by_robots_txt_are_not_fetched_and_go_out_with_the_feed_text(
    publisher: LocalPublisher, kafka_settings: Settings, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    publisher.routes["/robots.txt"] = Route(
        body=b"User-agent: otherbot\nDisallow: /\n\nUser-agent: flashpoint\nDisallow: /news/\n",
        content_type="text/plain",
    )
    _publish_feed(publisher, "/feed.xml", [_story(publisher, 0), _story(publisher, 1)])

    stats = run_rss(kafka_settings, [publisher.url("/feed.xml")], once=True, state_dir=tmp_path,
                    fetch_policy=fast_policy)

    assert publisher.hits["/robots.txt"] == 1  # asked once per origin, however many pages
    assert publisher.hits["/news/story-0.html"] == publisher.hits["/news/story-1.html"] == 0
    assert (stats.sent, stats.sent_with_feed_text, stats.problems["page_robots_disallowed"]) == (2, 2, 2)


class FlakySink:
    """Records articles; refuses titles in ``refuse`` at send, or every flush while ``broker_down``."""

    def __init__(self, refuse: set[str] | None = None, *, broker_down: bool = False) -> None:
        self.refuse = refuse or set()
        self.broker_down = broker_down
        self.sent: list[dict[str, Any]] = []

    def send(self, article: Mapping[str, Any], *, key: str | None = None) -> None:
        if article.get("title") in self.refuse:
            raise MessageSizeTooLargeError("bigger than max.request.size")
        self.sent.append(dict(article))

    def flush(self, timeout: float = 30.0) -> None:
        if self.broker_down:
            raise KafkaTimeoutError("flush timed out")


def test_an_article_the_broker_refuses_is_retried_next_poll_while_the_others_go(
    publisher: LocalPublisher, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    _publish_feed(publisher, "/feed.xml", [_story(publisher, 0), _story(publisher, 1)], etag='"v1"')
    urls = [publisher.url("/feed.xml")]
    sink = FlakySink(refuse={"Headline 1"})

    first = run_rss(Settings(), urls, once=True, state_dir=tmp_path, fetch_policy=fast_policy, sink=sink)
    sink.refuse.clear()
    second = run_rss(Settings(), urls, once=True, state_dir=tmp_path, fetch_policy=fast_policy, sink=sink)

    assert (first.sent, first.problems["article_send_failed"]) == (1, 1)
    assert publisher.not_modified["/feed.xml"] == 0  # validators were held back
    assert (second.sent, second.skipped_seen) == (1, 1)
    assert [a["title"] for a in sink.sent] == ["Headline 0", "Headline 1"]


def test_when_the_broker_does_not_take_a_batch_nothing_is_recorded_and_all_is_resent(
    publisher: LocalPublisher, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    _publish_feed(publisher, "/feed.xml", [_story(publisher, 0)], etag='"v1"')
    urls = [publisher.url("/feed.xml")]

    with pytest.raises(IngestError, match="broker did not take 1 articles"):
        run_rss(Settings(), urls, once=True, state_dir=tmp_path, fetch_policy=fast_policy,
                sink=FlakySink(broker_down=True))
    stats = run_rss(Settings(), urls, once=True, state_dir=tmp_path, fetch_policy=fast_policy,
                    sink=FlakySink())

    assert stats.sent == 1 and publisher.not_modified["/feed.xml"] == 0


def test_no_more_requests_than_the_per_host_limit_are_in_flight_to_one_host(
    publisher: LocalPublisher, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    _publish_feed(publisher, "/feed.xml", [_story(publisher, n, delay=0.15) for n in range(4)])
    policy = dataclasses.replace(fast_policy, per_host_concurrency=2)

    stats = run_rss(Settings(), [publisher.url("/feed.xml")], once=True, state_dir=tmp_path,
                    fetch_policy=policy, sink=FlakySink())

    assert stats.pages_fetched == 4
    assert publisher.max_in_flight == 2
