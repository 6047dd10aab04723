"""Fixtures for ingest tests: a loopback HTTP server playing publisher, and a real broker."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest

from flashpoint.devenv.broker import TansuBroker
from flashpoint.service.ingest.fetch import FetchPolicy
from flashpoint.service.producer import ensure_topics
from flashpoint.settings import Settings
from tests.service.ingest.local_publisher import LocalPublisher, publisher_handler


@pytest.fixture
def publisher() -> Iterator[LocalPublisher]:
    pub = LocalPublisher()
    server = ThreadingHTTPServer(("127.0.0.1", 0), publisher_handler(pub))
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
