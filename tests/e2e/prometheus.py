"""A real Prometheus for end-to-end tests: on a free loopback port, scraping given targets every
second and evaluating the repository's rule files."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from flashpoint.devenv.broker import free_port
from tests.deploy.support import RULES_DIR
from tests.e2e.helpers import wait_for


@dataclass
class PrometheusServer:
    """``prometheus`` on a free loopback port, scraping one worker every second."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def api(self, path: str, **params: str) -> dict[str, Any]:
        data = urllib.parse.urlencode(params).encode() if params else None
        try:
            with urllib.request.urlopen(f"{self.url}{path}", data=data, timeout=10) as response:  # noqa: S310
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError as e:  # 400/422 carry the PromQL error in the body
            return dict(json.loads(e.read()))

    def query(self, expr: str) -> list[dict[str, Any]]:
        body = self.api("/api/v1/query", query=expr)
        assert body["status"] == "success", f"{expr}\n-> {body.get('errorType')}: {body.get('error')}"
        return list(body["data"]["result"])

    def value(self, expr: str) -> float:
        result = self.query(expr)
        return float(result[0]["value"][1]) if result else 0.0

    def ready(self) -> bool:
        """/-/ready answers 200 once the TSDB is open; the query API answers 503 before."""
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:  # noqa: S310
                return bool(response.status == 200)
        except OSError:  # connection refused, HTTP 503 (HTTPError is an OSError)
            return False

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]



@contextmanager
def running_prometheus(jobs: Mapping[str, list[str]]) -> Iterator[PrometheusServer]:
    """``prometheus`` scraping ``jobs`` (job name -> host:port targets) with the repository's rules."""
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("prometheus is not on PATH (apt-get install prometheus)")
    with tempfile.TemporaryDirectory(prefix="flashpoint-prometheus-") as tmp:
        workdir = Path(tmp)
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(RULES_DIR / "recording.yml"), str(RULES_DIR / "alerts.yml")],
            "scrape_configs": [
                {"job_name": job, "metrics_path": "/metrics", "static_configs": [{"targets": targets}]}
                for job, targets in jobs.items()
            ],
        }
        (workdir / "prometheus.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
        port = free_port()
        log_path = workdir / "prometheus.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    binary,
                    f"--config.file={workdir / 'prometheus.yml'}",
                    f"--storage.tsdb.path={workdir / 'data'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        server = PrometheusServer(f"http://127.0.0.1:{port}", process, log_path)
        try:
            wait_for(lambda: process.poll() is not None or server.ready(), timeout=30, what="readiness")
            assert process.poll() is None, server.log()
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
