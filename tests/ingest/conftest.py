"""Fixtures for ingest tests: a loopback HTTP server playing publisher, and a real broker."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition

from flashpoint.broker import TansuBroker
from flashpoint.ingest.fetch import FetchPolicy
from flashpoint.producer import bootstrap_servers, ensure_topics
from flashpoint.settings import Settings


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    # Stream this many bytes in chunks with no Content-Length, to test the streaming cut-off.
    stream_bytes: int = 0
    redirect_to: str | None = None


@dataclass
class LocalPublisher:
    """A publisher's web server on 127.0.0.1; counts requests and conditional (304) answers."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    not_modified: Counter[str] = field(default_factory=Counter)
    user_agents: list[str] = field(default_factory=list)
    started: dict[str, list[float]] = field(default_factory=dict)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _handler(publisher: LocalPublisher) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        def do_GET(self) -> None:
            publisher.hits[self.path] += 1
            publisher.started.setdefault(self.path, []).append(time.monotonic())
            publisher.user_agents.append(self.headers.get("User-Agent", ""))
            route = publisher.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.delay:
                time.sleep(route.delay)
            if route.redirect_to:
                self.send_response(302)
                self.send_header("Location", route.redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified
            ):
                publisher.not_modified[self.path] += 1
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            try:
                if route.stream_bytes:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    chunk = b"<p>" + b"x" * 65_530 + b"</p>"
                    sent = 0
                    while sent < route.stream_bytes:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                    return
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client cut us off, which is what some tests want

    return Handler


@pytest.fixture
def publisher() -> Iterator[LocalPublisher]:
    pub = LocalPublisher()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(pub))
    server.daemon_threads = True
    pub.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield pub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def fast_policy() -> FetchPolicy:
    """Short timeouts and no per-host delay: the tests' publisher is local and patient."""
    return FetchPolicy(
        connect_timeout=1.0,
        read_timeout=0.5,
        total_timeout=3.0,
        max_page_bytes=200_000,
        per_host_delay=0.0,
        per_host_concurrency=4,
        allow_private_pages=True,  # the publisher is on loopback
    )


@pytest.fixture(scope="session")
def broker() -> Iterator[TansuBroker]:
    with TansuBroker() as b:
        yield b


@pytest.fixture
def kafka_settings(broker: TansuBroker) -> Settings:
    """Settings with a topic of its own, so tests never read each other's articles."""
    settings = Settings(
        broker_url=broker.url,
        topic_raw=f"ingest-test-{uuid.uuid4().hex[:10]}",
        topic_partitions=1,
    )
    ensure_topics(settings)
    return settings


def read_topic(settings: Settings, *, expect: int, timeout: float = 10.0, settle: float = 0.7) -> list[bytes]:
    """Every message on the (one-partition) raw topic: wait for ``expect``, then a little longer
    to catch any extra copy."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers(settings.broker_url),
        enable_auto_commit=False,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=1_000,
        consumer_timeout_ms=200,
    )
    try:
        tp = TopicPartition(settings.topic_raw, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        values: list[bytes] = []
        deadline = time.monotonic() + timeout
        settle_until: float | None = None
        while time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=200).values():
                values.extend(r.value for r in records)
            if len(values) >= expect:
                settle_until = settle_until or time.monotonic() + settle
                if time.monotonic() >= settle_until:
                    break
        return values
    finally:
        consumer.close()
