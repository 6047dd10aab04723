"""A real Prometheus scrapes a real worker and a real ingester: every rule and dashboard query runs
against real data, and every metric a dashboard reads exists there.

promtool proves the rules on synthetic series; this proves they fit what the worker exposes: the
metric names and labels, histogram buckets, and that nothing errors at query time.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from flashpoint.devenv.broker import free_port
from flashpoint.devenv.processes import WorkerProcess
from flashpoint.service.ingest.files import Message, collect_inputs, read_messages
from flashpoint.service.producer import ArticleProducer
from flashpoint.settings import Settings
from tests.deploy.support import (
    INGEST_JOB,
    PROMETHEUS_METRICS,
    WORKER_JOB,
    alert_rules,
    dashboard_queries,
    promql_selectors,
    recording_rules,
)
from tests.e2e.helpers import wait_for
from tests.e2e.prometheus import PrometheusServer, running_prometheus
from tests.service.ingest.feedkit import Item, rss
from tests.service.ingest.local_publisher import LocalPublisher, Route, publisher_handler

pytestmark = pytest.mark.e2e

SAMPLES = Path(__file__).resolve().parents[2] / "flashpoint" / "samples"


@dataclass
class IngestProcess:
    """``flashpoint ingest rss`` polling one local feed, serving /metrics on ``web_port``."""

    process: subprocess.Popen[bytes]
    web_port: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]


@pytest.fixture
def running_ingest(e2e_env: dict[str, str], settings: Settings, tmp_path: Path) -> Iterator[IngestProcess]:
    publisher = LocalPublisher()
    server = ThreadingHTTPServer(("127.0.0.1", 0), publisher_handler(publisher))
    publisher.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    link = publisher.url("/story.html")
    publisher.routes["/feed.xml"] = Route(
        body=rss([Item(guid=link, title="Troops mass", link=link,
                       summary="Troops massed near the northern border of Mali on Tuesday.")]),
        content_type="application/rss+xml",
    )
    port = free_port()
    env = {**os.environ, **e2e_env, "FLASHPOINT_INGEST_WEB_PORT": str(port),
           "FLASHPOINT_INGEST_STATE_DIR": str(tmp_path / "ingest-state")}
    log_path = tmp_path / "ingest.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flashpoint.cli", "ingest", "rss", publisher.url("/feed.xml")],
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    try:
        yield IngestProcess(process, port, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        server.shutdown()
        server.server_close()


@pytest.fixture
def prometheus(running_worker: WorkerProcess, running_ingest: IngestProcess) -> Iterator[PrometheusServer]:
    with running_prometheus({
        WORKER_JOB: [f"127.0.0.1:{running_worker.web_port}"],
        INGEST_JOB: [f"127.0.0.1:{running_ingest.web_port}"],
    }) as server:
        yield server


def _articles() -> list[bytes]:
    """The sample articles as the CLI's `produce` would send them (wire bytes)."""
    sources = collect_inputs([str(SAMPLES)], jsonl=False, stdin=io.BytesIO())
    return [m.raw for source in sources for m in read_messages(source, max_bytes=2_000_000) if isinstance(m, Message)]


def test_prometheus_scrapes_the_worker_and_every_rule_and_dashboard_query_runs(
    prometheus: PrometheusServer, running_worker: WorkerProcess, running_ingest: IngestProcess, settings: Settings
) -> None:
    try:
        _scrape_and_query_everything(prometheus, settings)
        _every_dashboard_metric_has_series(prometheus)
    except AssertionError as e:
        # Every log: a timeout here is as often the worker (start-up, broker) as Prometheus.
        raise AssertionError(
            f"{e}\n--- worker log ---\n{running_worker.tail_log()}\n--- ingest log ---\n{running_ingest.log()}"
            f"\n--- prometheus log ---\n{prometheus.log()}"
        ) from e


def _every_dashboard_metric_has_series(prometheus: PrometheusServer) -> None:
    """Each metric a panel reads exists in what Prometheus scraped: a renamed or never-emitted
    metric shows as an empty panel, which no offline check of the JSON can see."""
    wait_for(lambda: prometheus.value(f'sum(flashpoint_ingest_items_total{{job="{INGEST_JOB}", outcome="sent"}})')
             >= 1, timeout=60, what="the ingester to send its feed's item, as Prometheus sees it")
    assert prometheus.value(f'up{{job="{INGEST_JOB}"}}') == 1
    assert prometheus.value(f'flashpoint_ingest_feed_up{{job="{INGEST_JOB}"}}') == 1
    # The lag gauge is set by a periodic probe, not by traffic.
    wait_for(lambda: prometheus.query('count({__name__="flashpoint_consumer_lag_messages"})'), timeout=45,
             what="the consumer lag probe to report")
    names = {name for _, _, expr in dashboard_queries() for name, _ in promql_selectors(expr)
             if ":" not in name and name not in PROMETHEUS_METRICS}
    missing = sorted(name for name in names if not prometheus.query(f'count({{__name__="{name}"}})'))
    assert not missing, f"dashboards read metrics Prometheus has no series of: {missing}"


def _scrape_and_query_everything(prometheus: PrometheusServer, settings: Settings) -> None:
    # A first scrape before any article, so rates see the counters move.
    wait_for(lambda: prometheus.value(f'up{{job="{WORKER_JOB}"}}') == 1, timeout=30,
             what="a successful scrape of the worker")

    articles = _articles()
    assert articles, f"no sample articles in {SAMPLES}"
    with ArticleProducer(settings) as producer:
        for article in articles:
            producer.send_raw(article)
        producer.send_raw(b'{"id": "broken", "text": ', key="broken")
    expected = len(articles) + 1

    consumed = f'sum(flashpoint_articles_consumed_total{{job="{WORKER_JOB}"}})'
    wait_for(lambda: prometheus.value(consumed) >= expected, timeout=90,
             what=f"Prometheus to see {expected} articles consumed")
    assert prometheus.value(f'sum(flashpoint_articles_rejected_total{{job="{WORKER_JOB}"}})') >= 1
    assert prometheus.value(f'sum(flashpoint_article_processing_seconds_count{{job="{WORKER_JOB}"}})') >= 1

    # Every rule has been evaluated, without error.
    def rules_evaluated() -> bool:
        groups = prometheus.api("/api/v1/rules")["data"]["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        return len(rules) == len(alert_rules()) + len(recording_rules()) and all(
            rule["health"] == "ok" for rule in rules
        )

    wait_for(rules_evaluated, timeout=30, what="every rule evaluated without error")
    wait_for(lambda: prometheus.value("flashpoint:articles_consumed:rate5m") > 0, timeout=30,
             what="the throughput recording rule to see articles")
    # The SLO rules select the 1 s bucket by its rendered bound (le="1.0"): a number, not NaN or
    # nothing, proves the selector matches what the worker exposes.
    latency_count = f'sum(flashpoint_end_to_end_latency_seconds_count{{job="{WORKER_JOB}"}})'
    wait_for(lambda: prometheus.value(latency_count) >= 1, timeout=60, what="an alert written to Redis")
    slo_ratio = "flashpoint:end_to_end_latency_slo_errors:ratio_rate5m"
    wait_for(lambda: prometheus.value(f"count({slo_ratio} >= 0)") == 1, timeout=30,
             what="the latency SLO error ratio to be a number")
    wait_for(lambda: prometheus.query('country:flashpoint_escalation_signals:rate5m{country!="unknown"}'),
             timeout=30, what="signals by country in the recording rule")

    for rule in recording_rules():
        prometheus.query(rule["expr"])
        prometheus.query(rule["record"])
    for rule in alert_rules():
        prometheus.query(rule["expr"])
    for board, title, expr in dashboard_queries():
        try:
            prometheus.query(expr)
        except AssertionError as e:
            raise AssertionError(f"{board} / {title}: {e}") from e

    # A healthy worker that just processed its input fires no ops alert.
    firing = prometheus.query('ALERTS{alertstate="firing", alertname=~"Flashpoint.*"}')
    assert firing == [], firing
