"""What the API reads from Redis: pages of the alert stream, story state, per-country summaries.

Key names come from :class:`RedisKeys` (the sink's own), so the API and the worker never disagree.

Filtering scans the stream newest first in batches (XREVRANGE with exclusive bounds) and stops
when the page is full, so a selective filter over the whole stream costs one pass over the part
of the stream it has to look at, and the time filters (``since``/``until``) become stream-id
bounds that Redis applies itself. Measured over 10,000 and 100,000 alerts in docs/benchmarks.md.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from flashpoint.analysis.models import SEVERITY_RANK
from flashpoint.errors import FlashpointError
from flashpoint.service.api.index import BUILD_BATCH, AlertIndex
from flashpoint.service.api.query import AlertQuery, StreamId
from flashpoint.service.sinks.keys import RedisKeys

SCAN_BATCH_MIN = 200
SCAN_BATCH_MAX = 2000
COUNT_WINDOWS = (("1h", 3600), ("24h", 86_400), ("7d", 7 * 86_400))
HOT_STORIES = 20
# A story's alerts were written after its first_seen (worker clock); allow for clock skew between
# the worker and Redis when turning that time into a stream-id bound.
STORY_CLOCK_SKEW_MS = 10 * 60 * 1000


class StoreUnavailableError(FlashpointError):
    """Redis did not answer; the API turns this into 503."""


@dataclass(frozen=True, slots=True)
class StreamEntry:
    id: StreamId
    raw: str  # the alert JSON exactly as the sink wrote it

    def alert(self) -> dict[str, Any]:
        value: dict[str, Any] = orjson.loads(self.raw)
        return value


@dataclass(frozen=True, slots=True)
class AlertPage:
    entries: list[StreamEntry]
    next_cursor: StreamId | None
    scanned: int


def _entry(entry_id: str, fields: dict[str, str]) -> StreamEntry:
    return StreamEntry(StreamId.parse(entry_id), fields.get("alert", "{}"))


class AlertStore:
    def __init__(self, client: aioredis.Redis, prefix: str) -> None:
        # Any: redis-py types replies as bytes|str unions; this client decodes responses to str.
        self.redis: Any = client
        self.keys = RedisKeys(prefix)
        self.index = AlertIndex()

    @classmethod
    def from_url(cls, url: str, prefix: str) -> AlertStore:
        # Transient errors (a burst of reconnecting SSE clients, a Redis failover) are retried a
        # few times before a client sees 503.
        client = aioredis.Redis.from_url(
            url, decode_responses=True, socket_timeout=10, socket_connect_timeout=3,
            health_check_interval=15, retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), 3),
            retry_on_error=[RedisConnectionError, RedisTimeoutError],
        )
        return cls(client, prefix)

    async def close(self) -> None:
        await self.redis.aclose()

    async def ping(self) -> bool:
        try:
            return bool(await self.redis.ping())
        except (RedisError, OSError):
            return False

    async def build_index(self) -> None:
        """Read the whole stream into the index once (start-up); ``/readyz`` waits for it."""
        start = "-"
        try:
            while True:
                reply = await self.redis.xrange(self.keys.alerts, min=start, max="+", count=BUILD_BATCH)
                self.index.extend(reply)
                if len(reply) < BUILD_BATCH:
                    break
                start = f"({reply[-1][0]}"
        except RedisError as e:
            raise StoreUnavailableError(f"building the index: {type(e).__name__}") from e
        self.index.ready.set()

    async def sync_index(self) -> None:
        """Add what was written since the index last saw the stream (read-your-writes)."""
        while True:
            last = self.index.last
            reply = await self.redis.xrange(
                self.keys.alerts, min=f"({last}" if last else "-", max="+", count=BUILD_BATCH
            )
            self.index.extend(reply)
            if len(reply) < BUILD_BATCH:
                return

    async def prune_index(self) -> int:
        first = await self.redis.xrange(self.keys.alerts, count=1)
        if not first:
            return 0
        return self.index.drop_before(StreamId.parse(first[0][0]))

    async def page(self, query: AlertQuery, *, cursor: StreamId | None, limit: int) -> AlertPage:
        """Newest first: up to ``limit`` matching alerts older than ``cursor``."""
        if not self.index.ready.is_set():
            return await self.scan_page(query, cursor=cursor, limit=limit)
        try:
            await self.sync_index()
            ids, more = self.index.select(query, before=cursor, limit=limit)
            async with self.redis.pipeline(transaction=False) as pipe:
                for entry_id in ids:
                    pipe.xrange(self.keys.alerts, min=entry_id, max=entry_id, count=1)
                replies = await pipe.execute() if ids else []
        except RedisError as e:
            raise StoreUnavailableError(f"reading alerts: {type(e).__name__}") from e
        # an id whose entry is gone was trimmed from the capped stream since it was indexed
        entries = [_entry(*reply[0]) for reply in replies if reply]
        return AlertPage(entries, StreamId.parse(ids[-1]) if more else None, len(ids))

    async def scan_page(self, query: AlertQuery, *, cursor: StreamId | None, limit: int) -> AlertPage:
        """The same page by scanning the stream (while the index is being built)."""
        high = query.until
        exclusive = False
        if cursor is not None and (high is None or cursor <= high):
            high, exclusive = cursor, True
        low = query.since
        found: list[StreamEntry] = []
        scanned = 0
        batch = max(SCAN_BATCH_MIN, limit)
        try:
            while True:
                max_id = (f"({high}" if exclusive else str(high)) if high else "+"
                reply = await self.redis.xrevrange(
                    self.keys.alerts, max=max_id, min=str(low) if low else "-", count=batch
                )
                for entry_id, fields in reply:
                    scanned += 1
                    if query.matches(fields):
                        found.append(_entry(entry_id, fields))
                        if len(found) == limit:
                            return AlertPage(found, found[-1].id, scanned)
                if len(reply) < batch:
                    return AlertPage(found, None, scanned)
                high, exclusive = StreamId.parse(reply[-1][0]), True
                batch = min(SCAN_BATCH_MAX, batch * 2)
        except RedisError as e:
            raise StoreUnavailableError(f"reading alerts: {type(e).__name__}") from e

    async def after(self, query: AlertQuery, start: StreamId, *, inclusive: bool, count: int) -> list[
        tuple[StreamId, dict[str, str]]
    ]:
        """Oldest first: up to ``count`` raw entries after ``start`` (for SSE catch-up)."""
        low = str(start) if inclusive else f"({start}"
        high = str(query.until) if query.until else "+"
        try:
            reply = await self.redis.xrange(self.keys.alerts, min=low, max=high, count=count)
        except RedisError as e:
            raise StoreUnavailableError(f"reading alerts: {type(e).__name__}") from e
        return [(StreamId.parse(i), f) for i, f in reply]

    async def last_id(self) -> StreamId | None:
        try:
            reply = await self.redis.xrevrange(self.keys.alerts, count=1)
        except RedisError as e:
            raise StoreUnavailableError(f"reading alerts: {type(e).__name__}") from e
        return StreamId.parse(reply[0][0]) if reply else None

    async def story(self, story_id: str) -> dict[str, Any] | None:
        """The story's latest state and every alert it produced, oldest first."""
        try:
            data = await self.redis.hgetall(self.keys.story(story_id))
            if not data:
                return None
            low = "-"
            first_seen = data.get("first_seen", "")
            if first_seen:
                try:
                    ms = StreamId.first_at(datetime.fromisoformat(first_seen)).ms
                    low = str(StreamId(max(0, ms - STORY_CLOCK_SKEW_MS), 0))
                except ValueError:
                    pass
            alerts: list[dict[str, Any]] = []
            prefix = f"{story_id}-v"
            start = low
            while True:
                reply = await self.redis.xrange(self.keys.alerts, min=start, max="+", count=SCAN_BATCH_MAX)
                alerts.extend(
                    {"stream_id": i, "alert": orjson.loads(f["alert"])}
                    for i, f in reply if f.get("id", "").startswith(prefix)
                )
                if len(reply) < SCAN_BATCH_MAX:
                    break
                start = f"({reply[-1][0]}"
        except RedisError as e:
            raise StoreUnavailableError(f"reading story: {type(e).__name__}") from e
        latest = orjson.loads(data["alert"]) if data.get("alert") else None
        state = {k: v for k, v in data.items() if k not in ("alert", "signature")}
        for key in ("version", "reprints"):
            if key in state and state[key].isdigit():
                state[key] = int(state[key])
        state["kinds"] = [k for k in str(state.get("kinds", "")).split(",") if k]
        return {"story_id": story_id, "state": state, "latest": latest, "alerts": alerts}

    async def country(self, cc: str, *, now: float | None = None) -> dict[str, Any]:
        """Hot stories (latest first) and signal counts by kind over 1 h, 24 h and 7 d for the
        alerts whose primary country is ``cc`` (read from the per-country stream)."""
        now_ms = int((now if now is not None else time.time()) * 1000)
        try:
            ids = await self.redis.zrevrange(self.keys.country_recent(cc), 0, HOT_STORIES - 1)
            hot = []
            if ids:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for sid in ids:
                        pipe.hget(self.keys.story(sid), "alert")
                    for sid, raw in zip(ids, await pipe.execute(), strict=True):
                        if raw:
                            hot.append({"story_id": sid, "alert": orjson.loads(raw)})
            counts = {name: Counter[str]() for name, _ in COUNT_WINDOWS}
            alerts = dict.fromkeys(counts, 0)
            start = str(StreamId(max(0, now_ms - COUNT_WINDOWS[-1][1] * 1000), 0))
            while True:
                reply = await self.redis.xrange(self.keys.country_alerts(cc), min=start, max="+", count=SCAN_BATCH_MAX)
                for entry_id, fields in reply:
                    age_ms = now_ms - StreamId.parse(entry_id).ms
                    alert = orjson.loads(fields["alert"])
                    kinds = [s.get("kind") for s in alert.get("signals") or []] or list(alert.get("signal_kinds") or [])
                    for name, seconds in COUNT_WINDOWS:
                        if age_ms <= seconds * 1000:
                            counts[name].update(k for k in kinds if k)
                            alerts[name] += 1
                if len(reply) < SCAN_BATCH_MAX:
                    break
                start = f"({reply[-1][0]}"
        except RedisError as e:
            raise StoreUnavailableError(f"reading country: {type(e).__name__}") from e
        return {
            "country": cc,
            "hot_stories": hot,
            "alerts": alerts,
            "signals": {name: dict(sorted(c.items())) for name, c in counts.items()},
        }

    async def severity_map(self, *, hours: float, now: float | None = None) -> dict[str, Any]:
        """The highest severity of the stories updated in the last ``hours``, per primary country
        (story state, not alert payloads: a handful of small hash fields per story)."""
        now_s = now if now is not None else time.time()
        try:
            ids = await self.redis.zrangebyscore(self.keys.recent, now_s - hours * 3600, "+inf")
            countries: dict[str, dict[str, Any]] = {}
            for chunk in range(0, len(ids), 500):
                async with self.redis.pipeline(transaction=False) as pipe:
                    for sid in ids[chunk:chunk + 500]:
                        pipe.hmget(self.keys.story(sid), "severity", "primary_country")
                    for severity, cc in await pipe.execute():
                        if not cc or severity not in SEVERITY_RANK:
                            continue
                        row = countries.setdefault(cc, {"severity": severity, "stories": 0})
                        row["stories"] += 1
                        if SEVERITY_RANK[severity] > SEVERITY_RANK[row["severity"]]:
                            row["severity"] = severity
        except RedisError as e:
            raise StoreUnavailableError(f"reading stories: {type(e).__name__}") from e
        return {"hours": hours, "countries": dict(sorted(countries.items()))}
