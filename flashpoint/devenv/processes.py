"""Child processes the demo, the end-to-end tests and the benchmarks start: a worker and, when
none answers, a throwaway Redis server. Each is killed with its whole process group."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

import redis

from flashpoint.devenv.broker import free_port, port_open
from flashpoint.errors import FlashpointError
from flashpoint.settings import Settings


def isolated_env(broker_url: str, redis_url: str, *, label: str) -> dict[str, str]:
    """Worker environment with its own topics, consumer group and Redis key prefix, so several
    tests or benchmark runs share one broker and one Redis without seeing each other."""
    run = uuid.uuid4().hex[:8]
    return {
        "FLASHPOINT_BROKER_URL": broker_url,
        "FLASHPOINT_REDIS_URL": redis_url,
        "FLASHPOINT_REDIS_KEY_PREFIX": f"flashpoint-{label}:{run}:",
        "FLASHPOINT_APP_ID": f"flashpoint-{label}-{run}",
        "FLASHPOINT_TOPIC_RAW": f"articles.raw.{run}",
        "FLASHPOINT_TOPIC_ANALYZED": f"articles.analyzed.{run}",
        "FLASHPOINT_TOPIC_DEAD": f"articles.dead.{run}",
        "FLASHPOINT_WORKER_ID": f"{label}-{run}",
        "FLASHPOINT_LOG_FORMAT": "json",
    }


def settings_from_env(env: dict[str, str]) -> Settings:
    """The Settings a worker started with ``env`` reads (for the producing/reading side)."""
    fields = {k.removeprefix("FLASHPOINT_").lower(): v for k, v in env.items()}
    return Settings.model_validate(fields)


def redis_answers(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError):
        return False


@dataclass
class RedisServer:
    """A memory-only redis-server on a free loopback port (for machines with no Redis running)."""

    port: int = 0
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self, timeout: float = 10.0) -> RedisServer:
        self.port = self.port or free_port()
        try:
            self._proc = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except FileNotFoundError as e:
            raise FlashpointError(
                "no Redis answers and redis-server is not installed: install it "
                "(apt-get install redis-server) or set FLASHPOINT_REDIS_URL"
            ) from e
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if redis_answers(self.url):
                return self
            time.sleep(0.05)
        self.stop()
        raise FlashpointError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)


@dataclass
class WorkerProcess:
    """``flashpoint worker`` as a child process with its own environment and web port."""

    env: dict[str, str]
    web_port: int = 0
    log_path: Path | None = None
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _log: IO[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def start(self) -> WorkerProcess:
        self.web_port = self.web_port or free_port()
        env = {**os.environ, **self.env, "FLASHPOINT_WEB_PORT": str(self.web_port),
               "FLASHPOINT_WEB_BIND": "127.0.0.1", "PYTHONUNBUFFERED": "1"}
        if self.log_path is None:
            fd, name = tempfile.mkstemp(prefix="flashpoint-worker-", suffix=".log")
            os.close(fd)
            self.log_path = Path(name)
        self._log = self.log_path.open("ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "flashpoint.cli", "worker", "--loglevel",
             os.environ.get("FLASHPOINT_WORKER_LOGLEVEL", "warn")],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def ready(self) -> bool:
        try:
            url = f"{self.base_url}/readyz"
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - loopback only
                return bool(json.loads(response.read()).get("ready"))
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def wait_ready(self, timeout: float = 90.0) -> float:
        """Seconds from now until /readyz says ready; raises if the worker dies or times out."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if not self.alive():
                raise FlashpointError(f"worker exited during start-up; log: {self.tail_log()}")
            if port_open("127.0.0.1", self.web_port) and self.ready():
                return time.monotonic() - started
            time.sleep(0.1)
        raise FlashpointError(f"worker not ready within {timeout:.0f} s; log: {self.tail_log()}")

    def metrics_text(self) -> str:
        with urllib.request.urlopen(f"{self.base_url}/metrics", timeout=3) as response:  # noqa: S310
            return str(response.read().decode("utf-8"))

    def metric_sum(self, name: str, *, contains: str = "") -> float:
        """Sum of every sample of metric ``name`` (all label sets, optionally only lines that
        contain ``contains``) on this worker's /metrics; 0 while the worker does not answer."""
        try:
            text = self.metrics_text()
        except OSError:
            return 0.0
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith((f"{name}{{", f"{name} ")) and contains in line
        )

    def articles_consumed(self) -> float:
        """Messages this worker process took from the input topic (analysed or rejected)."""
        return self.metric_sum("flashpoint_articles_consumed_total")

    def tail_log(self, lines: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 20.0) -> None:
        self._signal(signal.SIGTERM)
        if self._proc is not None:
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self._proc.wait(5)
        self._close()

    def kill(self) -> None:
        """kill -9 the worker (fault tests)."""
        self._signal(signal.SIGKILL)
        if self._proc is not None:
            self._proc.wait(10)
        self._close()

    def _signal(self, sig: signal.Signals) -> None:
        if self._proc is not None and self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, sig)

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
