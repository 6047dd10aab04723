"""The README's "Run it for real without Docker", command by command: dev up, worker, produce,
tail, dev down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from flashpoint.devenv.broker import free_port, port_open, redis_server_binary
from flashpoint.devenv.processes import WorkerProcess
from tests.fixtures import CANONICAL


def run_cli(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flashpoint.cli", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def exported(stdout: str) -> dict[str, str]:
    lines = [line.removeprefix("export ") for line in stdout.splitlines() if line.startswith("export ")]
    return dict(line.split("=", 1) for line in lines)


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_dev_up_runs_a_broker_and_redis_for_a_real_worker_and_dev_down_stops_them(tmp_path: Path) -> None:
    if redis_server_binary() is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    broker_port, redis_port = free_port(), free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith("FLASHPOINT_")} | {
        # nothing answers on these: dev up starts both, on these ports
        "FLASHPOINT_BROKER_URL": f"kafka://127.0.0.1:{broker_port}",
        "FLASHPOINT_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
    }
    state = tmp_path / "dev"
    up = run_cli("dev", "up", "--state-dir", str(state), env=base)
    assert up.returncode == 0, up.stderr
    settings = exported(up.stdout)
    assert settings == {"FLASHPOINT_BROKER_URL": f"kafka://127.0.0.1:{broker_port}",
                        "FLASHPOINT_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
    pids = [p["pid"] for p in json.loads((state / "dev.json").read_text())["started"]]
    try:
        again = run_cli("dev", "up", "--state-dir", str(state), env=base)
        assert (again.returncode, exported(again.stdout)) == (0, settings)
        assert "already up" in again.stderr

        env = base | settings | {"FLASHPOINT_REDIS_KEY_PREFIX": f"dev-{uuid.uuid4().hex[:8]}:"}
        with WorkerProcess(env) as worker:
            worker.wait_ready()
            produced = run_cli("produce", str(CANONICAL), env=env)
            assert produced.returncode == 0, produced.stderr
            tailed = run_cli("tail", "--json", "--from-start", "--count", "1", "--timeout", "60", env=env)
        assert tailed.returncode == 0, tailed.stderr
        [alert] = [json.loads(line) for line in tailed.stdout.splitlines() if line.strip()]
        assert alert["primary_country"] == "AF"
    finally:
        down = run_cli("dev", "down", "--state-dir", str(state), env=base)
    assert down.returncode == 0, down.stderr
    assert not any(alive(pid) for pid in pids)
    assert not port_open("127.0.0.1", broker_port) and not port_open("127.0.0.1", redis_port)
    assert not (state / "dev.json").exists()


def test_dev_up_uses_a_redis_that_answers_and_dev_down_leaves_it_running(tmp_path: Path) -> None:
    url = os.environ.get("FLASHPOINT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis answers at {url}")
    base = {k: v for k, v in os.environ.items() if not k.startswith("FLASHPOINT_")} | {
        "FLASHPOINT_BROKER_URL": f"kafka://127.0.0.1:{free_port()}", "FLASHPOINT_REDIS_URL": url,
    }
    up = run_cli("dev", "up", "--state-dir", str(tmp_path), env=base)
    assert up.returncode == 0, up.stderr
    assert "FLASHPOINT_REDIS_URL" not in exported(up.stdout)  # unchanged: it may hold a password
    down = run_cli("dev", "down", "--state-dir", str(tmp_path), env=base)
    assert down.returncode == 0, down.stderr
    assert client.ping()
    client.close()
