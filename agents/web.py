"""Worker HTTP endpoints on the Faust web port: /metrics, /healthz, /readyz, /alerts, and a timer
that refreshes the consumer-lag gauge."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from agents.runtime import context
from flashpoint.service.alerts import alert_matches
from flashpoint.service.lag import LagProbe
from streams.app import app, settings

_lag_probe = LagProbe(settings, settings.topic_raw)


@app.page("/metrics")
async def metrics_view(web: Any, request: Any) -> Any:
    body = generate_latest(context.metrics.registry)
    return web.bytes(body, content_type=CONTENT_TYPE_LATEST.split(";")[0])


@app.page("/healthz")
async def health_view(web: Any, request: Any) -> Any:
    return web.json({"status": "ok"})


@app.page("/readyz")
async def ready_view(web: Any, request: Any) -> Any:
    # Faust's web server answers long before the worker has joined its group: ready means the
    # first assignment is done and its tables recovered (streams are flowing), Redis answers and
    # no rebalance is in progress.
    redis_ok = await context.sink.ping()
    recovered = bool(cast(Any, app.tables).recovery.completed.is_set())  # TableManager, untyped attr
    ready = redis_ok and recovered and not app.rebalancing
    return web.json({"ready": ready, "redis": redis_ok, "recovered": recovered,
                     "rebalancing": app.rebalancing}, status=200 if ready else 503)


@app.page("/alerts")
async def alerts_view(web: Any, request: Any) -> Any:
    query = request.query
    count = min(int(query.get("count", "50")), 500)
    alerts = await context.sink.latest_alerts(count * 4 if query else count)
    selected = [
        a for a in alerts
        if alert_matches(
            a,
            countries=[c for c in query.get("country", "").split(",") if c],
            min_severity=query.get("min_severity") or None,
            kinds=[k for k in query.get("kind", "").split(",") if k],
        )
    ][:count]
    return web.json({"alerts": selected})


@app.timer(interval=10.0)  # type: ignore[untyped-decorator]  # faust timers are untyped
async def refresh_consumer_lag() -> None:
    lag = await asyncio.get_running_loop().run_in_executor(None, _lag_probe.measure)
    for partition, value in lag.items():
        context.metrics.consumer_lag.labels(settings.topic_raw, str(partition)).set(value)
