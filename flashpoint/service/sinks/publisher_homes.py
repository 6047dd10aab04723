"""Publisher homes shared through Redis: learned once, kept across restarts, pooled across workers.

Each worker learns publishers' homes from the stories it reads (:mod:`flashpoint.analysis.sources`). On its
own, that knowledge dies with the process, and with articles spread over partitions each worker
sees a share of each paper. :class:`PublisherHomeStore` keeps the counts in one Redis hash per
publisher (``<prefix>publisher:<host>``, fields ``articles``, ``c:<country>``, ``s:<subdivision>``):

* before the Faust app starts, :func:`load_publisher_homes` reads every stored publisher (a
  restarted worker starts knowing its papers);
* on a worker timer, :func:`sync_publisher_homes` adds this worker's new counts with HINCRBY
  (atomic, so workers never overwrite each other), adopts the totals it reads back, and reads
  what other workers added for the papers it saw most recently.

Each hash expires ``ttl_seconds`` after its last story, so a paper that stops filing is forgotten.
If Redis is away, the counts wait in memory for the next round; analysis never waits for Redis.
"""

from __future__ import annotations

from collections.abc import Mapping

import redis.asyncio as aioredis
import structlog

from flashpoint.analysis.sources import SourceProfiles
from flashpoint.service.sinks.keys import RedisKeys
from flashpoint.settings import Settings

log = structlog.get_logger(__name__)


class PublisherHomeStore:
    def __init__(self, redis: aioredis.Redis, settings: Settings) -> None:
        self.redis = redis
        self.keys = RedisKeys(settings.redis_key_prefix)
        self.ttl_seconds = settings.source_profile_ttl_days * 86_400

    def key(self, publisher: str) -> str:
        return self.keys.publisher(publisher)

    async def add(self, deltas: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
        """Add each publisher's new counts; returns the totals after the addition."""
        if not deltas:
            return {}
        pipe = self.redis.pipeline(transaction=False)
        publishers = list(deltas)
        for publisher in publishers:
            key = self.key(publisher)
            for name, n in deltas[publisher].items():
                if n:
                    pipe.hincrby(key, name, n)
            pipe.expire(key, self.ttl_seconds)
            pipe.hgetall(key)
        replies = await pipe.execute()
        totals: dict[str, dict[str, int]] = {}
        index = 0
        for publisher in publishers:
            index += sum(1 for n in deltas[publisher].values() if n) + 1  # the HINCRBYs and EXPIRE
            totals[publisher] = _ints(replies[index])
            index += 1
        return totals

    async def fetch(self, publishers: list[str]) -> dict[str, dict[str, int]]:
        """The stored totals of these publishers (those with none are left out)."""
        if not publishers:
            return {}
        pipe = self.redis.pipeline(transaction=False)
        for publisher in publishers:
            pipe.hgetall(self.key(publisher))
        replies = await pipe.execute()
        return {p: _ints(reply) for p, reply in zip(publishers, replies, strict=True) if reply}


def load_publisher_homes(learner: SourceProfiles, settings: Settings, *, limit: int = 20_000) -> int:
    """Read every stored home into ``learner`` before the worker starts (a plain, blocking client:
    the Faust app is not running yet). Returns how many publishers were loaded; 0 if Redis is
    away, and the timer's rounds fill them in later."""
    import redis

    client = redis.Redis.from_url(settings.redis_dsn, decode_responses=True, socket_timeout=5,
                                  socket_connect_timeout=3)
    match = f"{RedisKeys(settings.redis_key_prefix).publishers}*"
    try:
        keys = []
        for key in client.scan_iter(match=match, count=1000):
            keys.append(str(key))
            if len(keys) >= limit:
                break
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(key)
        replies = pipe.execute() if keys else []
    except (redis.RedisError, OSError) as e:
        log.warning("publisher homes not loaded at start-up", error=str(e))
        return 0
    finally:
        client.close()
    start = len(match) - 1
    learner.replace_totals({key[start:]: _ints(reply) for key, reply in zip(keys, replies, strict=True) if reply})
    return len(keys)


def _ints(reply: Mapping[bytes | str, bytes | str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for name, value in reply.items():
        field = name.decode() if isinstance(name, bytes) else str(name)
        out[field] = int(value)
    return out


async def sync_publisher_homes(learner: SourceProfiles, store: PublisherHomeStore, *, refresh: int = 256) -> None:
    """One round: share this worker's new counts and read back the totals of the ``refresh``
    papers it saw last. Never raises on a Redis failure: the counts wait for the next round."""
    deltas = learner.drain()
    try:
        if deltas:
            learner.replace_totals(await store.add(deltas))
        # what the other workers added for the papers this one reads
        others = [p for p in learner.recent(refresh) if p not in deltas]
        learner.replace_totals(await store.fetch(others))
    except (aioredis.RedisError, OSError) as e:
        learner.restore(deltas)
        log.warning("publisher homes not shared; kept for the next round", error=str(e), publishers=len(deltas))
