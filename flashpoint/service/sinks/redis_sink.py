"""Delivering alerts to Redis: Streams for at-least-once consumers, Pub/Sub for live fan-out, and a
queryable latest state per story.

The key layout is in :mod:`flashpoint.service.sinks.keys`.

Every write for one article happens in one Redis script that first checks nothing it decided
on has changed (an optimistic transaction, :mod:`flashpoint.service.sinks.scripts`), so the
article marker, the story state and the stream entry are written together or not at all: a
worker killed at any point leaves either everything or nothing, and the retry after restart
finds the marker. That turns Kafka's at-least-once into one alert per story version.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import orjson
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, WatchError
from redis.exceptions import TimeoutError as RedisTimeoutError
from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential_jitter

from flashpoint.service.alerts import AlertDecision, StoryState, build_alert, decide_alert, higher_severity
from flashpoint.service.metrics import FlashpointMetrics
from flashpoint.service.records import AnalyzedArticle
from flashpoint.service.sinks.keys import RedisKeys
from flashpoint.service.sinks.scripts import WRITE_ALERT
from flashpoint.service.stories import StorySignature, story_id_for
from flashpoint.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
_RETRYABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)
def _stream_id(unix_seconds: float) -> str:
    """The smallest stream entry id at that time (for MINID trimming)."""
    return f"{max(int(unix_seconds * 1000), 0)}-0"


# Surge windows this worker knows are written (a few per country and kind is plenty).
_SURGES_REMEMBERED = 4096


@dataclass(frozen=True)
class PublishResult:
    decision: str  # new | update | reprint | replay | skipped
    story_id: str | None = None
    alert: dict[str, Any] | None = None


class RedisAlertSink:
    """Writes alerts idempotently and retries Redis failures with backoff, forever.

    Retrying forever is deliberate: the calling agent does not finish the event, so its offset is
    not committed and the stream stops taking new articles until Redis is back (bounded memory).
    """

    def __init__(
        self, client: aioredis.Redis, settings: Settings, *, metrics: FlashpointMetrics | None = None
    ) -> None:
        # Any: redis-py types replies as bytes|str unions; this client decodes responses to str.
        self.redis: Any = client
        self.keys = RedisKeys(settings.redis_key_prefix)
        self.stream_maxlen = settings.redis_stream_maxlen
        self.recent_max = settings.redis_stories_recent_max
        self.country_recent_max = settings.redis_stories_country_max
        self.ttl = settings.dedup_ttl_seconds
        self.retry_max_seconds = settings.redis_retry_max_seconds
        self.dashboard_url = settings.dashboard_url
        self.metrics = metrics
        self._write = self.redis.register_script(WRITE_ALERT)
        self._surges_written: OrderedDict[str, None] = OrderedDict()

    @classmethod
    def from_settings(cls, settings: Settings, *, metrics: FlashpointMetrics | None = None) -> RedisAlertSink:
        client = aioredis.Redis.from_url(
            settings.redis_dsn, decode_responses=True, socket_timeout=5, socket_connect_timeout=3,
            health_check_interval=15,
        )
        return cls(client, settings, metrics=metrics)

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

    async def publish(self, article: AnalyzedArticle, now: datetime) -> PublishResult:
        """Write the alert for one analysed article (or record a reprint); idempotent per article."""
        if not article.alerting:
            return PublishResult("skipped")
        signature = article.signature or StorySignature.of(article.title or article.id)
        return await self._retrying("publish", lambda: self._publish_once(article, signature, now))

    async def _publish_once(
        self, article: AnalyzedArticle, signature: StorySignature, now: datetime
    ) -> PublishResult:
        marker = self.keys.article(article.id, article.content_hash)
        band_keys = [self.keys.band(b) for b in signature.bands()]
        own_story = story_id_for(article.id, article.content_hash)
        while True:
            read = self.redis.pipeline(transaction=False)
            read.get(marker)
            read.mget(band_keys)
            read.hgetall(self.keys.story(own_story))
            known, band_values, own_state = await read.execute()
            if known is not None:
                # A redelivery after a crash or rebalance: already written, count it only.
                return self._replayed(known)
            prior = await self._find_story(band_values, signature, own_story, own_state)
            story_id = prior.story_id if prior else own_story
            decision = decide_alert(prior, story_id=story_id, severity=article.severity, kinds=article.kinds)
            alert = self._alert(article, decision, prior, now)
            absent = [i for i, value in enumerate(band_values) if value is None]
            plan = self._plan(article, decision, prior, signature, alert, absent, now)
            outcome = await self._write(
                keys=[marker, self.keys.story(story_id), self.keys.recent,
                      self.keys.country_recent(article.alert_country), self.keys.alerts,
                      self.keys.country_alerts(article.alert_country), *band_keys],
                args=[orjson.dumps(plan)],
            )
            if outcome == "conflict":
                continue  # another worker changed what this decision read: read and decide again
            if outcome == "replay":
                return self._replayed(story_id)
            if self.metrics:
                if alert is not None:
                    self.metrics.alerts_published.labels(alert["severity"], alert["type"]).inc()
                else:
                    self.metrics.alerts_suppressed.labels("reprint").inc()
            return PublishResult(decision.kind, story_id=story_id, alert=alert)

    def _replayed(self, story_id: str) -> PublishResult:
        if self.metrics:
            self.metrics.alerts_suppressed.labels("replay").inc()
        return PublishResult("replay", story_id=story_id)

    async def _find_story(
        self, band_values: list[str | None], signature: StorySignature, own_story: str,
        own_state: Mapping[str, str],
    ) -> StoryState | None:
        """The known story this article belongs to: the most similar LSH candidate that is
        confirmed the same story, else the story this article itself started earlier."""
        candidates = sorted({sid for sid in band_values if sid} - {own_story})
        states: list[tuple[str, Mapping[str, str]]] = []
        if candidates:
            read = self.redis.pipeline(transaction=False)
            for sid in candidates:
                read.hgetall(self.keys.story(sid))
            states = list(zip(candidates, await read.execute(), strict=True))
        best: tuple[float, StoryState] | None = None
        for sid, data in states:
            if not data or "signature" not in data:
                continue
            stored = StorySignature.decode(data["signature"])
            if not signature.same_story(stored):
                continue
            similarity = signature.containment(stored)
            if best is None or similarity > best[0]:
                best = (similarity, StoryState.from_hash(sid, data))
        if best is not None:
            return best[1]
        return StoryState.from_hash(own_story, own_state) if own_state else None

    def _alert(
        self, article: AnalyzedArticle, decision: AlertDecision, prior: StoryState | None, now: datetime
    ) -> dict[str, Any] | None:
        if decision.kind == "reprint":
            return None
        alert = build_alert(
            article, decision, first_seen=prior.first_seen if prior else now.isoformat(), updated_at=now,
            reprints=prior.reprints if prior else 0, dashboard_url=self.dashboard_url,
        )
        # The story keeps the highest severity any of its articles reached.
        alert["story_severity"] = higher_severity(prior.severity, article.severity) if prior else article.severity
        return alert

    def _plan(
        self,
        article: AnalyzedArticle,
        decision: AlertDecision,
        prior: StoryState | None,
        signature: StorySignature,
        alert: dict[str, Any] | None,
        absent_bands: list[int],
        now: datetime,
    ) -> dict[str, Any]:
        """What the write script checks and writes (scripts.WRITE_ALERT)."""
        plan: dict[str, Any] = {
            "mode": "reprint" if alert is None else "alert",
            "story_id": decision.story_id,
            "ttl": str(self.ttl),
            "expected_version": prior.version if prior else -1,
            "absent_bands": absent_bands,
            "updated_at": now.isoformat(),
        }
        if alert is None:
            return plan
        payload = json.dumps(alert, ensure_ascii=False)
        oldest = now.timestamp() - self.ttl
        plan.update(
            score=repr(now.timestamp()),
            oldest_score=repr(oldest),
            oldest_id=_stream_id(oldest),
            recent_max=str(self.recent_max),
            country_recent_max=str(self.country_recent_max),
            maxlen=str(self.stream_maxlen),
            payload=payload,
            alert_id=alert["id"],
            severity=alert["severity"],
            country=article.alert_country,
            story={
                "severity": alert["story_severity"],
                "kinds": ",".join(sorted(set(article.kinds) | (set(prior.kinds) if prior else set()))),
                "version": str(decision.version),
                "reprints": str(alert["reprints"]),
                "first_seen": alert["first_seen"],
                "updated_at": now.isoformat(),
                "primary_country": article.alert_country,
                "signature": signature.encode(),
                "alert": payload,
            },
        )
        return plan

    async def publish_surge(self, surge: Mapping[str, Any], *, window_start: int) -> bool:
        """Write one surge alert per (country, kind, window); True if this call wrote it.

        The surge agent asks again for every observation while a window stays over the
        threshold; a window already known to be written is answered from memory."""
        key = self.keys.surge(str(surge["primary_country"]), str(surge["kind"]), window_start)
        if key in self._surges_written:
            return False
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
                        country_stream = self.keys.country_alerts(str(surge["primary_country"]))
                        oldest_id = _stream_id(time.time() - self.ttl)
                        for stream in (self.keys.alerts, country_stream):
                            pipe.xadd(stream, fields, maxlen=self.stream_maxlen, approximate=True)
                            pipe.xtrim(stream, minid=oldest_id, approximate=True)
                        pipe.expire(country_stream, self.ttl)
                        pipe.publish(self.keys.alerts, payload)
                        await pipe.execute()
                        return True
                    except WatchError:
                        continue

        written = await self._retrying("surge", once)
        self._surges_written[key] = None
        if len(self._surges_written) > _SURGES_REMEMBERED:
            self._surges_written.popitem(last=False)
        if written and self.metrics:
            self.metrics.alerts_published.labels(surge["severity"], "surge").inc()
        return written

    async def memory(self) -> tuple[int, int]:
        """(used, maxmemory) in bytes, as Redis reports them."""
        info = await self.redis.info("memory")
        return int(info.get("used_memory", 0)), int(info.get("maxmemory", 0))

    async def trim_country_streams(self) -> int:
        """Trim every country stream to the alerts still in the main stream (quiet countries are
        not trimmed by writes); returns how many streams were looked at."""
        first = await self.redis.xrange(self.keys.alerts, count=1)
        oldest = first[0][0] if first else _stream_id(time.time() - self.ttl)
        streams = [key async for key in self.redis.scan_iter(match=self.keys.country_alerts("*"), count=500)]
        if streams:
            pipe = self.redis.pipeline(transaction=False)
            for stream in streams:
                pipe.xtrim(stream, minid=oldest, approximate=False)
            await pipe.execute()
        return len(streams)

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

