"""End-to-end fixtures: a real Tansu broker, real Redis (own key prefix, cleaned up), real worker
processes.

Fixtures other e2e tests use:
- ``broker`` (session): a running :class:`flashpoint.devenv.broker.TansuBroker`.
- ``redis_url`` (session): a Redis that answers (the machine's, or one started here).
- ``e2e_env``: environment for a worker: broker URL, Redis URL and a fresh key prefix; topics
  are created with a unique suffix so tests do not see each other's messages.
- ``settings``: :class:`Settings` matching ``e2e_env``.
- ``running_worker``: a started, ready :class:`WorkerProcess` for ``e2e_env``.
- ``redis_client``: a decode_responses client; every key under the test's prefix is deleted after.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis

from flashpoint.devenv.broker import TansuBroker
from flashpoint.devenv.processes import RedisServer, WorkerProcess, isolated_env, redis_answers, settings_from_env
from flashpoint.service.producer import ensure_topics
from flashpoint.settings import Settings

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def broker() -> Iterator[TansuBroker]:
    with TansuBroker() as b:
        yield b


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = os.environ.get("FLASHPOINT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    if redis_answers(url):
        yield url
        return
    server = RedisServer().start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def e2e_env(broker: TansuBroker, redis_url: str) -> dict[str, str]:
    return isolated_env(broker.url, redis_url, label="test")


@pytest.fixture
def settings(e2e_env: dict[str, str]) -> Settings:
    s = settings_from_env(e2e_env)
    ensure_topics(s)
    return s


@pytest.fixture
def redis_client(redis_url: str, e2e_env: dict[str, str]) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    keys = list(client.scan_iter(f"{e2e_env['FLASHPOINT_REDIS_KEY_PREFIX']}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def running_worker(e2e_env: dict[str, str], settings: Settings) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(dict(e2e_env)).start()
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()
