"""The ``/v1/alerts/stream`` response: catch-up from Redis, then live frames from the hub.

Written as a plain ASGI response (not a streaming generator) so that each write has a deadline:
uvicorn pauses a write while the client's socket buffer is full, and a write that stays paused
longer than ``send_timeout`` ends the stream. Together with the hub's bounded buffer, a client
that stops reading costs at most ``queue_max`` frames plus one socket buffer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from flashpoint.service.api.hub import LiveHub, Subscriber, sse_frame
from flashpoint.service.api.metrics import ApiMetrics
from flashpoint.service.api.query import AlertQuery, StreamId
from flashpoint.service.api.store import AlertStore, StoreUnavailableError

log = logging.getLogger(__name__)
CATCH_UP_BATCH = 500
RETRY_MS = 2000


class AlertStreamResponse(Response):
    media_type = "text/event-stream"

    def __init__(
        self,
        *,
        store: AlertStore,
        hub: LiveHub,
        metrics: ApiMetrics,
        query: AlertQuery,
        resume_after: StreamId | None,
        heartbeat_seconds: float,
        queue_max: int,
        send_timeout: float,
    ) -> None:
        # No super().__init__: it would send Content-Length: 0 for an empty body.
        self.status_code = 200
        self.background = None
        self.raw_headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-cache"),
            (b"x-accel-buffering", b"no"),  # nginx: do not buffer the stream
        ]
        self.store = store
        self.hub = hub
        self.metrics = metrics
        self.query = query
        self.resume_after = resume_after
        self.heartbeat_seconds = heartbeat_seconds
        self.queue_max = queue_max
        self.send_timeout = send_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sub = self.hub.subscribe(self.query, self.queue_max, self.send_timeout)
        sub.task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        watcher = asyncio.create_task(_watch_disconnect(receive, sub))
        reason = "client"
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            await send({"type": "http.response.body", "body": f"retry: {RETRY_MS}\n\n".encode(), "more_body": True})
            async for chunk, events in self._frames(sub):
                sub.sending_since = loop.time()  # the hub's watchdog cancels a write stuck too long
                try:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                except OSError:  # the client went away between two writes
                    sub.close("client")
                    break
                finally:
                    sub.sending_since = None
                if events:
                    self.metrics.sse_events.inc(events)
            reason = sub.closed_reason or "client"
            with contextlib.suppress(TimeoutError, OSError):
                async with asyncio.timeout(1.0):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
        except asyncio.CancelledError:
            if not sub.cancelled_by_watchdog or sub.task is None:
                raise
            # the watchdog's cancel, not a shutdown: end this response only (uvicorn closes the
            # connection, which is what a stalled client should get)
            sub.task.uncancel()
            reason = "slow"
        except StoreUnavailableError as e:
            log.warning("SSE stream ended: %s", e)
            reason = "redis"
        finally:
            watcher.cancel()
            self.hub.unsubscribe(sub)
            if reason != "slow":  # the watchdog and the hub count the slow ones
                self.metrics.sse_disconnects.labels(reason).inc()

    async def _frames(self, sub: Subscriber) -> AsyncIterator[tuple[bytes, int]]:
        """Chunks of (frames, number of events): catch-up from Redis, then live frames from the
        hub, everything waiting written at once; a comment line as heartbeat when idle."""
        sent = self.resume_after
        inclusive = False
        catch_up = True
        if sent is None:
            if self.query.since is not None:
                sent, inclusive = self.query.since, True
            elif self.hub.last_id is not None:
                # Everything after the hub's newest entry reaches this subscriber through the hub:
                # a plain connect costs no Redis call (a reconnect storm of 500 clients stays cheap).
                sent, catch_up = self.hub.last_id, False
            else:
                sent = await self.store.last_id() or StreamId(0, 0)
        while catch_up and sub.closed_reason is None:
            batch = await self.store.after(self.query, sent, inclusive=inclusive, count=CATCH_UP_BATCH)
            inclusive = False
            frames = []
            for entry_id, fields in batch:
                sent = entry_id
                if self.query.matches(fields):
                    frames.append(sse_frame(entry_id, fields.get("alert", "{}")))
            if frames:
                yield b"".join(frames), len(frames)
            if len(batch) < CATCH_UP_BATCH:
                break
        if self.query.until is not None and sent >= self.query.until:
            sub.close("until")
        while sub.closed_reason is None:  # live
            if not sub.frames:
                sub.wake.clear()
                try:
                    async with asyncio.timeout(self.heartbeat_seconds):
                        await sub.wake.wait()
                except TimeoutError:
                    yield b": heartbeat\n\n", 0
                    continue
            frames = []
            while sub.frames:
                entry_id, frame = sub.frames.popleft()
                if entry_id > sent:  # already sent during catch-up
                    sent = entry_id
                    frames.append(frame)
            if frames and sub.closed_reason is None:
                yield b"".join(frames), len(frames)


async def _watch_disconnect(receive: Receive, sub: Subscriber) -> None:
    while True:
        message: Any = await receive()
        if message.get("type") == "http.disconnect":
            sub.close("client")
            return
