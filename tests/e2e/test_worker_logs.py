"""One log stream (issue 20): every line a worker writes off a terminal is one JSON object, with
Faust's and aiokafka's records, no banner and no ANSI codes. Run as CI runs it: CI=true, output
to a file, the log format left to its default (auto)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from flashpoint.devenv.processes import WorkerProcess
from flashpoint.service.producer import ArticleProducer
from flashpoint.settings import Settings
from tests.e2e.helpers import wait_for

pytestmark = pytest.mark.e2e


def non_json_lines(path: Path) -> list[str]:
    """Lines of a log file that are not a JSON object with event, level and timestamp."""
    bad = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError:
            bad.append(line)
            continue
        if not isinstance(event, dict) or not {"event", "level", "timestamp"} <= event.keys():
            bad.append(line)
    return bad


def test_every_line_the_worker_writes_under_ci_is_a_json_object(
    e2e_env: dict[str, str], settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {k: v for k, v in e2e_env.items() if k != "FLASHPOINT_LOG_FORMAT"}
    env["CI"] = "true"
    monkeypatch.delenv("FLASHPOINT_LOG_FORMAT", raising=False)
    monkeypatch.setenv("FLASHPOINT_WORKER_LOGLEVEL", "info")  # Faust's start-up and shutdown narration too
    worker = WorkerProcess(env, log_path=tmp_path / "worker.log").start()
    try:
        worker.wait_ready()
        with ArticleProducer(settings) as producer:
            producer.send({"id": "log-1", "source": "e2e", "text": "Troops seized the town of Kidal in Mali."})
            producer.send_raw(b'{"id": "broken", "text": ', key="broken")
        wait_for(lambda: worker.articles_consumed() >= 2, timeout=60, what="both messages consumed")
    finally:
        worker.stop()
    assert worker.log_path is not None
    text = worker.log_path.read_text(encoding="utf-8", errors="replace")
    assert "\x1b[" not in text, "no ANSI codes off a terminal"
    assert "ƒaµS†" not in text, "no Faust banner off a terminal"
    assert not non_json_lines(worker.log_path), non_json_lines(worker.log_path)[:10]
    loggers = {json.loads(line).get("logger", "") for line in text.splitlines() if line.strip()}
    assert any(name.startswith(("faust", "mode")) for name in loggers), f"Faust's records are in the stream: {loggers}"
    assert os.environ.get("FLASHPOINT_LOG_FORMAT") is None
