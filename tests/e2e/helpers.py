"""Helpers for end-to-end tests: waiting on Redis streams and reading Kafka topics back."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from kafka import KafkaConsumer, TopicPartition

from flashpoint.devenv.broker import free_port
from flashpoint.service.producer import bootstrap_servers
from flashpoint.settings import Settings


def stream_alerts(client: redis.Redis, prefix: str) -> list[dict[str, Any]]:
    return [json.loads(fields["alert"]) for _id, fields in client.xrange(f"{prefix}alerts")]


def wait_for(predicate: Callable[[], Any], *, timeout: float, interval: float = 0.2, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")


def read_topic(
    settings: Settings, topic: str, *, expect: int, timeout: float = 30.0,
    until: Callable[[list[dict[str, Any]]], bool] | None = None,
) -> list[dict[str, Any]]:
    """Read JSON values from every partition of ``topic`` from the start until ``expect`` arrived
    (or ``until(values)`` holds, when given)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers(settings.broker_url), enable_auto_commit=False)
    try:
        partitions = wait_for(lambda: consumer.partitions_for_topic(topic), timeout=timeout, what=topic)
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        consumer.seek_to_beginning()
        values: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        done = until or (lambda vs: len(vs) >= expect)
        while not done(values) and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                values.extend(json.loads(r.value) for r in records)
        return values
    finally:
        consumer.close()


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target port on an asyncio loop in its own thread."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.connections_cut = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._transports: set[asyncio.WriteTransport] = set()

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> TcpProxy:
        self._thread.start()
        self.restore()
        return self

    def restore(self) -> None:
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(10)

    def cut(self) -> None:
        """Stop listening (new connections are refused) and abort every open connection."""
        asyncio.run_coroutine_threadsafe(self._cut(), self._loop).result(10)

    def close(self) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for transport in list(self._transports):
            transport.abort()
            self.connections_cut += 1
        self._transports.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        pair = {writer.transport, up_writer.transport}
        self._transports |= pair
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self._transports -= pair

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.transport.abort()
