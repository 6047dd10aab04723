"""Timers that keep Redis bounded and visible: country streams trimmed to the main stream's
window (writes trim only the country they write to), and Redis' memory use as metrics, for the
FlashpointRedisMemoryHigh rule (docs/operations.md, "Redis memory")."""

from __future__ import annotations

import logging

import faust
from redis.exceptions import RedisError

from flashpoint.service.worker import WorkerContext

log = logging.getLogger("flashpoint.housekeeping")


def register(app: faust.App, context: WorkerContext) -> None:
    sink, metrics = context.sink, context.metrics

    async def trim_country_streams() -> None:
        try:
            await sink.trim_country_streams()
        except (RedisError, OSError) as e:
            log.warning("country streams not trimmed this round: %s: %s", type(e).__name__, e)

    async def measure_redis_memory() -> None:
        try:
            used, limit = await sink.memory()
        except (RedisError, OSError):
            return  # flashpoint_alert_sink_up tells that Redis is away
        metrics.redis_memory_used.set(used)
        metrics.redis_memory_max.set(limit)

    app.timer(interval=60.0, name="trim_country_streams")(trim_country_streams)
    app.timer(interval=15.0, name="measure_redis_memory")(measure_redis_memory)
