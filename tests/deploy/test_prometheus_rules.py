"""Prometheus scrape config, recording/alert rules and their promtool unit tests."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.support import (
    PROMETHEUS_DIR,
    PROMETHEUS_METRICS,
    RULE_TESTS_DIR,
    RULES_DIR,
    TARGET_LABELS,
    alert_rules,
    dashboard_queries,
    load_yaml,
    promql_grouping_labels,
    promql_selectors,
    recording_rules,
    run_tool,
    runbook_anchors,
    tool,
    worker_metric_labels,
)

SEVERITIES = {"critical", "warning", "info"}
REQUIRED_ALERTS = {
    "FlashpointWorkerDown",
    "FlashpointConsumerStalled",
    "FlashpointConsumerLagHigh",
    "FlashpointBrokerDown",
    "FlashpointRejectionRatioHigh",
    "FlashpointAlertSinkFailing",
    "FlashpointRedisMemoryHigh",
    "FlashpointLatencySLOBurn",
    "FlashpointEscalationSurge",
    "FlashpointIngestFeedStale",
    "FlashpointIngestAllFeedsFailing",
    "FlashpointIngestDown",
    "FlashpointApiDown",
    "FlashpointApiErrorsHigh",
}
RULE_FILES = sorted(RULES_DIR.glob("*.yml"))
RULE_TEST_FILES = sorted(RULE_TESTS_DIR.glob("*.yml"))


def _rule_tests() -> list[dict[str, Any]]:
    return [test for path in RULE_TEST_FILES for test in load_yaml(path)["tests"]]


# --- promtool ------------------------------------------------------------------------------------


@pytest.mark.parametrize("config", ["prometheus.yml", "prometheus.local.yml"])
def test_promtool_accepts_the_scrape_config(config: str) -> None:
    result = run_tool(tool("promtool"), "check", "config", config, cwd=PROMETHEUS_DIR)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_the_rule_files_without_lint_findings() -> None:
    result = run_tool(tool("promtool"), "check", "rules", *map(str, RULE_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_pass() -> None:
    result = run_tool(tool("promtool"), "test", "rules", *map(str, RULE_TEST_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_dashboard_query_is_valid_promql(tmp_path: Path) -> None:
    """promtool has no offline query checker; a rule file of the queries gets them parsed."""
    queries = [expr for _, _, expr in dashboard_queries()]
    rules = [{"record": f"dashboard:query:{i}", "expr": expr} for i, expr in enumerate(queries)]
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}), encoding="utf-8")
    result = run_tool(tool("promtool"), "check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


# --- alert rules -----------------------------------------------------------------------------------


def test_the_alert_group_is_named_flashpoint_and_has_every_required_rule() -> None:
    groups = load_yaml(RULES_DIR / "alerts.yml")["groups"]
    assert [g["name"] for g in groups] == ["flashpoint"]
    assert {r["alert"] for r in alert_rules()} == REQUIRED_ALERTS


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda r: f"{r['alert']}-{r['labels']['severity']}")
def test_alert_rule_has_for_severity_summary_description_and_runbook(rule: dict[str, Any]) -> None:
    assert rule["alert"].startswith("Flashpoint")
    assert rule.get("for"), "every rule waits before firing"
    assert rule["labels"]["severity"] in SEVERITIES
    annotations = rule["annotations"]
    summary = annotations["summary"]
    assert summary.endswith(".") and summary.count(". ") == 0, "one sentence"
    assert "{{" not in summary, "the summary is the same for every instance of the alert"
    assert "{{" in annotations["description"], "the description says which job/instance/country"
    url = annotations["runbook_url"]
    path, _, anchor = url.partition("#")
    assert path.endswith("deploy/runbook.md")
    assert anchor == rule["alert"].lower()
    assert anchor in runbook_anchors(), f"deploy/runbook.md has no section for #{anchor}"


def test_every_alert_rule_has_a_promtool_test_before_and_after_its_for() -> None:
    firing: dict[str, set[str]] = defaultdict(set)
    silent: set[str] = set()
    for test in _rule_tests():
        for case in test.get("alert_rule_test", []):
            if case.get("exp_alerts"):
                for alert in case["exp_alerts"]:
                    firing[case["alertname"]].add(alert["exp_labels"]["severity"])
                    assert alert.get("exp_annotations"), "fired alerts are checked with annotations"
            else:
                silent.add(case["alertname"])
    for rule in alert_rules():
        name, severity = rule["alert"], rule["labels"]["severity"]
        assert severity in firing[name], f"no promtool test sees {name} ({severity}) fire"
        assert name in silent, f"no promtool test sees {name} not yet firing"


def test_every_recording_rule_has_a_promtool_test() -> None:
    tested = " ".join(case["expr"] for test in _rule_tests() for case in test.get("promql_expr_test", []))
    for rule in recording_rules():
        assert rule["record"] in tested, f"no promql_expr_test reads {rule['record']}"


def test_recording_rule_names_follow_level_metric_operations() -> None:
    for rule in recording_rules():
        parts = rule["record"].split(":")
        assert len(parts) == 3 and all(parts), rule["record"]


# --- metric names ----------------------------------------------------------------------------------


def _all_queries() -> list[tuple[str, str]]:
    rules = [(r.get("alert") or r["record"], r["expr"]) for r in alert_rules() + recording_rules()]
    return rules + [(f"{board}: {title}", expr) for board, title, expr in dashboard_queries()]


@pytest.mark.parametrize(("where", "expr"), _all_queries(), ids=[w for w, _ in _all_queries()])
def test_every_metric_and_label_in_rules_and_dashboards_exists(where: str, expr: str) -> None:
    metrics = worker_metric_labels()
    recorded = {r["record"] for r in recording_rules()}
    known_labels = set().union(*metrics.values()) | TARGET_LABELS | {"alertname", "alertstate", "severity"}
    selectors = promql_selectors(expr)
    assert selectors, f"{where} reads no flashpoint metric"
    for name, labels in selectors:
        if name in PROMETHEUS_METRICS:
            continue
        if ":" in name:
            assert name in recorded, f"{where}: {name} is no recording rule"
            continue
        assert name in metrics, f"{where}: {name} is not a metric of flashpoint/service/metrics.py"
        unknown = labels - metrics[name] - TARGET_LABELS
        assert not unknown, f"{where}: {name} has no label {unknown}"
    assert promql_grouping_labels(expr) <= known_labels, f"{where}: unknown label in by/on/without"


# --- scrape config ---------------------------------------------------------------------------------


def test_scrape_configs_target_the_worker_job_that_rules_and_dashboards_select() -> None:
    for config in ("prometheus.yml", "prometheus.local.yml"):
        jobs = {job["job_name"]: job for job in load_yaml(PROMETHEUS_DIR / config)["scrape_configs"]}
        for job in ("flashpoint-worker", "flashpoint-ingest", "flashpoint-api"):
            assert job in jobs, (config, job)
            assert jobs[job].get("metrics_path", "/metrics") == "/metrics", (config, job)
        assert load_yaml(PROMETHEUS_DIR / config)["rule_files"] == ["rules/recording.yml", "rules/alerts.yml"]
