"""Publisher homes shared through Redis (flashpoint.sinks.publisher_homes): loaded once when the
worker starts, then this worker's new counts are added and the pooled totals read back on a timer."""

from __future__ import annotations

import asyncio

from agents.runtime import context
from flashpoint.sinks.publisher_homes import PublisherHomeStore, sync_publisher_homes
from streams.app import app, settings

_store = PublisherHomeStore(
    context.sink.redis, prefix=settings.redis_key_prefix, ttl_seconds=settings.source_profile_ttl_days * 86_400
)
loaded = asyncio.Event()


async def _sync() -> None:
    learner = context.analyzer.sources
    if learner is None:
        loaded.set()
        return
    if await sync_publisher_homes(learner, _store, loaded=loaded.is_set()):
        loaded.set()


@app.task  # type: ignore[untyped-decorator]  # faust tasks are untyped
async def load_publisher_homes() -> None:
    """At start-up: a restarted worker knows its papers before the first story, not a timer later."""
    while not loaded.is_set():
        await _sync()
        if not loaded.is_set():
            await asyncio.sleep(1.0)


@app.timer(interval=settings.source_profile_sync_seconds)  # type: ignore[untyped-decorator]
async def share_publisher_homes() -> None:
    await _sync()
