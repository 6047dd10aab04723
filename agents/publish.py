"""Agent ``publish_alerts``: articles.analyzed -> Redis alerts (idempotent) + surge observations."""

from __future__ import annotations

import time
from typing import Any

import orjson
from faust import StreamT

from agents.runtime import context
from flashpoint.service.pipeline import utcnow
from flashpoint.service.surge import observation_key
from streams.app import app
from streams.topics import analyzed_articles, signal_observations


@app.agent(analyzed_articles)
async def publish_alerts(stream: StreamT[bytes]) -> None:
    async for value in stream:
        analysis: dict[str, Any] = orjson.loads(value)
        # Blocks (with backoff) while Redis is down; the offset is committed only after this.
        result = await context.sink.publish(analysis, utcnow())
        if result.alert is not None and analysis.get("source_timestamp"):
            context.metrics.end_to_end_latency.observe(time.time() - analysis["source_timestamp"])
        seen = {(s.get("country") or "XX", s["kind"]) for s in analysis.get("signals", [])
                if s.get("modality") == "asserted"}
        for country, kind in sorted(seen):
            await (await signal_observations.send(key=observation_key(country, kind), value=b"1"))
