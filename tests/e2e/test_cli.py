"""The commands a newcomer runs, as subprocesses: demo, produce, tail."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import redis

from flashpoint.devenv.processes import WorkerProcess
from flashpoint.settings import Settings
from tests.e2e.helpers import stream_alerts, wait_for
from tests.fixtures import CANONICAL


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flashpoint.cli", *args],
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        capture_output=True, text=True, timeout=timeout, check=False,
    )


def test_demo_runs_the_whole_pipe_prints_alerts_and_stops_cleanly() -> None:
    env = {k: v for k, v in os.environ.items() if k != "FLASHPOINT_BROKER_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "flashpoint.cli", "demo", "--exit-when-done", "--duration", "180"],
        env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=240, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "started Tansu" in result.stderr
    assert "FLASH" in result.stdout
    assert "Afghanistan" in result.stdout
    assert "qty=20000" in result.stdout
    assert "stopped: worker, broker" in result.stderr


def test_produce_sends_files_and_tail_filters_alerts_by_country(
    running_worker: WorkerProcess, e2e_env: dict[str, str], settings: Settings, redis_client: redis.Redis,
    tmp_path: Path,
) -> None:
    jsonl = tmp_path / "wire.jsonl"
    jsonl.write_text(
        json.dumps({"id": "mali-1", "text": "Mali's government ordered the mobilization of 5,000 "
                    "reservists after jihadist fighters seized three towns in the Mopti region."}) + "\n"
        + "this line is not json\n",
        encoding="utf-8",
    )
    article = tmp_path / "afghan.txt"
    article.write_text(CANONICAL.read_text(encoding="utf-8"), encoding="utf-8")
    produced = run_cli("produce", str(jsonl), str(article), env=e2e_env)
    assert produced.returncode == 3, produced.stderr  # the line that is not JSON was rejected
    assert f"rejected {jsonl}:2 (invalid_json)" in produced.stderr
    assert "sent 2 message(s)" in produced.stderr

    wait_for(lambda: len(stream_alerts(redis_client, settings.redis_key_prefix)) >= 2, timeout=90,
             what="two alerts")
    tailed = run_cli("tail", "--json", "--from-start", "--country", "AF", "--timeout", "3", env=e2e_env)
    assert tailed.returncode == 0, tailed.stderr
    alerts = [json.loads(line) for line in tailed.stdout.splitlines() if line.strip()]
    assert [a["primary_country"] for a in alerts] == ["AF"]


def test_an_article_of_nearly_the_size_limit_goes_from_produce_through_the_worker(
    running_worker: WorkerProcess, e2e_env: dict[str, str], settings: Settings, redis_client: redis.Redis,
    tmp_path: Path,
) -> None:
    article = tmp_path / "long.txt"  # 1.5 MB crashed produce before its limit matched the worker's
    text = (CANONICAL.read_text(encoding="utf-8") * 400).encode("utf-8")[: settings.max_article_bytes - 100_000]
    article.write_bytes(text.decode("utf-8", errors="ignore").encode("utf-8"))
    produced = run_cli("produce", str(article), env=e2e_env)
    assert produced.returncode == 0, produced.stderr
    alerts = wait_for(lambda: stream_alerts(redis_client, settings.redis_key_prefix), timeout=90, what="an alert")
    assert alerts[0]["primary_country"] == "AF"


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def test_demo_stops_on_ctrl_c_and_leaves_no_process_behind() -> None:
    env = {k: v for k, v in os.environ.items() if k != "FLASHPOINT_BROKER_URL"}
    demo = subprocess.Popen([sys.executable, "-m", "flashpoint.cli", "demo"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert demo.stderr is not None
        for line in demo.stderr:  # wait until the worker is up and the samples were sent
            if "alerts follow" in line or "sent" in line:
                break
        children = _children(demo.pid)
        assert children, "the demo should have started a broker and a worker"
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
    assert demo.returncode == 0
    alive = {pid for pid in children if Path(f"/proc/{pid}").exists()
             and "Z" not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]}
    assert alive == set()
