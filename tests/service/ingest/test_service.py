"""``flashpoint ingest rss`` as a service: /metrics, /healthz, exit codes and JSON log lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from flashpoint.devenv.broker import free_port
from flashpoint.service.ingest import FeedConfig, FetchPolicy, run_rss
from flashpoint.service.ingest.metrics import IngestMetrics
from flashpoint.settings import Settings
from tests.e2e.helpers import wait_for
from tests.service.ingest.feedkit import Item, article_page, rss
from tests.service.ingest.local_publisher import LocalPublisher, Route


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _samples(body: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


def _feed_with_story(pub: LocalPublisher) -> FeedConfig:
    pub.routes["/story.html"] = Route(body=article_page("Headline", "Troops massed near the border."))
    link = pub.url("/story.html")
    pub.routes["/feed.xml"] = Route(
        body=rss([Item(guid=link, title="Headline", link=link, summary="Summary.")]),
        content_type="application/rss+xml",
    )
    return FeedConfig(name="wire", url=pub.url("/feed.xml"), poll_interval=1.0)


def _run_in_thread(**kwargs: Any) -> tuple[threading.Thread, threading.Event, dict[str, Any]]:
    stop, out = threading.Event(), {}
    thread = threading.Thread(target=lambda: out.update(stats=run_rss(stop=stop, **kwargs)), daemon=True)
    thread.start()
    return thread, stop, out


def test_a_running_ingester_serves_polls_items_errors_and_last_success_per_feed(
    publisher: LocalPublisher, kafka_settings: Settings, fast_policy: FetchPolicy, tmp_path: Path
) -> None:
    good = _feed_with_story(publisher)
    broken = FeedConfig(name="gone", url=f"http://127.0.0.1:{free_port()}/feed.xml", poll_interval=1.0)
    port = free_port()
    metrics = IngestMetrics(CollectorRegistry(), [good, broken], now=1.0)
    thread, stop, _ = _run_in_thread(
        settings=kafka_settings, feeds_or_urls=[good, broken], once=False, state_dir=tmp_path,
        fetch_policy=fast_policy, metrics=metrics, serve=("127.0.0.1", port),
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: _get(f"{url}/healthz")[0] == 200 if _port_answers(port) else False, timeout=10,
                 what="/healthz")
        wait_for(lambda: _samples(_get(f"{url}/metrics")[1]).get(
            ("flashpoint_ingest_polls_total", (("feed", "gone"), ("outcome", "failed"))), 0) >= 2,
            timeout=15, what="two failed polls of the broken feed")
        samples = _samples(_get(f"{url}/metrics")[1])
        health = json.loads(_get(f"{url}/healthz")[1])
    finally:
        stop.set()
        thread.join(15)
    assert samples[("flashpoint_ingest_polls_total", (("feed", "wire"), ("outcome", "ok")))] >= 1
    assert samples[("flashpoint_ingest_items_total", (("feed", "wire"), ("outcome", "sent")))] == 1
    assert samples[("flashpoint_ingest_fetch_errors_total", (("reason", "connect_error"), ("target", "feed")))] >= 2
    assert samples[("flashpoint_ingest_feed_up", (("feed", "gone"),))] == 0
    assert samples[("flashpoint_ingest_feed_up", (("feed", "wire"),))] == 1
    assert samples[("flashpoint_ingest_last_success_timestamp_seconds", (("feed", "wire"),))] > 1.0
    assert samples[("flashpoint_ingest_last_success_timestamp_seconds", (("feed", "gone"),))] == 1.0
    assert samples[("flashpoint_ingest_poll_interval_seconds", (("feed", "gone"),))] == 1.0
    assert not any(name.endswith("_created") for name, _ in samples), "no _created series"
    assert health == {"status": "ok", "feeds": 2, "feeds_up": 1}
    assert not thread.is_alive()


def _port_answers(port: int) -> bool:
    from flashpoint.devenv.broker import port_open

    return port_open("127.0.0.1", port)


def _ingest(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flashpoint.cli", "ingest", "rss", *args, "--state-dir", str(tmp_path / "state")],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
    )


def _broker_env(settings: Settings) -> dict[str, str]:
    return {"FLASHPOINT_BROKER_URL": settings.broker_url, "FLASHPOINT_TOPIC_RAW": settings.topic_raw,
            "FLASHPOINT_TOPIC_PARTITIONS": "1", "FLASHPOINT_LOG_FORMAT": "auto"}


def test_ingest_once_exits_non_zero_when_every_feed_fails(kafka_settings: Settings, tmp_path: Path) -> None:
    dead = [f"http://127.0.0.1:{free_port()}/feed.xml", f"http://127.0.0.1:{free_port()}/rss"]
    result = _ingest(["--once", *dead], _broker_env(kafka_settings), tmp_path)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "every feed failed (2 of 2)" in result.stderr


def test_ingest_once_exits_zero_when_one_feed_of_two_answers(
    publisher: LocalPublisher, kafka_settings: Settings, tmp_path: Path
) -> None:
    good = _feed_with_story(publisher)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        "fetch: {allow_private_pages: true, per_host_delay: 0}\nfeeds:\n"
        f"  - {{name: wire, url: '{good.url}'}}\n"
        f"  - {{name: gone, url: 'http://127.0.0.1:{free_port()}/feed.xml'}}\n",
        encoding="utf-8",
    )
    result = _ingest(["--once", str(feeds)], _broker_env(kafka_settings), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_line_the_ingester_writes_to_a_pipe_is_a_json_object(kafka_settings: Settings, tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}/feed.xml"
    result = _ingest(["--once", dead], _broker_env(kafka_settings), tmp_path)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines, "the ingester logs what it did"
    events = [json.loads(line) for line in lines]
    assert all(isinstance(e, dict) and {"event", "level", "timestamp"} <= e.keys() for e in events)
    assert any(e["event"].startswith("feed failed") for e in events)
    assert "\x1b[" not in result.stdout + result.stderr, "no ANSI codes off a terminal"


def test_sigterm_ends_a_running_ingester_cleanly_after_its_cycle(
    publisher: LocalPublisher, kafka_settings: Settings, tmp_path: Path
) -> None:
    good = _feed_with_story(publisher)
    port = free_port()
    env = {**os.environ, **_broker_env(kafka_settings), "FLASHPOINT_INGEST_WEB_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "flashpoint.cli", "ingest", "rss", good.url, "--state-dir", str(tmp_path / "s")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path,
    )
    try:
        wait_for(lambda: _port_answers(port) and _get(f"http://127.0.0.1:{port}/healthz")[0] == 200, timeout=30,
                 what="the ingester's /healthz")
        wait_for(lambda: _samples(_get(f"http://127.0.0.1:{port}/metrics")[1]).get(
            ("flashpoint_ingest_polls_total", (("feed", "127.0.0.1"), ("outcome", "ok"))), 0) >= 1,
            timeout=30, what="a first poll")
        process.terminate()
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
    output = process.stdout.read().decode() if process.stdout else ""
    assert '"ingest finished"' in output, output[-2000:]
