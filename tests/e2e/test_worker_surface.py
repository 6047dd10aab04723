"""The worker's HTTP port serves /metrics, /healthz and /readyz and nothing else: Faust's /router
(the partition map) and /table (table contents) views are off, and /alerts moved to
``flashpoint api``."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from flashpoint.devenv.broker import TansuBroker
from flashpoint.devenv.processes import WorkerProcess, isolated_env, settings_from_env
from flashpoint.service.producer import ensure_topics

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def worker(broker: TansuBroker, redis_url: str) -> Iterator[WorkerProcess]:
    env = isolated_env(broker.url, redis_url, label="surface")
    ensure_topics(settings_from_env(env))
    started = WorkerProcess(env).start()
    try:
        started.wait_ready()
        yield started
    finally:
        started.stop()


def status(worker: WorkerProcess, path: str) -> int:
    try:
        with urllib.request.urlopen(worker.base_url + path, timeout=5) as response:  # noqa: S310 - loopback
            return int(response.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


@pytest.mark.parametrize("path", ["/router/", "/router/topics", "/table/", "/table/signal-counts/",
                                  "/alerts", "/alerts?count=500&country=ZZ", "/", "/graph/", "/stats/"])
def test_nothing_but_metrics_and_health_is_served(worker: WorkerProcess, path: str) -> None:
    assert status(worker, path) == 404


@pytest.mark.parametrize("path", ["/metrics", "/healthz", "/readyz"])
def test_metrics_and_health_are_served(worker: WorkerProcess, path: str) -> None:
    assert status(worker, path) == 200
