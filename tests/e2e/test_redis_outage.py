"""Redis goes away for 30 s in the middle of a load: the worker stops committing, reports the sink
down and counts its failed attempts, and when Redis is back every alert is there exactly once.

The worker reaches its own redis-server (never the machine's) through a small TCP proxy in this
test: cutting the proxy drops every open connection and refuses new ones, while the server keeps
its data (a restarted memory-only redis-server would not).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest
import redis

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.devenv.processes import RedisServer, WorkerProcess
from flashpoint.settings import Settings
from tests.e2e.corpus import (
    GroupOffsets,
    article_messages,
    audit_alerts,
    build_corpus,
    delete_prefix,
    expected_alerts,
    produce,
)
from tests.e2e.helpers import TcpProxy, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.datasets]

OUTAGE_SECONDS = 30.0
ARTICLES = 600
PLANTED = 60


def settled(read: Callable[[], object], *, window: float, timeout: float = 30.0) -> object:
    """A value that stayed the same for ``window`` seconds (commits already due have landed)."""
    deadline = time.monotonic() + timeout
    value, since = read(), time.monotonic()
    while time.monotonic() - since < window:
        assert time.monotonic() < deadline, "value never settled"
        time.sleep(0.2)
        now_value = read()
        if now_value != value:
            value, since = now_value, time.monotonic()
    return value


def metric(text: str, name: str, labels: str = "") -> float:
    pattern = re.escape(name + (f"{{{labels}}}" if labels else "")) + r" ([0-9.e+-]+)$"
    match = re.search(pattern, text, re.M)
    return float(match.group(1)) if match else float("nan")


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def proxy(own_redis: RedisServer) -> Iterator[TcpProxy]:
    p = TcpProxy(own_redis.port).start()
    try:
        yield p
    finally:
        p.close()


def test_a_30_second_redis_outage_mid_stream_loses_and_duplicates_no_alert(
    e2e_env: dict[str, str], settings: Settings, own_redis: RedisServer, proxy: TcpProxy
) -> None:
    corpus, expected = expected_alerts(
        build_corpus(ARTICLES, PLANTED, seed=7, run=settings.app_id), Analyzer.load()
    )
    assert expected.alerting, "the analysis finds no escalation in the corpus: nothing to prove"
    prefix = settings.redis_key_prefix
    direct = redis.Redis.from_url(own_redis.url, decode_responses=True)  # behind the proxy's back
    env = {**e2e_env, "FLASHPOINT_REDIS_URL": proxy.redis_url, "FLASHPOINT_REDIS_RETRY_MAX_SECONDS": "2"}
    offsets = GroupOffsets(settings)
    worker = WorkerProcess(env).start()
    try:
        worker.wait_ready()
        # Half the stream before the outage and half during it, so the outage is mid-stream
        # however fast the worker is (a fast worker had written every alert before the cut); the
        # first half is written and committed before the cut, so every commit during the outage
        # would be of a record Redis never took.
        messages = article_messages(corpus)
        half = len(messages) // 2
        raw_ends = produce(settings, messages[:half])
        wait_for(lambda: offsets.drained(raw_ends), timeout=180, what="the first half committed")
        first_alerts = max(3, len(expected.alerting) // 10)
        assert len(list(direct.scan_iter(f"{prefix}article:*"))) >= first_alerts

        proxy.cut()
        cut_at = time.monotonic()
        later = produce(settings, messages[half:])
        raw_ends = {p: max(raw_ends.get(p, 0), later.get(p, 0)) for p in {*raw_ends, *later}}
        wait_for(lambda: metric(worker.metrics_text(), "flashpoint_alert_sink_up") == 0.0,
                 timeout=OUTAGE_SECONDS, what="flashpoint_alert_sink_up to drop to 0")
        committed_during = settled(lambda: offsets.committed(settings.topic_analyzed),
                                   window=settings.broker_commit_interval * 2)
        markers_during = len(list(direct.scan_iter(f"{prefix}article:*")))
        errors_early = metric(worker.metrics_text(), "flashpoint_alert_sink_errors_total", 'operation="publish"')
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))  # the outage itself
        text = worker.metrics_text()
        assert worker.alive()
        assert metric(text, "flashpoint_alert_sink_up") == 0.0
        assert metric(text, "flashpoint_alert_sink_errors_total", 'operation="publish"') > errors_early
        assert metric(text, "flashpoint_alert_sink_retries_total", 'operation="publish"') > 0
        assert offsets.committed(settings.topic_analyzed) == committed_during  # blocked: no commit
        assert len(list(direct.scan_iter(f"{prefix}article:*"))) == markers_during
        assert markers_during < len(expected.alerting), "the outage came after the last alert"
        assert "redis publish failed" in worker.tail_log(2000)  # and the log says so

        proxy.restore()
        wait_for(lambda: offsets.drained(raw_ends), timeout=180,
                 what="every message committed after Redis came back")
        assert metric(worker.metrics_text(), "flashpoint_alert_sink_up") == 1.0
        audit = audit_alerts(direct, prefix, expected)
        print(f"\nredis outage: messages={len(corpus)} outage={OUTAGE_SECONDS:.0f} s "
              f"connections cut={proxy.connections_cut} alerts before outage={markers_during} "
              f"{audit.summary()}")
        assert audit.lost == []
        assert audit.duplicated == 0
        assert audit.unexpected == []
    finally:
        worker.stop()
        offsets.close()
        delete_prefix(direct, prefix)
        direct.close()


def test_the_proxy_refuses_connections_while_cut_and_serves_again_after(
    own_redis: RedisServer, proxy: TcpProxy
) -> None:
    client = redis.Redis.from_url(proxy.redis_url, socket_connect_timeout=1, socket_timeout=1)
    try:
        assert client.ping()
        proxy.cut()
        with pytest.raises(redis.ConnectionError):
            client.ping()
        proxy.restore()
        assert client.ping()
    finally:
        client.close()

