"""Two different articles can never share an id: ``flashpoint produce`` names a file by its path
relative to the folder given plus a hash of its content, and the sink's replay marker is keyed by
id and content. ``dup/a/report.txt`` (Afghanistan) and ``dup/b/report.txt`` (Mali) used to give
one alert: the second was counted as a replay of the first."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from flashpoint.devenv.processes import WorkerProcess
from flashpoint.settings import Settings
from tests.e2e.helpers import stream_alerts, wait_for

pytestmark = pytest.mark.e2e

AFGHAN = (Path(__file__).resolve().parents[2] / "flashpoint" / "samples" / "afghan-troops-flee-to-tajikistan.txt")
MALI = ("Mali's junta ordered the general mobilization of 5,000 reservists on Tuesday after jihadist fighters "
        "seized three towns in the Mopti region. Hundreds of soldiers deserted their posts near Sevare, "
        "officials said, and the government declared a state of emergency in the centre of the country.")


def test_two_files_with_one_name_in_two_folders_give_two_alerts(
    tmp_path: Path, e2e_env: dict[str, str], settings: Settings, running_worker: WorkerProcess,
    redis_client: redis.Redis,
) -> None:
    for folder, text in (("a", AFGHAN.read_text(encoding="utf-8")), ("b", MALI)):
        (tmp_path / "dup" / folder).mkdir(parents=True)
        (tmp_path / "dup" / folder / "report.txt").write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "flashpoint.cli", "produce", str(tmp_path / "dup")],
                          env={**os.environ, **e2e_env}, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    alerts = wait_for(lambda: (a := stream_alerts(redis_client, settings.redis_key_prefix)) and len(a) >= 2 and a,
                      timeout=90, what="two alerts")
    ids = sorted(a["article_id"] for a in alerts)
    assert [i.split("#")[0] for i in ids] == ["a/report", "b/report"]
    assert {a["primary_country"] for a in alerts} == {"AF", "ML"}
    assert running_worker.metric_sum("flashpoint_alerts_suppressed_total", contains='reason="replay"') == 0
