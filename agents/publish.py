"""Agent ``publish_alerts``: articles.analyzed -> Redis alerts (idempotent) + surge observations."""

from __future__ import annotations

import time

import faust
from faust import StreamT
from faust.types import AgentT

from flashpoint.service.pipeline import DeadLetter, utcnow
from flashpoint.service.records import AnalyzedArticle, WireRecordError
from flashpoint.service.surge import observation_key
from flashpoint.service.worker import WorkerContext
from streams.delivery import deliver
from streams.events import message_meta
from streams.topics import Topics


def register(app: faust.App, topics: Topics, context: WorkerContext) -> AgentT[bytes]:
    settings, metrics, sink = context.settings, context.metrics, context.sink

    async def publish_alerts(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            try:
                article = AnalyzedArticle.from_bytes(event.value)
            except WireRecordError as e:
                dead = DeadLetter("invalid_record", str(e)[:500], message_meta(event.message), event.value,
                                  utcnow(), settings.dead_letter_max_bytes)
                await deliver(topics.dead, key=event.message.key, value=dead.to_bytes(),
                              on_retry=metrics.delivery_retries.labels("dead").inc)
                metrics.articles_rejected.labels("invalid_record").inc()
                continue
            # Blocks (with backoff) while Redis is down; the offset is committed only after this.
            result = await sink.publish(article, utcnow())
            if result.alert is not None and article.source_timestamp:
                metrics.end_to_end_latency.observe(time.time() - article.source_timestamp)
            for country, kind in article.surge_observations():
                await deliver(topics.observations, key=observation_key(country, kind), value=b"1",
                              on_retry=metrics.delivery_retries.labels("observations").inc)

    return app.agent(topics.analyzed, name="publish_alerts")(publish_alerts)
