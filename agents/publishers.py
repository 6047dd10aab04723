"""Publisher homes shared through Redis (flashpoint.service.sinks.publisher_homes): loaded before the
Faust app starts (flashpoint.service.worker), then this worker's new counts are added and the pooled
totals read back on a timer. No start-up task: a Faust task that talks to Redis while the consumer
joins its group made fresh workers stall far more often on Tansu (see docs/operations.md)."""

from __future__ import annotations

from agents.runtime import context
from flashpoint.service.sinks.publisher_homes import PublisherHomeStore, sync_publisher_homes
from streams.app import app, settings

_store = PublisherHomeStore(
    context.sink.redis, prefix=settings.redis_key_prefix, ttl_seconds=settings.source_profile_ttl_days * 86_400
)


@app.timer(interval=settings.source_profile_sync_seconds)  # type: ignore[untyped-decorator]
async def share_publisher_homes() -> None:
    learner = context.analyzer.sources
    if learner is not None:
        await sync_publisher_homes(learner, _store)
