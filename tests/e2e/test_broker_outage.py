"""A broker outage pages (issue 20): with Tansu frozen (SIGSTOP) for 60 s, ``flashpoint_broker_up``
is 0 within 10 s, ``/readyz`` answers 503, and ``FlashpointBrokerDown`` goes pending in a real
Prometheus; after SIGCONT all three recover and every article is handled exactly once.

A frozen process is the hard case: its port still accepts connections (the kernel completes the
handshake), nothing answers, and every client waits on its own timeout.
"""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
import redis

from flashpoint.devenv.broker import TansuBroker
from flashpoint.devenv.processes import WorkerProcess, isolated_env, settings_from_env
from flashpoint.service.producer import ArticleProducer, ensure_topics
from tests.deploy.support import WORKER_JOB
from tests.e2e.helpers import read_topic, wait_for
from tests.e2e.prometheus import running_prometheus
from tests.e2e.test_worker_logs import non_json_lines

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
OUTAGE_SECONDS = 60.0
ARTICLES = 40
PENDING = f'ALERTS{{alertname="FlashpointBrokerDown", alertstate="pending", job="{WORKER_JOB}"}}'


def article(n: int) -> dict[str, str]:
    if n % 4 == 0:
        text = (f"Rebels of brigade {n} seized the town of Kidal{n} in northern Mali on day {n}, and "
                f"the army ordered the mobilization of {1000 + n} reservists.")
    else:
        text = f"The regional council approved budget line {n} for schools and parks after debate."
    return {"id": f"outage-{n}", "source": "e2e", "text": text}


@pytest.fixture
def own_broker() -> Iterator[TansuBroker]:
    """A broker of this test alone: freezing the session's broker would stall every other test."""
    broker = TansuBroker().start()
    try:
        yield broker
    finally:
        if broker.pid is not None:
            os.kill(broker.pid, signal.SIGCONT)
        broker.stop()


def _readyz(worker: WorkerProcess) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(f"{worker.base_url}/readyz", timeout=3) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def _broker_up(worker: WorkerProcess) -> float | None:
    try:
        text = worker.metrics_text()
    except OSError:
        return None
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith("flashpoint_broker_up ")]
    return values[0] if values else None


def test_a_frozen_broker_is_seen_within_seconds_and_everything_recovers_without_loss(
    own_broker: TansuBroker, redis_url: str
) -> None:
    env = isolated_env(own_broker.url, redis_url, label="outage")
    settings = settings_from_env(env)
    ensure_topics(settings)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    worker = WorkerProcess(env).start()
    assert own_broker.pid is not None
    try:
        worker.wait_ready()
        with running_prometheus({WORKER_JOB: [f"127.0.0.1:{worker.web_port}"]}) as prometheus:
            with ArticleProducer(settings) as producer:
                for n in range(ARTICLES // 2):
                    producer.send(article(n))
            wait_for(lambda: _broker_up(worker) == 1, timeout=30, what="flashpoint_broker_up 1")
            wait_for(lambda: prometheus.value(f'flashpoint_broker_up{{job="{WORKER_JOB}"}}') == 1, timeout=30,
                     what="Prometheus to scrape broker_up 1")

            os.kill(own_broker.pid, signal.SIGSTOP)
            frozen_at = time.monotonic()
            wait_for(lambda: _broker_up(worker) == 0, timeout=10, interval=0.5,
                     what="flashpoint_broker_up 0 within 10 s of the freeze")
            seen_down = time.monotonic() - frozen_at
            wait_for(lambda: _readyz(worker)[0] == 503, timeout=settings.broker_unready_after_seconds + 15,
                     what="/readyz 503")
            _status, body = _readyz(worker)
            assert body.get("broker") is False, body
            wait_for(lambda: prometheus.query(PENDING), timeout=20, what="FlashpointBrokerDown pending")
            assert worker.alive(), "an outage must not kill the worker"
            time.sleep(max(OUTAGE_SECONDS - (time.monotonic() - frozen_at), 0))
            os.kill(own_broker.pid, signal.SIGCONT)

            wait_for(lambda: _broker_up(worker) == 1, timeout=30, what="flashpoint_broker_up back to 1")
            wait_for(lambda: _readyz(worker)[0] == 200, timeout=60, what="/readyz 200 again")
            with ArticleProducer(settings) as producer:
                for n in range(ARTICLES // 2, ARTICLES):
                    producer.send(article(n))
            expected = {f"outage-{n}" for n in range(ARTICLES)}
            analyzed = read_topic(settings, settings.topic_analyzed, expect=ARTICLES, timeout=120,
                                  until=lambda vs: {v["id"] for v in vs} >= expected)
            assert {record["id"] for record in analyzed} >= expected
            wait_for(lambda: not prometheus.query(
                f'ALERTS{{alertname="FlashpointBrokerDown", job="{WORKER_JOB}"}}'), timeout=30,
                what="FlashpointBrokerDown to clear")
        alerts = [json.loads(f["alert"]) for _i, f in client.xrange(f"{settings.redis_key_prefix}alerts")]
        ids = [a["id"] for a in alerts]
        assert len(ids) == len(set(ids)), "an alert was written twice"
        handled = sum(1 for _ in client.scan_iter(f"{settings.redis_key_prefix}article:*"))
        assert handled == ARTICLES // 4, "every alerting article is handled exactly once"
        assert worker.log_path is not None
        assert not non_json_lines(worker.log_path), "every line, errors of the outage included, is JSON"
        print(f"broker_up went to 0 {seen_down:.1f} s after the freeze")
    except AssertionError as e:
        raise AssertionError(f"{e}\n--- worker log ---\n{worker.tail_log(60)}") from e
    finally:
        worker.stop()
        keys = list(client.scan_iter(f"{settings.redis_key_prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()
