"""The ingester's HTTP endpoints: ``/metrics`` for Prometheus and ``/healthz`` for liveness.

Served by aiohttp on the poller's own event loop, so a loop blocked by a poll also stops
answering ``/healthz``, which is what a liveness probe should see. Feeds that fail do not make
the ingester unhealthy: a restart cannot fix a publisher, and the alert rules report them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from flashpoint.service.ingest.metrics import IngestMetrics


@dataclass
class IngestWebServer:
    """``/metrics`` and ``/healthz`` on ``bind:port`` while :attr:`polling` runs."""

    metrics: IngestMetrics
    bind: str
    port: int
    polling: asyncio.Future[Any] | None = None
    _runner: web.AppRunner | None = field(default=None, init=False, repr=False)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._health)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.bind, self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _metrics(self, request: web.Request) -> web.Response:
        body = generate_latest(self.metrics.registry)
        return web.Response(body=body, content_type=CONTENT_TYPE_LATEST.split(";")[0], charset="utf-8")

    async def _health(self, request: web.Request) -> web.Response:
        polling = self.polling is not None and not self.polling.done()
        feeds, feeds_up = self.metrics.feeds_up()
        body = {"status": "ok" if polling else "stopped", "feeds": feeds, "feeds_up": feeds_up}
        return web.json_response(body, status=200 if polling else 503)
