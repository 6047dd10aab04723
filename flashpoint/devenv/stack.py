"""``flashpoint dev up`` / ``dev down``: a broker and a Redis in the background, so a real worker,
``produce``, ``tail`` and the API run on one machine without Docker.

``dev up`` starts the embedded Tansu broker (memory storage: a restart loses every topic) on the
port of ``FLASHPOINT_BROKER_URL`` when that is a free loopback port, else on a free one, creates
our topics, and uses the configured Redis when it answers, else starts a memory-only
``redis-server``. Both run in their own sessions, so they outlive the command; what was started
is recorded in the state folder (``.flashpoint/dev`` by default), and ``dev down`` stops exactly
that: a recorded pid is signalled only while its command line is still the program we started.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flashpoint.devenv.broker import TansuBroker, free_port, port_open, redis_server_binary
from flashpoint.devenv.processes import RedisServer, redis_answers
from flashpoint.errors import FlashpointError, ServiceUnreachableError
from flashpoint.service.producer import bootstrap_servers, ensure_topics
from flashpoint.settings import Settings

STATE_FILE = "dev.json"
LOOPBACK = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class DevProcess:
    """A process ``dev up`` started: which program, its pid (also its process group) and URL."""

    program: str  # "tansu" or "redis-server": checked against /proc/<pid>/cmdline before a signal
    pid: int
    url: str
    log: str | None = None


@dataclass(frozen=True)
class DevStack:
    broker_url: str
    redis_url: str
    started: tuple[DevProcess, ...]  # the machine's own Redis, when used, is not listed

    def exports(self) -> list[str]:
        """Shell lines for the settings a worker, ``produce`` and ``tail`` need to find these."""
        lines = [f"export FLASHPOINT_BROKER_URL={self.broker_url}"]
        if any(p.program == "redis-server" for p in self.started):
            lines.append(f"export FLASHPOINT_REDIS_URL={self.redis_url}")
        else:  # the configured Redis answered; its URL may hold a password, so it is not printed
            lines.append("# FLASHPOINT_REDIS_URL: unchanged, the configured Redis answers")
        return lines

    def running(self) -> bool:
        return all(_is_ours(p) for p in self.started)


def read_stack(state_dir: Path) -> DevStack | None:
    path = state_dir / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return DevStack(data["broker_url"], data["redis_url"], tuple(DevProcess(**p) for p in data["started"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise FlashpointError(f"{path} is unreadable ({e}); remove it after stopping what it lists") from e


def start_stack(settings: Settings, state_dir: Path, *, say: Callable[[str], None]) -> DevStack:
    """Start (or find running) the dev broker and Redis; records them in ``state_dir``."""
    current = read_stack(state_dir)
    if current is not None and current.running():
        say(f"already up (started from {state_dir}): broker {current.broker_url}")
        return current
    if current is not None:
        say("a previous dev environment is only partly running; stopping what is left of it")
        stop_stack(state_dir, say=say)
    state_dir.mkdir(parents=True, exist_ok=True)
    started: list[DevProcess] = []
    try:
        host, _, port = bootstrap_servers(settings.broker_url)[0].rpartition(":")
        broker = TansuBroker(port=_free_or_own(host, int(port) if port.isdigit() else 9092),
                             log_path=state_dir / "tansu.log")
        broker.start()
        assert broker.pid is not None
        started.append(DevProcess("tansu", broker.pid, broker.url, str(broker.log_path)))
        ensure_topics(settings.model_copy(update={"broker_url": broker.url}))
        say(f"broker  Tansu (Kafka protocol, memory storage) at {broker.bootstrap}, pid {broker.pid}, "
            f"log {broker.log_path}")
        redis_url = settings.redis_dsn
        if redis_answers(redis_url):
            say("redis   the configured Redis answers: using it")
        else:
            redis_url = _start_redis(settings, started)
            say(f"redis   none answered; started a memory-only redis-server at {redis_url}, pid {started[-1].pid}")
    except BaseException:
        for process in started:
            _stop(process)
        raise
    stack = DevStack(broker.url, redis_url, tuple(started))
    (state_dir / STATE_FILE).write_text(json.dumps({**asdict(stack), "started_at": time.time()}, indent=2),
                                        encoding="utf-8")
    return stack


def stop_stack(state_dir: Path, *, say: Callable[[str], None]) -> list[DevProcess]:
    """Stop what ``dev up`` recorded in ``state_dir``; returns what was still running."""
    stack = read_stack(state_dir)
    if stack is None:
        return []
    stopped = [p for p in stack.started if _stop(p)]
    for process in stack.started:
        say(f"{'stopped' if process in stopped else 'already gone:'} {process.program} (pid {process.pid})")
    (state_dir / STATE_FILE).unlink(missing_ok=True)
    return stopped


def _free_or_own(host: str | None, port: int) -> int:
    """The configured port when it is a free loopback port (so no setting has to change), else a
    free one."""
    if host in LOOPBACK and not port_open("127.0.0.1", port):
        return port
    return free_port()


def _start_redis(settings: Settings, started: list[DevProcess]) -> str:
    configured = urlsplit(settings.redis_dsn)
    if redis_server_binary() is None:
        raise ServiceUnreachableError(
            f"no Redis answers at {configured.hostname}:{configured.port or 6379} and redis-server is not "
            "installed: install it (apt-get install redis-server) or set FLASHPOINT_REDIS_URL to one that answers"
        )
    server = RedisServer(port=_free_or_own(configured.hostname, configured.port or 6379)).start()
    assert server.pid is not None
    started.append(DevProcess("redis-server", server.pid, server.url))
    return server.url


def _is_ours(process: DevProcess) -> bool:
    """The pid still runs the program we started (pids are reused), and is not a zombie."""
    try:
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")[0]
        state = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return process.program.encode() in Path(os.fsdecode(cmdline)).name.encode() and state != "Z"


def _stop(process: DevProcess, timeout: float = 10.0) -> bool:
    if not _is_ours(process):
        return False
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)  # started in its own session: its group is its pid
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _is_ours(process):
                return True
            time.sleep(0.05)
    return not _is_ours(process)
