"""Shared loaders for the deployment-file tests: paths, YAML/JSON files, CLI tools, PromQL names."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from flashpoint.service.api.metrics import ApiMetrics
from flashpoint.service.ingest.metrics import IngestMetrics
from flashpoint.service.metrics import FlashpointMetrics

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
PROMETHEUS_DIR = DEPLOY / "prometheus"
RULES_DIR = PROMETHEUS_DIR / "rules"
RULE_TESTS_DIR = PROMETHEUS_DIR / "tests"
ALERTMANAGER_CONFIG = DEPLOY / "alertmanager" / "alertmanager.yml"
GRAFANA_DIR = DEPLOY / "grafana"
DASHBOARD_DIR = GRAFANA_DIR / "dashboards"
K8S_DIR = DEPLOY / "k8s"
RUNBOOK = DEPLOY / "runbook.md"
COMPOSE_FILE = REPO / "docker-compose.yml"
WORKER_JOB = "flashpoint-worker"
INGEST_JOB = "flashpoint-ingest"

# Labels Prometheus adds to every scraped series (plus le on histogram buckets).
TARGET_LABELS = frozenset({"job", "instance"})
# Metric names that Prometheus itself provides.
PROMETHEUS_METRICS = frozenset({"up", "ALERTS", "ALERTS_FOR_STATE"})
# Grafana template variables, replaced by something PromQL accepts when checking queries.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "1m", "$__range": "1h"}


INSTALL_HINTS = {
    "promtool": "apt-get install prometheus",
    "amtool": "apt-get install prometheus-alertmanager",
    "kubectl": "kubectl kustomize renders the base; the other k8s tests run without it",
}


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_yaml_documents(path: Path) -> list[Any]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]


def tool(name: str) -> str:
    """Path of a CLI tool, or skip: .ci/run installs promtool and amtool from Debian's packages."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not on PATH ({INSTALL_HINTS.get(name, 'install it to run this check')})")
    return path


def run_tool(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=60, check=False)


def worker_metric_labels() -> dict[str, frozenset[str]]:
    """Every series name flashpoint exposes, with its label names: the worker's
    (flashpoint/service/metrics.py), the ingester's (flashpoint/service/ingest/metrics.py) and the
    subscriber API's (flashpoint/service/api/metrics.py)."""
    collectors = [*vars(FlashpointMetrics(CollectorRegistry())).values(),
                  *vars(IngestMetrics(CollectorRegistry(), ())).values(),
                  *vars(ApiMetrics(CollectorRegistry())).values()]
    names: dict[str, frozenset[str]] = {}
    for collector in collectors:
        if not isinstance(collector, Counter | Gauge | Histogram):
            continue
        labels = frozenset(collector._labelnames)
        base = collector._name
        if isinstance(collector, Counter):
            names[f"{base}_total"] = labels
        elif isinstance(collector, Histogram):
            names[f"{base}_bucket"] = labels | {"le"}
            names[f"{base}_sum"] = labels
            names[f"{base}_count"] = labels
        else:
            names[base] = labels
    return names


def alert_rules() -> list[dict[str, Any]]:
    doc = load_yaml(RULES_DIR / "alerts.yml")
    return [rule for group in doc["groups"] for rule in group["rules"] if "alert" in rule]


def recording_rules() -> list[dict[str, Any]]:
    doc = load_yaml(RULES_DIR / "recording.yml")
    return [rule for group in doc["groups"] for rule in group["rules"] if "record" in rule]


def dashboards() -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(DASHBOARD_DIR.glob("*.json"))}


def dashboard_panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    panels: list[dict[str, Any]] = []
    for panel in dashboard.get("panels", []):
        panels.append(panel)
        panels.extend(panel.get("panels", []))  # collapsed rows keep their panels inside
    return [p for p in panels if p.get("type") != "row"]


def dashboard_queries() -> list[tuple[str, str, str]]:
    """(dashboard file, panel title, PromQL with Grafana variables substituted)."""
    out = []
    for name, dashboard in dashboards().items():
        for panel in dashboard_panels(dashboard):
            for target in panel.get("targets", []):
                out.append((name, panel["title"], substitute_grafana_variables(target["expr"])))
    return out


def substitute_grafana_variables(expr: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    # Dashboard variables ($country, ${kind}) are regex matchers with an "All" of ".*".
    return re.sub(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", ".*", expr)


def github_anchor(heading: str) -> str:
    """The anchor GitHub (and most Markdown renderers) give a heading."""
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


def runbook_anchors() -> set[str]:
    text = RUNBOOK.read_text(encoding="utf-8")
    return {github_anchor(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+)$", text, re.MULTILINE)}


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_SELECTOR = re.compile(r"(?<![\w:.])([A-Za-z_:][A-Za-z0-9_:]*)\s*(\{[^}]*\})?")
_MATCHER_LABEL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")


def promql_selectors(expr: str) -> list[tuple[str, frozenset[str]]]:
    """(metric name, label names matched) for every flashpoint series or recording rule in expr.

    A small scanner, not a parser: enough to name what an expression reads. Label values are
    masked first so that `job="flashpoint-worker"` is not taken for a metric name.
    """
    masked = _STRING.sub('""', expr)
    masked = _GROUPING.sub("", masked)
    out = []
    for match in _SELECTOR.finditer(masked):
        name, braces = match.group(1), match.group(2) or ""
        if name.startswith("flashpoint") or ":" in name or name in PROMETHEUS_METRICS:
            out.append((name, frozenset(_MATCHER_LABEL.findall(braces))))
    return out


def promql_grouping_labels(expr: str) -> set[str]:
    masked = _STRING.sub('""', expr)
    labels: set[str] = set()
    for group in _GROUPING.findall(masked):
        labels.update(label.strip() for label in group.split(",") if label.strip())
    return labels
