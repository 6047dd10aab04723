"""Is the Kafka broker answering? A metadata request with a short timeout, on the worker's loop.

Faust and aiokafka retry a lost broker quietly for minutes (a frozen broker left ``/healthz`` ok,
``/readyz`` ready and the lag gauge at 0), so the worker asks the broker itself: every
``broker_probe_interval_seconds`` one Metadata request, answered within
``broker_probe_timeout_seconds`` or counted as down. The result feeds ``flashpoint_broker_up``
and the ``broker`` readiness check, which fails once the broker has been unreachable for longer
than ``broker_unready_after_seconds`` (a blip of one probe does not take a worker out of service).

The probe has its own aiokafka client (same credentials as the worker) rather than borrowing
Faust's: Faust's clients retry internally and can run on another thread's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka.client import AIOKafkaClient

from flashpoint.service.producer import bootstrap_servers
from flashpoint.settings import Settings

log = logging.getLogger(__name__)


def aiokafka_security_kwargs(settings: Settings) -> dict[str, Any]:
    """aiokafka's security arguments from our settings (the worker's own credentials)."""
    protocol = settings.kafka_security_protocol
    kwargs: dict[str, Any] = {"security_protocol": protocol}
    if protocol.endswith("SSL"):
        kwargs["ssl_context"] = ssl.create_default_context(cafile=settings.kafka_ssl_cafile)
    if protocol.startswith("SASL"):
        kwargs["sasl_mechanism"] = settings.kafka_sasl_mechanism
        kwargs["sasl_plain_username"] = settings.kafka_username
        kwargs["sasl_plain_password"] = (
            settings.kafka_password.get_secret_value() if settings.kafka_password else None
        )
    return kwargs


@dataclass
class BrokerHealth:
    """What the probe has seen. ``down_since`` is the start of the first failed probe of the
    current outage (monotonic clock), None while the broker answers."""

    up: bool = True
    down_since: float | None = None
    probes: int = 0

    def unreachable_for(self, now: float) -> float:
        return 0.0 if self.down_since is None else max(now - self.down_since, 0.0)


@dataclass
class BrokerProbe:
    """One Metadata request per :meth:`check`; :attr:`health` and ``on_change`` report it."""

    settings: Settings
    on_change: Callable[[bool], None] = lambda up: None
    clock: Callable[[], float] = time.monotonic
    health: BrokerHealth = field(default_factory=BrokerHealth)
    _client: AIOKafkaClient | None = field(default=None, init=False, repr=False)

    @property
    def timeout(self) -> float:
        return self.settings.broker_probe_timeout_seconds

    async def check(self) -> bool:
        """Ask the broker for cluster metadata; True if it answered within the timeout."""
        started = self.clock()
        try:
            await asyncio.wait_for(self._metadata(), self.timeout)
            up = True
        except Exception as e:  # any failure (timeout included) means "not answering"
            log.debug("broker probe failed: %s: %s", type(e).__name__, e)
            await self._drop_client()
            up = False
        self._record(up, started)
        return up

    def ready(self) -> bool:
        """False once the broker has been unreachable for longer than the setting allows."""
        return self.health.unreachable_for(self.clock()) <= self.settings.broker_unready_after_seconds

    async def close(self) -> None:
        await self._drop_client()

    async def _metadata(self) -> None:
        if self._client is None:
            timeout_ms = max(int(self.timeout * 1000), 100)
            client = AIOKafkaClient(
                bootstrap_servers=bootstrap_servers(self.settings.broker_url),
                client_id=f"{self.settings.app_id}-broker-probe",
                request_timeout_ms=timeout_ms,
                # The probe asks explicitly; no background metadata refresh of its own.
                metadata_max_age_ms=24 * 3600 * 1000,
                **aiokafka_security_kwargs(self.settings),
            )
            self._client = client
            await client.bootstrap()
        await self._client.fetch_all_metadata()

    async def _drop_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.close(), self.timeout)

    def _record(self, up: bool, started: float) -> None:
        health = self.health
        health.probes += 1
        if up and not health.up:
            log.warning("broker reachable again after %.1f s: %s",
                        health.unreachable_for(self.clock()), self.settings.broker_url)
        elif not up and health.up:
            log.error("broker not answering within %.1f s: %s", self.timeout, self.settings.broker_url)
        if up:
            health.down_since = None
        elif health.down_since is None:
            health.down_since = started
        if up != health.up or health.probes == 1:
            self.on_change(up)
        health.up = up
