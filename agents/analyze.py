"""Agent ``analyze_articles``: articles.raw -> analysis -> articles.analyzed (or articles.dead)."""

from __future__ import annotations

import asyncio
import time
from functools import partial

import orjson
from faust import StreamT

from agents.runtime import analysis_executor, context
from flashpoint.service.metrics import observe_analysis, observe_rejection
from flashpoint.service.pipeline import DeadLetter, MessageMeta, analyze_message, analyzed_record, utcnow
from streams.app import app
from streams.topics import analyzed_articles, dead_letters, raw_articles


@app.agent(raw_articles)
async def analyze_articles(stream: StreamT[bytes]) -> None:
    loop = asyncio.get_running_loop()
    settings, metrics = context.settings, context.metrics
    async for event in stream.events():
        message = event.message
        key = message.key.decode("utf-8", "replace") if isinstance(message.key, bytes) else None
        meta = MessageMeta(message.topic, message.partition, message.offset, message.timestamp, key)
        started = time.perf_counter()
        metrics.in_flight.inc()
        result = await loop.run_in_executor(
            analysis_executor,
            partial(
                analyze_message, event.value, meta, context.analyzer, now=utcnow(),
                max_bytes=settings.max_article_bytes,
                dead_letter_max_bytes=settings.dead_letter_max_bytes,
            ),
        )
        # Await delivery before the event is acked, so its offset is never committed ahead of it.
        if isinstance(result, DeadLetter):
            await (await dead_letters.send(key=message.key, value=orjson.dumps(result.to_dict())))
            observe_rejection(metrics, result.reason)
        else:
            record = orjson.dumps(analyzed_record(result, meta))
            await (await analyzed_articles.send(key=result.id.encode("utf-8"), value=record))
            observe_analysis(metrics, result, seconds=time.perf_counter() - started)
        metrics.in_flight.dec()
        metrics.last_processed.set(time.time())
