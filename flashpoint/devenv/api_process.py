"""``flashpoint api`` as a child process (end-to-end tests, the browser test, the benchmark)."""

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
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

from flashpoint.devenv.broker import free_port
from flashpoint.errors import FlashpointError


@dataclass
class ApiProcess:
    """Runs ``flashpoint api --host 127.0.0.1 --port P`` with ``env`` added to this environment."""

    env: dict[str, str]
    port: int = 0
    log_path: Path | None = None
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _log: IO[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self) -> ApiProcess:
        self.port = self.port or free_port()
        if self.log_path is None:
            fd, name = tempfile.mkstemp(prefix="flashpoint-api-", suffix=".log")
            os.close(fd)
            self.log_path = Path(name)
        self._log = self.log_path.open("ab")
        env = {**os.environ, "FLASHPOINT_LOG_FORMAT": "json", "PYTHONUNBUFFERED": "1", **self.env}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "flashpoint.cli", "api", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        return self

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/readyz", timeout=1) as response:  # noqa: S310 - loopback
                return bool(json.loads(response.read()).get("ready"))
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def wait_ready(self, timeout: float = 30.0) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if not self.alive():
                raise FlashpointError(f"flashpoint api exited during start-up; log: {self.log_text()[-3000:]}")
            if self.ready():
                return time.monotonic() - started
            time.sleep(0.05)
        raise FlashpointError(f"flashpoint api not ready within {timeout:.0f} s; log: {self.log_text()[-3000:]}")

    def log_text(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def metric_sum(self, name: str, *, contains: str = "") -> float:
        with urllib.request.urlopen(f"{self.base_url}/metrics", timeout=3) as response:  # noqa: S310 - loopback
            text = response.read().decode("utf-8")
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith((f"{name}{{", f"{name} ")) and contains in line
        )

    def rss_bytes(self) -> int:
        """Resident memory of the api process (Linux /proc)."""
        if self.pid is None:
            return 0
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def stop(self, timeout: float = 10.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> ApiProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
