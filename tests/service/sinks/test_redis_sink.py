"""RedisAlertSink against the real Redis: idempotent writes, story dedup, updates, surges, retries."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
import redis.asyncio as aioredis
from prometheus_client import CollectorRegistry

from flashpoint.devenv.broker import free_port
from flashpoint.devenv.processes import RedisServer, redis_answers
from flashpoint.service.metrics import FlashpointMetrics
from flashpoint.service.records import AnalyzedArticle
from flashpoint.service.sinks.redis_sink import RedisAlertSink
from flashpoint.service.stories import StorySignature
from flashpoint.service.subscribe import AlertFilter, follow_alerts
from flashpoint.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/0"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TEXT = (
    "A thousand Afghan soldiers took shelter in Tajikistan overnight after fighting in northeastern "
    "Afghanistan with the Taliban, which continues to gain ground. Tajikistan mobilized 20,000 "
    "reservists to strengthen the border, while Moscow announced the temporary closure of one of its "
    "consulates in northern Afghanistan due to the deterioration of the situation on the border."
)

pytestmark = pytest.mark.skipif(not redis_answers(REDIS_URL), reason="needs Redis on 127.0.0.1:6379")


def analysis(article_id: str, *, kinds: tuple[str, ...] = ("desertion",), severity: str = "urgent",
             text: str = TEXT) -> AnalyzedArticle:
    return AnalyzedArticle(
        id=article_id, title="Afghan soldiers flee", url=f"https://e.org/{article_id}", source="test",
        severity=severity,  # type: ignore[arg-type]  # the tests pass valid tiers
        primary_country="AF", countries=("AF", "TJ"), topics=("conflict",),
        signals=tuple({"kind": k, "country": "AF", "modality": "asserted",
                       "evidence": {"start": 0, "end": 4, "text": "A th"}} for k in kinds),
        signature=StorySignature.of(text) if severity != "none" else None,
    )


def sink_settings(prefix: str, **overrides: Any) -> Settings:
    return Settings(_env_file=None, redis_key_prefix=prefix, **overrides)


@pytest.fixture
async def sink() -> AsyncIterator[RedisAlertSink]:
    prefix = f"flashpoint-test:{uuid.uuid4().hex[:8]}:"
    client = aioredis.Redis.from_url(REDIS_URL, decode_responses=True)
    s = RedisAlertSink(client, sink_settings(prefix), metrics=FlashpointMetrics(CollectorRegistry()))
    yield s
    keys = [k async for k in client.scan_iter(f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await s.close()


async def stream(sink: RedisAlertSink) -> list[dict[str, Any]]:
    return [json.loads(f["alert"]) for _i, f in await sink.redis.xrange(sink.keys.alerts)]


async def test_first_article_writes_one_alert_to_stream_story_and_country_stream(sink: RedisAlertSink) -> None:
    result = await sink.publish(analysis("a1"), NOW)
    assert result.decision == "new"
    assert result.alert is not None
    assert [a["id"] for a in await stream(sink)] == [result.alert["id"]]
    assert await sink.redis.xlen(sink.keys.country_alerts("AF")) == 1
    hot = await sink.hot_stories("AF")
    assert hot[0]["story_id"] == result.story_id


async def test_replaying_the_same_article_writes_nothing(sink: RedisAlertSink) -> None:
    await sink.publish(analysis("a1"), NOW)
    replay = await sink.publish(analysis("a1"), NOW)
    assert replay.decision == "replay"
    assert len(await stream(sink)) == 1


async def test_reprints_under_other_ids_join_the_story_without_alerting(sink: RedisAlertSink) -> None:
    first = await sink.publish(analysis("a1"), NOW)
    for n in range(4):
        result = await sink.publish(analysis(f"reprint-{n}"), NOW)
        assert (result.decision, result.story_id) == ("reprint", first.story_id)
    assert len(await stream(sink)) == 1
    story = await sink.redis.hgetall(sink.keys.story(str(first.story_id)))
    assert story["reprints"] == "4"


async def test_a_new_signal_kind_for_the_story_is_an_update_alert(sink: RedisAlertSink) -> None:
    first = await sink.publish(analysis("a1"), NOW)
    update = await sink.publish(analysis("a2", kinds=("desertion", "mobilization")), NOW)
    assert update.decision == "update"
    assert update.story_id == first.story_id
    alerts = await stream(sink)
    assert [a["type"] for a in alerts] == ["new", "update"]
    assert alerts[1]["version"] == 2


async def test_unrelated_story_gets_its_own_alert(sink: RedisAlertSink) -> None:
    await sink.publish(analysis("a1"), NOW)
    other = analysis("b1", text="The central bank raised interest rates on Thursday citing inflation "
                                 "in services and a tight labour market, and more increases are likely.")
    assert (await sink.publish(other, NOW)).decision == "new"
    assert len(await stream(sink)) == 2


async def test_articles_without_severity_are_not_alerts(sink: RedisAlertSink) -> None:
    assert (await sink.publish(analysis("n1", severity="none", kinds=()), NOW)).decision == "skipped"
    assert await stream(sink) == []


async def test_a_surge_is_written_once_per_country_kind_and_window(sink: RedisAlertSink) -> None:
    surge = {"id": "surge-1", "primary_country": "AF", "kind": "desertion", "severity": "urgent",
             "type": "surge"}
    assert await sink.publish_surge(surge, window_start=600) is True
    assert await sink.publish_surge(surge, window_start=600) is False
    assert await sink.publish_surge(surge, window_start=1200) is True
    assert len(await stream(sink)) == 2


async def test_publish_waits_for_redis_and_succeeds_when_it_comes_back() -> None:
    port = free_port()
    client = aioredis.Redis.from_url(f"redis://127.0.0.1:{port}/0", decode_responses=True,
                                     socket_connect_timeout=0.5)
    metrics = FlashpointMetrics(CollectorRegistry())
    sink = RedisAlertSink(client, sink_settings("flashpoint-test:outage:", redis_retry_max_seconds=0.5),
                          metrics=metrics)
    task = asyncio.create_task(sink.publish(analysis("o1"), NOW))
    await asyncio.sleep(1.5)
    assert not task.done()
    assert metrics.sink_up._value.get() == 0
    server = await asyncio.to_thread(RedisServer(port=port).start)
    try:
        result = await asyncio.wait_for(task, timeout=15)
        assert result.decision == "new"
        assert metrics.sink_up._value.get() == 1
        assert metrics.sink_retries.labels("publish")._value.get() >= 1
    finally:
        await sink.close()
        server.stop()


def test_a_stopped_consumer_group_catches_up_on_what_it_missed() -> None:
    prefix = f"flashpoint-test:{uuid.uuid4().hex[:8]}:"
    settings = sink_settings(prefix)
    import redis as sync_redis

    client = sync_redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        stream_key = f"{prefix}alerts"
        client.xgroup_create(stream_key, "desk", id="$", mkstream=True)
        for n in range(5):
            alert = {"id": f"x{n}", "severity": "urgent", "primary_country": "AF", "countries": ["AF"],
                     "signal_kinds": ["desertion"]}
            client.xadd(stream_key, {"alert": json.dumps(alert)})
        # The group was "offline" while the five alerts arrived; it now reads all of them, once.
        got = list(follow_alerts(settings, AlertFilter(), group="desk", count=5, idle_timeout=2))
        assert [a["id"] for a in got] == [f"x{n}" for n in range(5)]
        again = list(follow_alerts(settings, AlertFilter(), group="desk", count=1, idle_timeout=1.5))
        assert again == []
    finally:
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


async def test_live_subscribers_receive_the_alert_on_the_global_and_country_channels(sink: RedisAlertSink) -> None:
    pubsub = sink.redis.pubsub()
    await pubsub.subscribe(sink.keys.alerts, sink.keys.country_alerts("AF"))
    try:
        for _ in range(2):  # the subscribe confirmations
            await pubsub.get_message(timeout=1.0)
        await sink.publish(analysis("live-1"), NOW)
        received = []
        for _ in range(2):
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=2.0)
            assert message is not None
            received.append((message["channel"], json.loads(message["data"])["article_id"]))
    finally:
        await pubsub.aclose()
    assert sorted(received) == sorted([(sink.keys.alerts, "live-1"), (sink.keys.country_alerts("AF"), "live-1")])


async def test_two_workers_writing_copies_of_a_new_story_at_once_give_one_alert(sink: RedisAlertSink) -> None:
    other_client = aioredis.Redis.from_url(REDIS_URL, decode_responses=True)
    other = RedisAlertSink(other_client, sink_settings(sink.keys.prefix),
                           metrics=FlashpointMetrics(CollectorRegistry()))
    try:
        rng = random.Random(7)
        words = TEXT.split()
        for round_ in range(5):  # several races, so an interleaving that would break it shows up
            text = " ".join(rng.choice(words) + str(rng.randrange(1000)) for _ in range(60))  # a new story
            results = await asyncio.gather(sink.publish(analysis(f"w1-{round_}", text=text), NOW),
                                           other.publish(analysis(f"w2-{round_}", text=text), NOW))
            assert sorted(r.decision for r in results) == ["new", "reprint"]
            assert results[0].story_id == results[1].story_id
    finally:
        await other.close()


async def test_a_write_whose_story_changed_meanwhile_is_decided_again(sink: RedisAlertSink) -> None:
    first = await sink.publish(analysis("a1"), NOW)
    story_key = sink.keys.story(str(first.story_id))
    reads = 0
    original = sink._find_story

    async def find_then_change(*args: Any) -> Any:
        nonlocal reads
        found = await original(*args)
        reads += 1
        if reads == 1:  # another worker raises the story's version between our read and write
            await sink.redis.hincrby(story_key, "version", 1)
        return found

    sink._find_story = find_then_change  # type: ignore[method-assign]
    update = await sink.publish(analysis("a2", kinds=("desertion", "mobilization")), NOW)
    assert reads == 2
    assert (update.decision, update.alert and update.alert["version"]) == ("update", 3)


async def test_two_different_articles_under_one_id_give_two_alerts(sink: RedisAlertSink) -> None:
    afghan = replace(analysis("report"), content_hash="afghan")
    other_text = ("Mali's junta ordered the mobilization of 5,000 reservists after jihadist fighters seized "
                  "three towns in the Mopti region, and the capital's airport was closed to civilian flights.")
    mali = replace(analysis("report", text=other_text), content_hash="mali", primary_country="ML")
    assert (await sink.publish(afghan, NOW)).decision == "new"
    assert (await sink.publish(mali, NOW)).decision == "new"
    assert [a["article_id"] for a in await stream(sink)] == ["report", "report"]


async def test_the_same_article_under_its_id_and_content_is_still_a_replay(sink: RedisAlertSink) -> None:
    first = replace(analysis("report"), content_hash="same")
    await sink.publish(first, NOW)
    assert (await sink.publish(first, NOW)).decision == "replay"
