"""Delivering alerts to Redis: Streams for at-least-once consumers, Pub/Sub for live fan-out, and a
queryable latest state per story.

Key layout (``P`` is the configured prefix, default ``flashpoint:``):

- ``P alerts`` and ``P alerts:country:<CC>``: capped Streams of alert records (field ``alert``).
- Pub/Sub channels of the same names.
- ``P story:<story_id>``: hash with the story's latest alert, severity, kinds, version, reprints.
- ``P stories:recent`` and ``P stories:country:<CC>``: sorted sets of story ids by update time.
- ``P article:<article_id>``: marks an article as handled (replays after a crash are no-ops).
- ``P lsh:<band>``: MinHash LSH buckets pointing at story ids (dedup of reprints).
- ``P surge:<CC>:<kind>:<window>``: one surge alert per country, kind and window.

Every write for one article happens in one optimistic transaction (WATCH/MULTI/EXEC), so the
article marker, the story state and the stream entry are written together or not at all: a
worker killed at any point leaves either everything or nothing, and the retry after restart
finds the marker. That turns Kafka's at-least-once into one alert per story version.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, WatchError
from redis.exceptions import TimeoutError as RedisTimeoutError
from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential_jitter

from flashpoint.analysis.models import SEVERITY_RANK
from flashpoint.service.alerts import (
    AlertDecision,
    StorySignature,
    StoryState,
    build_alert,
    decide_alert,
    story_id_for,
)
from flashpoint.service.metrics import FlashpointMetrics

log = logging.getLogger(__name__)
T = TypeVar("T")
_RETRYABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)


@dataclass(frozen=True)
class PublishResult:
    decision: str  # new | update | reprint | replay | skipped
    story_id: str | None = None
    alert: dict[str, Any] | None = None


class RedisKeys:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    @property
    def alerts(self) -> str:
        return f"{self.prefix}alerts"

    def country_alerts(self, country: str) -> str:
        return f"{self.prefix}alerts:country:{country}"

    def story(self, story_id: str) -> str:
        return f"{self.prefix}story:{story_id}"

    @property
    def recent(self) -> str:
        return f"{self.prefix}stories:recent"

    def country_recent(self, country: str) -> str:
        return f"{self.prefix}stories:country:{country}"

    def article(self, article_id: str) -> str:
        return f"{self.prefix}article:{article_id}"

    def band(self, band: str) -> str:
        return f"{self.prefix}lsh:{band}"

    def surge(self, country: str, kind: str, window: int) -> str:
        return f"{self.prefix}surge:{country}:{kind}:{window}"


class RedisAlertSink:
    """Writes alerts idempotently and retries Redis failures with backoff, forever.

    Retrying forever is deliberate: the calling agent does not finish the event, so its offset is
    not committed and the stream stops taking new articles until Redis is back (bounded memory).
    """

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        prefix: str = "flashpoint:",
        stream_maxlen: int = 100_000,
        dedup_ttl_seconds: int = 7 * 24 * 3600,
        retry_max_seconds: float = 30.0,
        dashboard_url: str = "",
        metrics: FlashpointMetrics | None = None,
    ) -> None:
        # Any: redis-py types replies as bytes|str unions; this client decodes responses to str.
        self.redis: Any = client
        self.keys = RedisKeys(prefix)
        self.stream_maxlen = stream_maxlen
        self.ttl = dedup_ttl_seconds
        self.retry_max_seconds = retry_max_seconds
        self.dashboard_url = dashboard_url
        self.metrics = metrics

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisAlertSink:
        client = aioredis.Redis.from_url(
            url, decode_responses=True, socket_timeout=5, socket_connect_timeout=3,
            health_check_interval=15,
        )
        return cls(client, **kwargs)

    async def close(self) -> None:
        await self.redis.aclose()

    async def ping(self) -> bool:
        try:
            return bool(await self.redis.ping())
        except RedisError:
            return False

    async def _retrying(self, operation: str, func: Callable[[], Awaitable[T]]) -> T:
        attempt_no = 0
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(_RETRYABLE),
            wait=wait_exponential_jitter(initial=0.1, max=self.retry_max_seconds),
            reraise=True,
        ):
            with attempt:
                attempt_no += 1
                if attempt_no > 1 and self.metrics:
                    self.metrics.sink_retries.labels(operation).inc()
                try:
                    result = await func()
                except _RETRYABLE as e:
                    if self.metrics:
                        self.metrics.sink_errors.labels(operation).inc()
                        self.metrics.sink_up.set(0)
                    log.warning(
                        "redis %s failed (attempt %d), retrying with backoff: %s",
                        operation, attempt_no, type(e).__name__,
                    )
                    raise
                if self.metrics:
                    self.metrics.sink_up.set(1)
                if attempt_no > 1:
                    log.info("redis %s succeeded after %d attempts", operation, attempt_no)
                return result
        raise AssertionError("unreachable")  # pragma: no cover

    async def publish(self, analysis: Mapping[str, Any], now: datetime) -> PublishResult:
        """Write the alert for one analysed article (or record a reprint); idempotent per article."""
        if analysis.get("severity", "none") == "none":
            return PublishResult("skipped")
        text = analysis.get("cleaned_text") or analysis.get("title") or analysis["id"]
        signature = StorySignature.of(str(text))
        return await self._retrying("publish", lambda: self._publish_once(analysis, signature, now))

    async def _publish_once(
        self, analysis: Mapping[str, Any], signature: StorySignature, now: datetime
    ) -> PublishResult:
        article_id = str(analysis["id"])
        article_key = self.keys.article(article_id)
        band_keys = [self.keys.band(b) for b in signature.bands()]
        kinds = sorted({s["kind"] for s in analysis.get("signals", [])})
        while True:
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(article_key, *band_keys)
                    known = await pipe.get(article_key)
                    if known is not None:
                        # A redelivery after a crash or rebalance: already written, count it only.
                        if self.metrics:
                            self.metrics.alerts_suppressed.labels("replay").inc()
                        return PublishResult("replay", story_id=known)
                    prior = await self._find_story(pipe, band_keys, signature)
                    story_id = prior.story_id if prior else story_id_for(article_id)
                    story_key = self.keys.story(story_id)
                    await pipe.watch(story_key)
                    if prior is None and await pipe.exists(story_key):
                        prior = StoryState.from_hash(story_id, await pipe.hgetall(story_key))
                    decision = decide_alert(
                        prior, story_id=story_id, severity=analysis["severity"], kinds=kinds
                    )
                    alert = self._queue_writes(
                        pipe, analysis, decision, prior, signature, band_keys, article_key, kinds, now
                    )
                    await pipe.execute()
                except WatchError:
                    continue
            if self.metrics:
                if alert is not None:
                    self.metrics.alerts_published.labels(alert["severity"], alert["type"]).inc()
                else:
                    self.metrics.alerts_suppressed.labels("reprint").inc()
            return PublishResult(decision.kind, story_id=story_id, alert=alert)

    async def _find_story(
        self, pipe: Any, band_keys: list[str], signature: StorySignature
    ) -> StoryState | None:
        candidates = {sid for sid in await pipe.mget(band_keys) if sid}
        best: tuple[float, StoryState] | None = None
        for sid in sorted(candidates):
            data = await pipe.hgetall(self.keys.story(sid))
            if not data or "signature" not in data:
                continue
            stored = StorySignature.decode(data["signature"])
            if not signature.same_story(stored):
                continue
            similarity = signature.containment(stored)
            if best is None or similarity > best[0]:
                best = (similarity, StoryState.from_hash(sid, data))
        return best[1] if best else None

    def _queue_writes(
        self,
        pipe: Any,
        analysis: Mapping[str, Any],
        decision: AlertDecision,
        prior: StoryState | None,
        signature: StorySignature,
        band_keys: list[str],
        article_key: str,
        kinds: list[str],
        now: datetime,
    ) -> dict[str, Any] | None:
        story_key = self.keys.story(decision.story_id)
        pipe.multi()
        pipe.set(article_key, decision.story_id, ex=self.ttl)
        for key in band_keys:
            pipe.set(key, decision.story_id, ex=self.ttl, nx=True)
        primary = analysis.get("regions", {}).get("primary_country") or "XX"
        score = now.timestamp()
        first_seen = prior.first_seen if prior else now.isoformat()
        if decision.kind == "reprint":
            pipe.hincrby(story_key, "reprints", 1)
            pipe.hset(story_key, mapping={"updated_at": now.isoformat()})
            pipe.expire(story_key, self.ttl)
            return None
        all_kinds = sorted(set(kinds) | (set(prior.kinds) if prior else set()))
        # The story keeps the highest severity any of its articles reached.
        severity = analysis["severity"]
        if prior and SEVERITY_RANK[prior.severity] > SEVERITY_RANK[severity]:
            severity = prior.severity
        reprints = prior.reprints if prior else 0
        alert = build_alert(
            analysis, decision, first_seen=first_seen, updated_at=now, reprints=reprints,
            dashboard_url=self.dashboard_url,
        )
        alert["story_severity"] = severity
        payload = json.dumps(alert, ensure_ascii=False)
        pipe.hset(
            story_key,
            mapping={
                "severity": severity,
                "kinds": ",".join(all_kinds),
                "version": decision.version,
                "reprints": reprints,
                "first_seen": first_seen,
                "updated_at": now.isoformat(),
                "primary_country": primary,
                "signature": signature.encode(),
                "alert": payload,
            },
        )
        pipe.expire(story_key, self.ttl)
        pipe.zadd(self.keys.recent, {decision.story_id: score})
        pipe.zadd(self.keys.country_recent(primary), {decision.story_id: score})
        fields = {"alert": payload, "id": alert["id"], "severity": alert["severity"], "country": primary}
        pipe.xadd(self.keys.alerts, fields, maxlen=self.stream_maxlen, approximate=True)
        pipe.xadd(
            self.keys.country_alerts(primary), fields, maxlen=self.stream_maxlen, approximate=True
        )
        pipe.publish(self.keys.alerts, payload)
        pipe.publish(self.keys.country_alerts(primary), payload)
        return alert

    async def publish_surge(self, surge: Mapping[str, Any], *, window_start: int) -> bool:
        """Write one surge alert per (country, kind, window); True if this call wrote it."""
        key = self.keys.surge(str(surge["primary_country"]), str(surge["kind"]), window_start)
        payload = json.dumps(dict(surge), ensure_ascii=False)

        async def once() -> bool:
            async with self.redis.pipeline(transaction=True) as pipe:
                while True:
                    try:
                        await pipe.watch(key)
                        if await pipe.exists(key):
                            return False
                        pipe.multi()
                        pipe.set(key, surge["id"], ex=self.ttl)
                        fields = {"alert": payload, "id": surge["id"], "severity": surge["severity"],
                                  "country": surge["primary_country"]}
                        pipe.xadd(self.keys.alerts, fields, maxlen=self.stream_maxlen, approximate=True)
                        pipe.xadd(self.keys.country_alerts(str(surge["primary_country"])), fields,
                                  maxlen=self.stream_maxlen, approximate=True)
                        pipe.publish(self.keys.alerts, payload)
                        await pipe.execute()
                        return True
                    except WatchError:
                        continue

        written = await self._retrying("surge", once)
        if written and self.metrics:
            self.metrics.alerts_published.labels(surge["severity"], "surge").inc()
        return written

    async def latest_alerts(self, count: int = 50) -> list[dict[str, Any]]:
        """Newest first, from the main stream (for the worker's /alerts endpoint)."""
        entries = await self.redis.xrevrange(self.keys.alerts, count=count)
        return [json.loads(fields["alert"]) for _id, fields in entries]

    async def hot_stories(self, country: str | None = None, count: int = 20) -> list[dict[str, Any]]:
        """Latest state of the most recently updated stories, optionally in one country."""
        zkey = self.keys.country_recent(country) if country else self.keys.recent
        ids = await self.redis.zrevrange(zkey, 0, count - 1)
        out = []
        for sid in ids:
            raw = await self.redis.hget(self.keys.story(sid), "alert")
            if raw:
                out.append(json.loads(raw))
        return out

