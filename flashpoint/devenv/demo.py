"""``flashpoint demo``: the whole pipe on embedded defaults, in one command.

Starts the Tansu broker (unless FLASHPOINT_BROKER_URL is set), uses Redis at the configured URL or
starts a throwaway redis-server, starts a worker, sends the sample articles (and one malformed
message, to show the dead-letter path), prints the alerts as they land in Redis, and stops every
child process on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
import uuid
from dataclasses import dataclass
from typing import Any

import redis
from rich.console import Console

from flashpoint.analysis.lexicon import SAMPLES_DIR
from flashpoint.devenv.broker import TansuBroker
from flashpoint.devenv.processes import RedisServer, WorkerProcess, redis_answers
from flashpoint.service.logs import redact
from flashpoint.service.producer import ArticleProducer, ensure_topics
from flashpoint.service.sinks.keys import RedisKeys
from flashpoint.service.subscribe import render_alert_row
from flashpoint.settings import Settings


def sample_articles() -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = [{
        "id": "sample-afghan-troops-flee-to-tajikistan",
        "title": "Afghanistan: Faced with the advance of the Taliban, a thousand soldiers flee to Tajikistan",
        "source": "sample-wire",
        "url": "https://example.org/afghan-troops-flee-to-tajikistan",
        "published_at": "2021-07-05T12:00:00Z",
        "text": (SAMPLES_DIR / "afghan-troops-flee-to-tajikistan.txt").read_text(encoding="utf-8"),
    }]
    for line in (SAMPLES_DIR / "wire.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            articles.append(json.loads(line))
    return articles


@dataclass
class _DemoRun:
    """What this run started, so that the end stops exactly that (and nothing it merely used)."""

    prefix: str
    broker: TansuBroker | None = None
    redis_server: RedisServer | None = None
    worker: WorkerProcess | None = None
    client: redis.Redis | None = None

    def stop(self, *, keep: bool) -> None:
        if self.client is not None:
            if not keep:
                with contextlib.suppress(redis.RedisError):
                    keys = list(self.client.scan_iter(f"{self.prefix}*"))
                    if keys:
                        self.client.delete(*keys)
            self.client.close()
        if self.worker is not None:
            self.worker.stop()
        if self.redis_server is not None:
            self.redis_server.stop()
        if self.broker is not None:
            self.broker.stop()


def run_demo(
    settings: Settings,
    *,
    console: Console,
    out: Console,
    duration: float | None = None,
    exit_when_done: bool = False,
    keep: bool = False,
) -> int:
    # Ctrl-C and SIGTERM both stop the demo cleanly, also when started in the background (where a
    # shell leaves SIGINT ignored and Python would never raise KeyboardInterrupt).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)
    run_id = uuid.uuid4().hex[:8]
    run = _DemoRun(prefix=f"{settings.redis_key_prefix}demo:{run_id}:")
    try:
        broker_url = _use_or_start_broker(settings, run, console)
        redis_url = _use_or_start_redis(settings, run, console)
        run_settings = settings.model_copy(update={"broker_url": broker_url})
        ensure_topics(run_settings)
        worker = _start_worker(run, run_id, broker_url=broker_url, redis_url=redis_url, console=console)
        articles = _send_samples(run_settings, console)
        run.client = redis.Redis.from_url(redis_url, decode_responses=True)
        return _follow_alerts(
            run.client, worker, RedisKeys(run.prefix).alerts, expected={a["id"] for a in articles},
            settings=settings, console=console, out=out, duration=duration, exit_when_done=exit_when_done,
        )
    except KeyboardInterrupt:
        console.print("\nstopping ...")
        return 0
    finally:
        run.stop(keep=keep)
        console.print("stopped: worker, broker and any Redis the demo started are gone")


def _use_or_start_broker(settings: Settings, run: _DemoRun, console: Console) -> str:
    if "FLASHPOINT_BROKER_URL" in os.environ:
        console.print(f"[green]broker[/]  using {redact(settings.broker_url)}")
        return settings.broker_url
    run.broker = TansuBroker().start()
    console.print(f"[green]broker[/]  started Tansu (Kafka protocol) at {run.broker.bootstrap}")
    return run.broker.url


def _use_or_start_redis(settings: Settings, run: _DemoRun, console: Console) -> str:
    if redis_answers(settings.redis_dsn):
        console.print("[green]redis[/]   using the configured Redis")
        return settings.redis_dsn
    run.redis_server = RedisServer().start()
    redis_url = run.redis_server.url
    console.print(f"[green]redis[/]   none answered; started a memory-only redis-server at {redact(redis_url)}")
    return redis_url


def _start_worker(run: _DemoRun, run_id: str, *, broker_url: str, redis_url: str, console: Console) -> WorkerProcess:
    env = {
        "FLASHPOINT_BROKER_URL": broker_url,
        "FLASHPOINT_REDIS_URL": redis_url,
        "FLASHPOINT_REDIS_KEY_PREFIX": run.prefix,
        "FLASHPOINT_WORKER_ID": f"demo-{run_id}",
    }
    worker = run.worker = WorkerProcess(env).start()
    console.print(f"[green]worker[/]  starting (web/metrics on {worker.base_url}) ...")
    ready_after = worker.wait_ready()
    console.print(f"[green]worker[/]  ready after {ready_after:.1f} s")
    return worker


def _send_samples(run_settings: Settings, console: Console) -> list[dict[str, Any]]:
    articles = sample_articles()
    with ArticleProducer(run_settings) as producer:
        for article in articles:
            producer.send(article)
        producer.send_raw(b'{"id": "sample-malformed", "text": ', key="sample-malformed")
    console.print(f"[green]produce[/] sent {len(articles)} sample articles and 1 malformed message "
                  f"to {run_settings.topic_raw}; alerts follow (Ctrl-C to stop)\n")
    return articles


def _follow_alerts(
    client: redis.Redis,
    worker: WorkerProcess,
    stream: str,
    *,
    expected: set[str],
    settings: Settings,
    console: Console,
    out: Console,
    duration: float | None,
    exit_when_done: bool,
) -> int:
    """Print the alerts as they land; with exit_when_done, stop once every sample was consumed
    and the stream has been quiet for two seconds."""
    last_id = "0"
    seen_articles: set[str] = set()
    started = time.monotonic()
    quiet_since: float | None = None
    while duration is None or time.monotonic() - started < duration:
        if not worker.alive():
            console.print(f"[red]worker exited[/]\n{worker.tail_log()}")
            return 1
        reply: Any = client.xread({stream: last_id}, count=50, block=500)
        for _stream, entries in reply or []:
            for entry_id, fields in entries:
                last_id = entry_id
                alert = json.loads(fields["alert"])
                seen_articles.add(str(alert.get("article_id")))
                out.print(render_alert_row(alert))
                quiet_since = None
        if exit_when_done and worker.articles_consumed() >= len(expected) + 1:
            # Everything was analysed; give the publishing agent a moment of quiet.
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 2.0:
                console.print(f"\n{len(seen_articles)} of {len(expected)} samples alerted; "
                              "the rest carry no escalation signal, and the malformed one "
                              f"went to {settings.topic_dead}")
                break
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
