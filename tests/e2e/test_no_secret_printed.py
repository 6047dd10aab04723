"""No secret anywhere: every line a worker, the demo and the CLI print, with the password set in
the broker URL, the Kafka password and the Redis URL, is searched for it.

Faust's start-up banner used to show ``FLASHPOINT_BROKER_URL`` in full (credentials included) in
its ``transport`` row; the worker no longer goes through Faust's command line, so there is no
banner, and the URLs that are printed are redacted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from flashpoint.devenv.broker import TansuBroker, free_port, redis_server_binary
from flashpoint.devenv.processes import WorkerProcess, isolated_env, redis_answers, settings_from_env
from flashpoint.service.producer import ArticleProducer, ensure_topics

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "Sesame-5ecret-Pw-0042"
SAMPLE = Path(__file__).resolve().parents[2] / "flashpoint" / "samples" / "afghan-troops-flee-to-tajikistan.txt"


@pytest.fixture(scope="module")
def protected_redis() -> Iterator[str]:
    if redis_server_binary() is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--requirepass", PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )
    url = f"redis://:{PASSWORD}@127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while not redis_answers(url):
            assert time.monotonic() < deadline, "password-protected redis-server did not start"
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def secret_env(broker: TansuBroker, protected_redis: str) -> dict[str, str]:
    env = isolated_env(broker.url, protected_redis, label="secret")
    env.update({
        # credentials in the broker URL, as an operator might write them
        "FLASHPOINT_BROKER_URL": f"kafka://svc:{PASSWORD}@{broker.bootstrap}",
        "FLASHPOINT_KAFKA_PASSWORD": PASSWORD,
        "FLASHPOINT_LOG_LEVEL": "DEBUG",
    })
    return env


def test_a_worker_prints_no_secret_from_start_to_stop(secret_env: dict[str, str], protected_redis: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHPOINT_WORKER_LOGLEVEL", "info")  # Faust's own start-up lines too
    settings = settings_from_env(secret_env)
    ensure_topics(settings)
    client = redis.Redis.from_url(protected_redis, decode_responses=True)
    worker = WorkerProcess(dict(secret_env)).start()
    try:
        worker.wait_ready()
        with ArticleProducer(settings) as producer:
            producer.send({"id": "secret-1", "text": SAMPLE.read_text(encoding="utf-8"),
                           "url": f"https://reader:{PASSWORD}@news.example/a"})
        deadline = time.monotonic() + 90
        while not client.xlen(f"{settings.redis_key_prefix}alerts"):
            assert time.monotonic() < deadline, worker.tail_log()
            time.sleep(0.2)
        stored = client.xrange(f"{settings.redis_key_prefix}alerts")
    finally:
        worker.stop()
        client.close()
    assert worker.log_path is not None
    log = worker.log_path.read_text(errors="replace")
    assert len(log.splitlines()) > 5  # it did print: start-up, and the debug lines
    assert PASSWORD not in log
    assert PASSWORD not in str(stored)  # the feed link's credentials are not in the alert either


def run_cli(args: list[str], env: dict[str, str], timeout: float = 240) -> str:
    done = subprocess.run([sys.executable, "-m", "flashpoint.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=timeout, check=False)
    return done.stdout + done.stderr


def test_the_demo_prints_no_secret(secret_env: dict[str, str]) -> None:
    env = {k: v for k, v in secret_env.items() if k != "FLASHPOINT_REDIS_KEY_PREFIX"}
    output = run_cli(["demo", "--exit-when-done", "--duration", "150"], env)
    assert "alerted" in output or "ready" in output, output[-3000:]
    assert PASSWORD not in output


@pytest.mark.parametrize("args", [
    ["produce", str(SAMPLE)],
    ["tail", "--count", "1", "--timeout", "1"],
    ["worker", "--help"],
])
def test_the_cli_prints_no_secret(secret_env: dict[str, str], args: list[str]) -> None:
    assert PASSWORD not in run_cli(args, secret_env, timeout=120)


def test_a_cli_error_about_an_unreachable_redis_prints_no_secret(secret_env: dict[str, str]) -> None:
    env = {**secret_env, "FLASHPOINT_REDIS_URL": f"redis://:{PASSWORD}@127.0.0.1:{free_port()}/0"}
    output = run_cli(["tail", "--count", "1", "--timeout", "1"], env, timeout=60)
    assert output.strip()  # it said something
    assert PASSWORD not in output
