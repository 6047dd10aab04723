"""Secrets never reach a log line, and the worker's HTTP endpoints listen on loopback unless told
otherwise.

The last test drives a real worker process against a password-protected Redis (which it then
stops, so the sink logs its connection failures) and reads the worker's whole log back.
"""

from __future__ import annotations

import logging
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from flashpoint.devenv.broker import TansuBroker, free_port, redis_server_binary
from flashpoint.devenv.processes import WorkerProcess, redis_answers
from flashpoint.service.logs import RedactingFilter, redact
from flashpoint.service.producer import ArticleProducer, ensure_topics
from flashpoint.settings import Settings
from tests.fixtures import CANONICAL

PASSWORD = "hunter2-s3cr3t-Pw"


@pytest.mark.parametrize(
    "line",
    [
        f"connecting to redis://:{PASSWORD}@10.0.0.5:6379/0",
        f"connecting to rediss://alerts:{PASSWORD}@redis.internal:6380/1 failed",
        f"broker kafka://svc:{PASSWORD}@kafka-1:9093;kafka://svc:{PASSWORD}@kafka-2:9093",
        f"sasl config password={PASSWORD} mechanism=PLAIN",
        f"{{'sasl_plain_password': '{PASSWORD}'}}",
        f'{{"password": "{PASSWORD}"}}',
        f"CONFIG SET requirepass {PASSWORD}",
        f"AUTH {PASSWORD}",
        f"AUTH alerts {PASSWORD}",
        f"token: {PASSWORD}",
    ],
)
def test_redact_removes_the_secret_from_a_line(line: str) -> None:
    assert PASSWORD not in redact(line)


def test_redact_keeps_the_rest_of_a_url_readable() -> None:
    assert redact(f"redis://alerts:{PASSWORD}@redis.internal:6380/1") == "redis://alerts:***@redis.internal:6380/1"


def test_redact_leaves_a_line_without_secrets_alone() -> None:
    line = "redis publish failed (attempt 3), retrying with backoff: ConnectionError"
    assert redact(line) == line


def test_the_redacting_filter_cleans_a_secret_passed_as_a_format_argument() -> None:
    record = logging.LogRecord("redis", logging.WARNING, __file__, 1, "cannot connect to %s",
                               (f"redis://:{PASSWORD}@127.0.0.1:6379/0",), None)
    assert RedactingFilter().filter(record) is True
    assert PASSWORD not in record.getMessage()


def test_settings_never_show_the_redis_or_kafka_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHPOINT_REDIS_URL", f"redis://:{PASSWORD}@127.0.0.1:6379/0")
    monkeypatch.setenv("FLASHPOINT_KAFKA_PASSWORD", PASSWORD)
    settings = Settings(_env_file=None)
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in str(settings.model_dump())
    assert settings.redis_dsn.endswith("@127.0.0.1:6379/0")


def test_the_worker_web_server_binds_to_loopback_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FLASHPOINT_WEB_BIND", "FLASHPOINT_WEB_HOST"):
        monkeypatch.delenv(name, raising=False)
    assert Settings(_env_file=None).web_bind == "127.0.0.1"


def test_the_faust_app_serves_metrics_on_the_configured_loopback_address() -> None:
    from streams.app import build_app

    app = build_app(Settings(_env_file=None, web_port=16066))
    assert app.conf.web_bind == "127.0.0.1"
    assert app.conf.web_host == "127.0.0.1"


# --- a real worker with a password-protected Redis ---------------------------------------------


@pytest.fixture
def protected_redis() -> Iterator[str]:
    """A throwaway redis-server requiring PASSWORD; yields its URL (with the password)."""
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


@pytest.mark.e2e
@pytest.mark.slow
def test_a_worker_log_never_shows_the_redis_password_even_when_redis_fails(
    protected_redis: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASHPOINT_WORKER_LOGLEVEL", "info")  # Faust's own start-up lines too
    run = uuid.uuid4().hex[:8]
    with TansuBroker() as broker:
        env = {
            "FLASHPOINT_BROKER_URL": broker.url, "FLASHPOINT_REDIS_URL": protected_redis,
            "FLASHPOINT_REDIS_KEY_PREFIX": f"flashpoint-test:{run}:", "FLASHPOINT_APP_ID": f"fp-sec-{run}",
            "FLASHPOINT_TOPIC_RAW": f"articles.raw.{run}", "FLASHPOINT_TOPIC_ANALYZED": f"articles.analyzed.{run}",
            "FLASHPOINT_TOPIC_DEAD": f"articles.dead.{run}", "FLASHPOINT_LOG_LEVEL": "DEBUG",
            "FLASHPOINT_LOG_FORMAT": "json", "FLASHPOINT_REDIS_RETRY_MAX_SECONDS": "0.5",
        }
        fields: dict[str, Any] = {k.removeprefix("FLASHPOINT_").lower(): v for k, v in env.items()}
        settings = Settings(_env_file=None, **fields)
        ensure_topics(settings)
        client = redis.Redis.from_url(protected_redis, decode_responses=True)
        worker = WorkerProcess(env).start()
        try:
            worker.wait_ready()
            with ArticleProducer(settings) as producer:
                producer.send({"id": "first", "text": CANONICAL.read_text(encoding="utf-8")})
            wait_until(lambda: any(client.scan_iter(f"{settings.redis_key_prefix}article:first:*")), 90)
            client.shutdown(nosave=True)  # from now on every sink call fails and is logged
            with ArticleProducer(settings) as producer:
                producer.send({"id": "second", "text": CANONICAL.read_text(encoding="utf-8") + "\n\nMore."})
            wait_until(lambda: worker.tail_log(400).count("retrying with backoff") >= 3, 60)
        finally:
            worker.stop()
            client.close()
    assert worker.log_path is not None
    log = worker.log_path.read_text(errors="replace")
    assert "retrying with backoff" in log  # the failure path was logged...
    assert PASSWORD not in log  # ...without the password


def wait_until(predicate: Callable[[], object], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s"
        time.sleep(0.1)
