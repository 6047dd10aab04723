"""Live fan-out for Server-Sent Events: one Redis reader per API process, one bounded buffer per
client.

One task follows the alert stream with ``XREAD BLOCK`` and hands each entry to every subscriber
whose filters it passes, pre-encoded once as an SSE frame. A subscriber's buffer holds at most
``queue_max`` frames: a client that falls that far behind is disconnected (it resumes with
``Last-Event-ID``), so a stalled reader costs a bounded amount of memory, never an unbounded one.

Resume without gaps or repeats: a client subscribes *first*, then reads the stream after its
last id with XRANGE, then drains its buffer, skipping frames it already sent. Every entry is
either in the stream when the catch-up reads it or arrives later through the hub; ids only
grow, so comparing them removes the overlap.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from redis.exceptions import RedisError

from flashpoint.service.api.metrics import ApiMetrics
from flashpoint.service.api.query import AlertQuery, StreamId
from flashpoint.service.api.store import AlertStore, StoreUnavailableError

log = logging.getLogger(__name__)
READ_COUNT = 500
PRUNE_SECONDS = 10.0
WATCHDOG_SECONDS = 0.5


def sse_frame(entry_id: StreamId, raw: str) -> bytes:
    # The alert JSON is one line (json.dumps escapes newlines), so one data: field carries it.
    return f"id: {entry_id}\nevent: alert\ndata: {raw}\n\n".encode()


@dataclass(eq=False)
class Subscriber:
    query: AlertQuery
    queue_max: int
    send_timeout: float = 10.0
    frames: deque[tuple[StreamId, bytes]] = field(default_factory=deque)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    closed_reason: str | None = None
    # set by the response around each write: the hub's watchdog cancels a write stuck too long
    sending_since: float | None = None
    task: asyncio.Task[Any] | None = None
    cancelled_by_watchdog: bool = False

    def offer(self, entry_id: StreamId, frame: bytes) -> bool:
        """Queue a frame; False (and the subscriber closed) when its buffer is full."""
        if self.closed_reason is not None:
            return True
        if len(self.frames) >= self.queue_max:
            self.close("slow")
            return False
        self.frames.append((entry_id, frame))
        self.wake.set()
        return True

    def close(self, reason: str) -> None:
        if self.closed_reason is None:
            self.closed_reason = reason
        self.frames.clear()
        self.wake.set()


class LiveHub:
    def __init__(self, store: AlertStore, *, metrics: ApiMetrics, block_ms: int = 1000) -> None:
        self.store = store
        self.redis = store.redis
        self.stream_key = store.keys.alerts
        self.metrics = metrics
        self.block_ms = block_ms
        self.subscribers: set[Subscriber] = set()
        self.healthy = False
        # the newest entry handed to subscribers: a new client without a resume point starts here
        self.last_id: StreamId | None = None
        self._tasks: list[asyncio.Task[None]] = []

    def subscribe(self, query: AlertQuery, queue_max: int, send_timeout: float = 10.0) -> Subscriber:
        sub = Subscriber(query, queue_max, send_timeout)
        self.subscribers.add(sub)
        self.metrics.sse_clients.set(len(self.subscribers))
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)
        self.metrics.sse_clients.set(len(self.subscribers))

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._run(), name="flashpoint-api-live-hub"),
            asyncio.create_task(self._maintain_index(), name="flashpoint-api-index"),
            asyncio.create_task(self._watch_writes(), name="flashpoint-api-write-watchdog"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for sub in list(self.subscribers):
            sub.close("shutdown")

    async def _run(self) -> None:
        last = "$"
        backoff = 0.1
        while True:
            try:
                if last == "$":
                    # pin the start so that a reconnect after an error misses nothing
                    newest = await self.redis.xrevrange(self.stream_key, count=1)
                    last = newest[0][0] if newest else "0-0"
                    self.last_id = StreamId.parse(last)
                reply = await self.redis.xread({self.stream_key: last}, count=READ_COUNT, block=self.block_ms)
                self.healthy = True
                backoff = 0.1
            except (RedisError, OSError) as e:
                self.healthy = False
                log.warning("live hub: redis read failed, retrying in %.1f s: %s", backoff, type(e).__name__)
                await asyncio.sleep(backoff)
                backoff = min(5.0, backoff * 2)
                continue
            for _stream, entries in reply or []:
                if self.store.index.ready.is_set():
                    self.store.index.extend(entries)
                for entry_id, fields in entries:
                    last = entry_id
                    self.last_id = StreamId.parse(entry_id)
                    self._fan_out(self.last_id, fields)

    async def _maintain_index(self) -> None:
        """Build the index (retrying while Redis is away), then drop what the stream trims."""
        while not self.store.index.ready.is_set():
            try:
                await self.store.build_index()
            except StoreUnavailableError as e:
                log.warning("index build failed, retrying: %s", e)
                await asyncio.sleep(1.0)
        while True:
            await asyncio.sleep(PRUNE_SECONDS)
            with contextlib.suppress(RedisError, OSError):
                await self.store.prune_index()

    async def _watch_writes(self) -> None:
        """Drop clients whose socket has taken nothing for ``send_timeout``. One watchdog for all
        clients instead of a timer around each write: at 500 clients and 50 alerts/s, per-write
        timers cost about a tenth of the process's CPU."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(WATCHDOG_SECONDS)
            now = loop.time()
            for sub in list(self.subscribers):
                started = sub.sending_since
                if started is None or now - started <= sub.send_timeout or sub.cancelled_by_watchdog:
                    continue
                if sub.closed_reason is None:  # else the hub already dropped it for its full buffer
                    sub.close("slow")
                    self.metrics.sse_disconnects.labels("slow").inc()
                if sub.task is not None:
                    sub.cancelled_by_watchdog = True
                    sub.task.cancel()

    def _fan_out(self, entry_id: StreamId, fields: dict[str, str]) -> None:
        frame: bytes | None = None
        # Most clients share a handful of queries (often none): match each distinct query once.
        verdicts: dict[AlertQuery, bool] = {}
        for sub in list(self.subscribers):
            query = sub.query
            if query.until is not None and entry_id > query.until:
                sub.close("until")
                continue
            passes = verdicts.get(query)
            if passes is None:
                passes = verdicts[query] = (query.since is None or entry_id >= query.since) and query.matches(fields)
            if not passes:
                continue
            if frame is None:
                frame = sse_frame(entry_id, fields.get("alert", "{}"))
            if not sub.offer(entry_id, frame):
                self.metrics.sse_disconnects.labels("slow").inc()
