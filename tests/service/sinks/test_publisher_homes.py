"""Publisher homes pooled in the real Redis: shared between workers, kept across restarts."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from flashpoint.analysis.models import RegionTags, SubdivisionTag
from flashpoint.analysis.sources import SourceProfiles
from flashpoint.devenv.broker import free_port
from flashpoint.devenv.processes import redis_answers
from flashpoint.service.sinks.publisher_homes import PublisherHomeStore, load_publisher_homes, sync_publisher_homes
from flashpoint.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/0"
pytestmark = pytest.mark.skipif(not redis_answers(REDIS_URL), reason="needs Redis on 127.0.0.1:6379")

LOUISIANA_STORY = RegionTags(primary_country="US", subdivisions=(SubdivisionTag("US-LA", "Louisiana", "US", 1, ()),))


def settings_for(prefix: str, redis_url: str = REDIS_URL) -> Settings:
    return Settings(_env_file=None, redis_key_prefix=prefix, redis_url=redis_url, source_profile_ttl_days=1)


@pytest.fixture
async def store() -> AsyncIterator[PublisherHomeStore]:
    prefix = f"flashpoint-test:{uuid.uuid4().hex[:8]}:"
    client = aioredis.Redis.from_url(REDIS_URL, decode_responses=True)
    yield PublisherHomeStore(client, settings_for(prefix))
    keys = [k async for k in client.scan_iter(f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_two_workers_pool_what_they_read(store: PublisherHomeStore) -> None:
    first, second = SourceProfiles(min_articles=3), SourceProfiles(min_articles=3)
    first.observe("thetowntalk.com", LOUISIANA_STORY)
    first.observe("thetowntalk.com", LOUISIANA_STORY)
    second.observe("thetowntalk.com", LOUISIANA_STORY)
    assert first.profile("thetowntalk.com") is None and second.profile("thetowntalk.com") is None
    await sync_publisher_homes(first, store)
    await sync_publisher_homes(second, store)  # adds its one to the first's two, reads back all three
    await sync_publisher_homes(first, store)  # nothing new, but reads the second's story
    for learner in (first, second):
        profile = learner.profile("thetowntalk.com")
        assert profile is not None and (profile.country, profile.subdivisions, profile.articles) == (
            "US", ("US-LA",), 3)
    fields = await store.redis.hgetall(store.key("thetowntalk.com"))
    assert fields == {"articles": "3", "c:US": "3", "s:US-LA": "3"}
    assert 0 < await store.redis.ttl(store.key("thetowntalk.com")) <= 86_400


async def test_a_restarted_worker_starts_knowing_its_papers(store: PublisherHomeStore) -> None:
    before = SourceProfiles(min_articles=3)
    for _ in range(4):
        before.observe("thetowntalk.com", LOUISIANA_STORY)
    await sync_publisher_homes(before, store)
    after = SourceProfiles(min_articles=3)  # a new process
    assert after.profile("thetowntalk.com") is None
    assert load_publisher_homes(after, settings_for(store.keys.prefix)) == 1
    profile = after.profile("thetowntalk.com")
    assert profile is not None and profile.subdivisions == ("US-LA",) and profile.articles == 4


async def test_stories_read_while_sharing_are_not_lost_or_counted_twice(store: PublisherHomeStore) -> None:
    learner = SourceProfiles(min_articles=1)
    learner.observe("a.com", LOUISIANA_STORY)
    deltas = learner.drain()
    learner.observe("a.com", LOUISIANA_STORY)  # read between the drain and the reply
    learner.replace_totals(await store.add(deltas))
    profile = learner.profile("a.com")
    assert profile is not None and profile.articles == 2
    await sync_publisher_homes(learner, store)
    assert await store.redis.hget(store.key("a.com"), "articles") == "2"


async def test_redis_away_keeps_the_counts_for_the_next_round(store: PublisherHomeStore) -> None:
    dead = aioredis.Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5)
    away = PublisherHomeStore(dead, settings_for(store.keys.prefix))
    learner = SourceProfiles(min_articles=1)
    learner.observe("a.com", LOUISIANA_STORY)
    await sync_publisher_homes(learner, away)  # the add fails: no exception
    await sync_publisher_homes(learner, away)  # nor the second time
    await dead.aclose()
    assert learner.drain() == {"a.com": {"articles": 1, "c:US": 1, "s:US-LA": 1}}  # kept, not lost


async def test_homes_are_loaded_before_the_worker_starts(store: PublisherHomeStore) -> None:
    before = SourceProfiles(min_articles=3)
    for _ in range(3):
        before.observe("thetowntalk.com", LOUISIANA_STORY)
    await sync_publisher_homes(before, store)
    fresh = SourceProfiles(min_articles=3)
    prefix = store.keys.prefix
    assert load_publisher_homes(fresh, settings_for(prefix)) == 1
    profile = fresh.profile("thetowntalk.com")
    assert profile is not None and profile.subdivisions == ("US-LA",)
    assert load_publisher_homes(SourceProfiles(), settings_for(prefix, f"redis://127.0.0.1:{free_port()}/0")) == 0
