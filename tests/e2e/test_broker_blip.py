"""A network blip between the worker and the broker: the worker reconnects and resumes from its
committed offsets; nothing is lost and no alert is written twice (issue 10).

The broker advertises a proxy's address, so every client connection (bootstrap and the
advertised one) goes through the proxy, which the test cuts for ten seconds mid-stream.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import redis

from flashpoint.devenv.broker import TansuBroker, free_port
from flashpoint.devenv.processes import WorkerProcess, isolated_env, settings_from_env
from flashpoint.service.producer import ArticleProducer, ensure_topics
from tests.e2e.helpers import TcpProxy, read_topic, wait_for

pytestmark = pytest.mark.slow
ARTICLES = 300
BLIP_SECONDS = 10.0


def article(n: int) -> dict[str, str]:
    if n % 10 == 0:
        text = (f"Rebels of the front number {n} seized the town of Kidal{n} in northern Mali on "
                f"day {n}, and the army ordered the mobilization of {1000 + n} reservists.")
    else:
        text = f"The regional council approved budget line {n} for schools and parks after debate."
    return {"id": f"blip-{n}", "source": "e2e", "text": text}


@pytest.fixture
def proxied_broker() -> Iterator[tuple[TansuBroker, TcpProxy]]:
    broker_port = free_port()
    proxy = TcpProxy(broker_port)
    broker = TansuBroker(port=broker_port, advertised_port=proxy.port).start()
    proxy.start()
    try:
        yield broker, proxy
    finally:
        proxy.close()
        broker.stop()


def test_worker_resumes_after_a_broker_blip_without_loss_or_duplicate_alerts(
    proxied_broker: tuple[TansuBroker, TcpProxy], redis_url: str
) -> None:
    broker, proxy = proxied_broker
    env = isolated_env(broker.url, redis_url, label="blip")
    settings = settings_from_env(env)
    ensure_topics(settings)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    worker = WorkerProcess(env).start()
    try:
        worker.wait_ready()
        with ArticleProducer(settings) as producer:
            for n in range(ARTICLES // 2):
                producer.send(article(n))
        wait_for(lambda: client.exists(f"{settings.redis_key_prefix}alerts"), timeout=60, what="first alerts")
        proxy.cut()
        assert proxy.connections_cut > 0, "the worker's broker connections go through the proxy"
        time.sleep(BLIP_SECONDS)
        assert worker.alive(), "a blip must not kill the worker"
        proxy.restore()
        with ArticleProducer(settings) as producer:
            for n in range(ARTICLES // 2, ARTICLES):
                producer.send(article(n))
        expected = {f"blip-{n}" for n in range(ARTICLES)}
        analyzed = read_topic(settings, settings.topic_analyzed, expect=ARTICLES, timeout=120,
                              until=lambda vs: {v["id"] for v in vs} >= expected)
        assert {record["id"] for record in analyzed} == expected
        alerts = [json.loads(f["alert"]) for _i, f in client.xrange(f"{settings.redis_key_prefix}alerts")]
        ids = [a["id"] for a in alerts]
        assert len(ids) == len(set(ids)), "an alert was written twice"
        handled = sum(1 for _ in client.scan_iter(f"{settings.redis_key_prefix}article:*"))
        assert handled == ARTICLES // 10, "every alerting article is handled exactly once"
    finally:
        worker.stop()
        keys = list(client.scan_iter(f"{settings.redis_key_prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()
