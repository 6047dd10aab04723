"""Agent ``analyze_articles``: articles.raw -> analysis -> articles.analyzed (or articles.dead)."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import Executor
from functools import partial

import faust
from faust import StreamT
from faust.types import AgentT

from flashpoint.service.metrics import observe_analysis, observe_rejection
from flashpoint.service.pipeline import DeadLetter, process_message, utcnow
from flashpoint.service.worker import WorkerContext
from streams.delivery import deliver
from streams.events import message_meta
from streams.topics import Topics


def register(app: faust.App, topics: Topics, context: WorkerContext, executor: Executor) -> AgentT[bytes]:
    settings, metrics = context.settings, context.metrics

    async def analyze_articles(stream: StreamT[bytes]) -> None:
        loop = asyncio.get_running_loop()
        async for event in stream.events():
            meta = message_meta(event.message)
            started = time.perf_counter()
            metrics.in_flight.inc()
            # spaCy work leaves the event loop (web views, the other agents) responsive
            result = await loop.run_in_executor(executor, partial(
                process_message, event.value, meta, context.analyzer, now=utcnow(),
                max_bytes=settings.max_article_bytes, dead_letter_max_bytes=settings.dead_letter_max_bytes,
            ))
            # Delivered before the event is acked, so its offset is never committed ahead of it.
            if isinstance(result, DeadLetter):
                await deliver(topics.dead, key=event.message.key, value=result.to_bytes(),
                              on_retry=metrics.delivery_retries.labels("dead").inc)
                observe_rejection(metrics, result.reason)
            else:
                await deliver(topics.analyzed, key=result.record.id.encode("utf-8"), value=result.value,
                              on_retry=metrics.delivery_retries.labels("analyzed").inc)
                observe_analysis(metrics, result.analysis, seconds=time.perf_counter() - started,
                                 cpu_seconds=result.cpu_seconds)
            metrics.in_flight.dec()
            metrics.last_processed.set(time.time())

    return app.agent(topics.raw, name="analyze_articles")(analyze_articles)
