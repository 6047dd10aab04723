"""Worker HTTP endpoints on the Faust web port: /metrics, /healthz, /readyz, /alerts, and the
timers that probe the broker (flashpoint_broker_up, the ``broker`` readiness check) and refresh
the consumer-lag gauge (in a thread of its own, never while the broker is down)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from agents.runtime import context
from flashpoint.service.alerts import alert_matches
from flashpoint.service.broker_health import BrokerProbe
from flashpoint.service.lag import LagProbe, LagRefresher
from streams.app import app, settings

_broker = BrokerProbe(settings, on_change=lambda up: context.metrics.broker_up.set(1 if up else 0))


def _publish_lag(lag: Mapping[int, int]) -> None:
    for partition, value in lag.items():
        context.metrics.consumer_lag.labels(settings.topic_raw, str(partition)).set(value)


_lag = LagRefresher(LagProbe(settings, settings.topic_raw), _publish_lag, broker_up=lambda: _broker.health.up)


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
    # The broker: not unreachable for longer than broker_unready_after_seconds (one lost probe is
    # no outage).
    redis_ok = await context.sink.ping()
    recovered = bool(cast(Any, app.tables).recovery.completed.is_set())  # TableManager, untyped attr
    broker_ok = _broker.ready()
    ready = redis_ok and recovered and not app.rebalancing and broker_ok
    return web.json({"ready": ready, "redis": redis_ok, "recovered": recovered,
                     "rebalancing": app.rebalancing, "broker": broker_ok}, status=200 if ready else 503)


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


@app.timer(interval=settings.broker_probe_interval_seconds)  # type: ignore[untyped-decorator]
async def probe_broker() -> None:
    await _broker.check()


@app.timer(interval=10.0)  # type: ignore[untyped-decorator]  # faust timers are untyped
async def refresh_consumer_lag() -> None:
    _lag.tick()  # starts a measurement in its thread, or skips; never waits
