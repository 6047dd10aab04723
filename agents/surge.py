"""Agent ``detect_surges``: counts asserted signals per country and kind in tumbling windows and
writes one surge alert when a window exceeds the moving baseline (policy in flashpoint.service.surge)."""

from __future__ import annotations

from typing import Any

import faust
from faust import StreamT
from faust.types import AgentT

from flashpoint.service.pipeline import utcnow
from flashpoint.service.surge import build_surge_alert, split_observation_key, window_start
from flashpoint.service.worker import WorkerContext
from streams.topics import Topics


def register(app: faust.App, topics: Topics, signal_counts: Any, context: WorkerContext) -> AgentT[bytes]:
    settings, policy = context.settings, context.surge_policy
    window = settings.surge_window_seconds

    async def detect_surges(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            key = event.key
            signal_counts[key] += 1
            current = signal_counts[key].current()
            previous = [signal_counts[key].delta(window * k) for k in range(1, settings.surge_baseline_windows + 1)]
            if policy.is_surge(current, previous):
                country, kind = split_observation_key(key)
                start = window_start(event.message.timestamp, window)
                surge = build_surge_alert(
                    country=country, kind=kind, count=current, baseline=policy.baseline(previous),
                    window_start_ts=start, window_seconds=window, now=utcnow(),
                    dashboard_url=settings.dashboard_url,
                )
                await context.sink.publish_surge(surge, window_start=start)

    return app.agent(topics.observations, name="detect_surges")(detect_surges)
