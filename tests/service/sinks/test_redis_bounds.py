"""Redis stays bounded: after 10,000 articles every key the sink writes has a TTL or belongs to a
family whose size is capped on write, and the caps hold.

The articles go through the sink itself (the worker's publishing path without Kafka), with small
caps so that 10,000 articles overflow every one of them: new stories, reprints, updates and
surges, in 40 countries.
"""

from __future__ import annotations

import asyncio
import fnmatch
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as aioredis
from prometheus_client import CollectorRegistry

from flashpoint.devenv.processes import redis_answers
from flashpoint.service.metrics import FlashpointMetrics
from flashpoint.service.records import AnalyzedArticle
from flashpoint.service.sinks.keys import RedisKeys
from flashpoint.service.sinks.publisher_homes import PublisherHomeStore
from flashpoint.service.sinks.redis_sink import RedisAlertSink
from flashpoint.service.stories import StorySignature
from flashpoint.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/0"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not redis_answers(REDIS_URL), reason="needs Redis on 127.0.0.1:6379")]

ARTICLES = 10_000
COUNTRIES = [f"{a}{b}" for a in "ABCDEFGH" for b in "QRSTU"]  # 40 codes
WORDS = [f"w{n}" for n in range(3000)]
# Every key family the sink and the publisher homes write: (pattern, bounded by)
FAMILIES = {
    "alerts": "cap",
    "alerts:country:*": "cap+ttl",
    "story:*": "ttl",
    "stories:recent": "cap",
    "stories:country:*": "cap+ttl",
    "article:*": "ttl",
    "lsh:*": "ttl",
    "surge:*": "ttl",
    "publisher:*": "ttl",
}


def family_patterns(keys: RedisKeys) -> dict[str, str]:
    """The families, written with the sink's own key builders (so a renamed key fails here)."""
    patterns = {
        keys.alerts: "alerts", keys.country_alerts("*"): "alerts:country:*", keys.story("*"): "story:*",
        keys.recent: "stories:recent", keys.country_recent("*"): "stories:country:*",
        keys.article("*", "*").replace("*:*", "*"): "article:*", keys.band("*"): "lsh:*",
        keys.surge("*", "*", 0).rsplit(":", 3)[0] + ":*": "surge:*", keys.publisher("*"): "publisher:*",
    }
    assert set(patterns.values()) == set(FAMILIES)
    return patterns


@pytest.fixture
async def sink() -> AsyncIterator[RedisAlertSink]:
    prefix = f"flashpoint-test:bounds-{uuid.uuid4().hex[:8]}:"
    settings = Settings(_env_file=None, redis_key_prefix=prefix, redis_stream_maxlen=1_000,
                        redis_stories_recent_max=500, redis_stories_country_max=50, dedup_ttl_seconds=3_600)
    client = aioredis.Redis.from_url(REDIS_URL, decode_responses=True)
    s = RedisAlertSink(client, settings, metrics=FlashpointMetrics(CollectorRegistry()))
    s.settings_for_test = settings  # type: ignore[attr-defined]
    yield s
    keys = [k async for k in client.scan_iter(f"{prefix}*", count=1000)]
    for start in range(0, len(keys), 1000):
        await client.unlink(*keys[start:start + 1000])
    await s.close()


def article(n: int, rng: random.Random, stories: list[str]) -> AnalyzedArticle:
    if stories and rng.random() < 0.3:  # a reprint or an update of an earlier story
        text = rng.choice(stories)
        kinds = rng.choice([("desertion",), ("desertion", "mobilization")])
    else:
        text = " ".join(rng.choice(WORDS) for _ in range(80))
        stories.append(text)
        kinds = (rng.choice(["desertion", "air_strike", "coup"]),)
    country = rng.choice(COUNTRIES)
    return AnalyzedArticle(
        id=f"a{n}", severity=rng.choice(["routine", "urgent", "flash"]), title=f"Story {n}", primary_country=country,
        countries=(country,), signature=StorySignature.of(text), content_hash=f"h{n}",
        signals=tuple({"kind": k, "country": country, "modality": "asserted",
                       "evidence": {"start": 0, "end": 2, "text": "w1"}} for k in kinds),
    )


async def test_after_10000_articles_every_key_has_a_ttl_or_a_capped_family(sink: RedisAlertSink) -> None:
    settings: Settings = sink.settings_for_test  # type: ignore[attr-defined]
    rng, stories = random.Random(23), []
    start = datetime(2026, 12, 7, tzinfo=UTC)
    batch = []
    for n in range(ARTICLES):
        batch.append(sink.publish(article(n, rng, stories), start + timedelta(seconds=n)))
        if len(batch) == 25:  # 25 at a time, as a few workers would: round trips overlap
            await asyncio.gather(*batch)
            batch = []
        if n % 500 == 0:
            surge = {"id": f"surge-{n}", "primary_country": rng.choice(COUNTRIES), "kind": "coup",
                     "severity": "urgent", "type": "surge"}
            await sink.publish_surge(surge, window_start=n)
    await asyncio.gather(*batch)
    homes = PublisherHomeStore(sink.redis, settings)
    await homes.add({f"paper{n}.example": {"articles": 1, "c:AQ": 1} for n in range(20)})
    await sink.trim_country_streams()

    redis, patterns = sink.redis, family_patterns(sink.keys)
    unknown, with_ttl = [], []
    async for key in redis.scan_iter(f"{sink.keys.prefix}*", count=1000):
        family = next((f for p, f in patterns.items() if fnmatch.fnmatchcase(key, p)), None)
        if family is None:
            unknown.append(key)
        elif "ttl" in FAMILIES[family]:
            with_ttl.append(key)
    assert unknown == []
    unbounded = []
    for start in range(0, len(with_ttl), 1000):  # one round trip per thousand keys, not per key
        chunk = with_ttl[start:start + 1000]
        read = redis.pipeline(transaction=False)
        for key in chunk:
            read.ttl(key)
        unbounded += [key for key, ttl in zip(chunk, await read.execute(), strict=True) if ttl <= 0]
    assert unbounded[:10] == []

    assert await redis.zcard(sink.keys.recent) <= settings.redis_stories_recent_max
    countries = [k async for k in redis.scan_iter(sink.keys.country_recent("*"))]
    assert countries and all([await redis.zcard(k) <= settings.redis_stories_country_max for k in countries])
    main = await redis.xlen(sink.keys.alerts)
    assert 0 < main <= settings.redis_stream_maxlen + 200  # MAXLEN ~ trims whole nodes of 100
    country_streams = [k async for k in redis.scan_iter(sink.keys.country_alerts("*"))]
    assert sum([await redis.xlen(k) for k in country_streams]) <= main  # one cap for them all


async def test_old_entries_leave_the_streams_and_sorted_sets_by_age(sink: RedisAlertSink) -> None:
    settings: Settings = sink.settings_for_test  # type: ignore[attr-defined]
    rng, stories = random.Random(5), []
    long_ago = datetime.now(UTC) - timedelta(seconds=settings.dedup_ttl_seconds * 3)
    old = article(1, rng, stories)
    await sink.publish(old, long_ago)
    new = article(2, rng, [])
    await sink.publish(new, datetime.now(UTC))
    recent = await sink.redis.zrange(sink.keys.recent, 0, -1)
    assert len(recent) == 1  # the old story's id was trimmed by age when the new one was written
