"""Consumer lag of our consumer group on the input topic, measured with kafka-python.

Lag is the end offset minus the group's committed offset per partition: what a restart would
still have to process. (On Tansu the end offset can be short for multi-record batches; see
docs/operations.md.)

kafka-python blocks, so a measurement runs in a thread of its own, with request timeouts of a
few seconds instead of the library's 30 s and more, and :class:`LagRefresher` starts one only
when none is running and the broker answers: the worker's event loop never waits on it, and a
lost broker costs one timed-out measurement, not a pile of them ("Timer refresh_consumer_lag
is overlapping ... runtime=30.03" before).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from flashpoint.service.producer import bootstrap_servers, kafka_security_kwargs
from flashpoint.settings import Settings

log = logging.getLogger(__name__)

# kafka-python's defaults (request 30 s, consumer 305 s) turn one lost broker into minutes of
# blocked thread; a measurement every few seconds needs answers within seconds or not at all.
REQUEST_TIMEOUT_MS = 5_000
BOOTSTRAP_TIMEOUT_MS = 5_000


class LagProbe:
    def __init__(self, settings: Settings, topic: str) -> None:
        self.settings = settings
        self.topic = topic
        self._admin: KafkaAdminClient | None = None
        self._consumer: KafkaConsumer | None = None

    def _clients(self) -> tuple[KafkaAdminClient, KafkaConsumer]:
        if self._admin is None or self._consumer is None:
            servers = bootstrap_servers(self.settings.broker_url)
            security = kafka_security_kwargs(self.settings)
            timeouts = {"request_timeout_ms": REQUEST_TIMEOUT_MS, "bootstrap_timeout_ms": BOOTSTRAP_TIMEOUT_MS}
            self._admin = KafkaAdminClient(bootstrap_servers=servers, **timeouts, **security)
            self._consumer = KafkaConsumer(
                bootstrap_servers=servers, enable_auto_commit=False, **timeouts,
                # must exceed the request timeout (kafka-python checks); never used, we do not poll
                session_timeout_ms=REQUEST_TIMEOUT_MS - 1_000, heartbeat_interval_ms=1_000,
                **security,
            )
        return self._admin, self._consumer

    def measure(self) -> dict[int, int]:
        """Lag per partition; empty when the broker cannot be asked right now."""
        try:
            admin, consumer = self._clients()
            partitions = consumer.partitions_for_topic(self.topic) or set()
            tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
            if not tps:
                return {}
            ends = consumer.end_offsets(tps)
            group = self.settings.app_id
            if hasattr(admin, "list_group_offsets"):  # kafka-python >= 3: {group: partitions}
                committed = admin.list_group_offsets({group: tps}).get(group, {})
            else:
                committed = admin.list_consumer_group_offsets(group, partitions=tps)
        except Exception as e:
            log.warning("consumer lag probe failed: %s: %s", type(e).__name__, e)
            self.close()
            return {}
        lag = {}
        for tp in tps:
            meta = committed.get(tp)
            position = meta.offset if meta is not None and meta.offset >= 0 else 0
            lag[tp.partition] = max(int(ends.get(tp, 0)) - position, 0)
        return lag

    def close(self) -> None:
        for client in (self._consumer, self._admin):
            if client is not None:
                with contextlib.suppress(KafkaError, OSError):
                    client.close()
        self._admin = self._consumer = None


class LagRefresher:
    """Runs :meth:`LagProbe.measure` in its own thread, one at a time, and hands each result to
    ``publish``. :meth:`tick` returns at once: call it from a timer of any interval."""

    def __init__(
        self,
        probe: LagProbe,
        publish: Callable[[Mapping[int, int]], None],
        *,
        broker_up: Callable[[], bool] = lambda: True,
    ) -> None:
        self.probe = probe
        self.publish = publish
        self.broker_up = broker_up
        self.skipped = 0
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lag-probe")
        self._running: asyncio.Future[dict[int, int]] | None = None

    def tick(self) -> asyncio.Future[dict[int, int]] | None:
        """Start a measurement unless one is still running or the broker is known to be down
        (the last values stay: lag cannot be known without the broker)."""
        if (self._running is not None and not self._running.done()) or not self.broker_up():
            self.skipped += 1
            return None
        future = asyncio.get_running_loop().run_in_executor(self._executor, self.probe.measure)
        future.add_done_callback(self._done)
        self._running = future
        return future

    def _done(self, future: asyncio.Future[dict[int, int]]) -> None:
        if not future.cancelled() and future.exception() is None and (lag := future.result()):
            self.publish(lag)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.probe.close()
