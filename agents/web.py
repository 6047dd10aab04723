"""Worker HTTP endpoints on the Faust web port: /metrics, /healthz and /readyz, nothing else, and the
timers that probe the broker (flashpoint_broker_up, the ``broker`` readiness check) and refresh the
consumer-lag gauge (in a thread of its own, never while the broker is down).

The port is bound to 0.0.0.0 in compose and Kubernetes (for scraping), unauthenticated, so it
serves no data: Faust's own views (/router, the partition map; /table, table contents; its "/"
index) are off, and alerts are read through ``flashpoint api``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import faust
from faust.web.base import BlueprintManager
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from flashpoint.service.broker_health import BrokerProbe
from flashpoint.service.health import Readiness
from flashpoint.service.lag import LagProbe, LagRefresher
from flashpoint.service.worker import WorkerContext


def register(app: faust.App, context: WorkerContext) -> Readiness:
    settings, metrics, sink = context.settings, context.metrics, context.sink
    broker = BrokerProbe(settings, on_change=lambda up: metrics.broker_up.set(1 if up else 0))

    def publish_lag(lag: Mapping[int, int]) -> None:
        for partition, value in lag.items():
            metrics.consumer_lag.labels(settings.topic_raw, str(partition)).set(value)

    lag = LagRefresher(LagProbe(settings, settings.topic_raw), publish_lag, broker_up=lambda: broker.health.up)

    async def recovered() -> bool:
        # Faust's web server answers long before the worker has joined its group: ready means the
        # first assignment is done and its tables recovered (streams are flowing).
        return bool(cast(Any, app.tables).recovery.completed.is_set())  # TableManager, untyped attr

    async def not_rebalancing() -> bool:
        return not app.rebalancing

    async def broker_reachable() -> bool:
        # Unreachable for longer than broker_unready_after_seconds (one lost probe is no outage).
        return broker.ready()

    readiness = Readiness({"redis": sink.ping, "recovered": recovered, "not_rebalancing": not_rebalancing,
                           "broker": broker_reachable})

    async def metrics_view(web: Any, request: Any) -> Any:
        body = generate_latest(metrics.registry)
        return web.bytes(body, content_type=CONTENT_TYPE_LATEST.split(";")[0])

    async def health_view(web: Any, request: Any) -> Any:
        return web.json({"status": "ok"})

    async def ready_view(web: Any, request: Any) -> Any:
        ready, checks = await readiness.evaluate()
        return web.json({"ready": ready, **checks}, status=200 if ready else 503)

    async def probe_broker() -> None:
        await broker.check()

    async def refresh_consumer_lag() -> None:
        lag.tick()  # starts a measurement in its thread, or skips; never waits

    app.page("/metrics", name="metrics")(metrics_view)
    app.page("/healthz", name="healthz")(health_view)
    app.page("/readyz", name="readyz")(ready_view)
    # Faust mounts its router and table views (off in streams/app.py) and a "/" index: none.
    app.web.blueprints = BlueprintManager([])
    app.timer(interval=settings.broker_probe_interval_seconds, name="probe_broker")(probe_broker)
    app.timer(interval=10.0, name="refresh_consumer_lag")(refresh_consumer_lag)
    return readiness
