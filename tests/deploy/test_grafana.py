"""Grafana: provisioning and dashboards are valid, every panel queries the provisioned Prometheus."""

from __future__ import annotations

import importlib.util
import re
import sys
from typing import Any

import pytest

from flashpoint.settings import Settings
from tests.deploy.support import (
    GRAFANA_DIR,
    alert_rules,
    dashboard_panels,
    dashboards,
    load_yaml,
    worker_metric_labels,
)

DATASOURCES = load_yaml(GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml")["datasources"]
PROMETHEUS_UID = next(ds["uid"] for ds in DATASOURCES if ds["type"] == "prometheus")
PANELS = [(name, panel) for name, board in dashboards().items() for panel in dashboard_panels(board)]


def test_both_dashboards_exist_with_their_uids() -> None:
    uids = {name: board["uid"] for name, board in dashboards().items()}
    assert uids == {
        "pipeline-health.json": "flashpoint-pipeline-health",
        "escalation-overview.json": "flashpoint-escalation",
    }


def test_dashboard_links_in_settings_and_alerts_open_the_escalation_overview() -> None:
    # The field default, not Settings(): a developer's .env must not change what is tested.
    assert str(Settings.model_fields["dashboard_url"].default).endswith("/d/flashpoint-escalation")
    links = [r["annotations"]["dashboard_url"] for r in alert_rules() if "dashboard_url" in r["annotations"]]
    assert links and all("/d/flashpoint-escalation" in link for link in links)


@pytest.mark.parametrize(("board", "panel"), PANELS, ids=[f"{b}:{p['title']}" for b, p in PANELS])
def test_every_panel_has_the_prometheus_datasource_and_a_query(board: str, panel: dict[str, Any]) -> None:
    assert panel["datasource"]["uid"] == PROMETHEUS_UID
    assert panel["targets"], "a panel without a query shows nothing"
    for target in panel["targets"]:
        assert target["datasource"]["uid"] == PROMETHEUS_UID
        assert target["expr"].strip()
        assert target["refId"]
    assert {"x", "y", "w", "h"} <= set(panel["gridPos"])


def test_panel_ids_are_unique_per_dashboard() -> None:
    for name, board in dashboards().items():
        ids = [p["id"] for p in dashboard_panels(board)]
        assert len(ids) == len(set(ids)), name


def test_template_variables_query_existing_metrics_and_labels() -> None:
    metrics = worker_metric_labels()
    for name, board in dashboards().items():
        for variable in board["templating"]["list"]:
            assert variable["datasource"]["uid"] == PROMETHEUS_UID
            match = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", variable["query"])
            assert match, f"{name}: {variable['name']}"
            selector, label = match.groups()
            metric = selector.split("{")[0].strip()
            if metric == "up":
                assert label in {"instance", "job"}, f"{name}: {variable['name']}"
                continue
            assert metric in metrics, f"{name}: {variable['name']} reads unknown {metric}"
            assert label in metrics[metric] | {"instance", "job"}, f"{name}: {variable['name']}"


def test_the_pipeline_dashboard_covers_what_on_call_needs() -> None:
    exprs = " ".join(
        t["expr"] for p in dashboard_panels(dashboards()["pipeline-health.json"]) for t in p["targets"]
    )
    for metric in (
        "flashpoint_articles_consumed_total",
        "flashpoint_consumer_lag_messages",
        "flashpoint_end_to_end_latency_seconds_bucket",
        "flashpoint_article_processing_seconds_bucket",
        "flashpoint_alert_sink_errors_total",
        "flashpoint_articles_rejected_total",
        "flashpoint_alert_sink_up",
        "flashpoint_articles_in_flight",
    ):
        assert metric in exprs, metric


def test_the_escalation_dashboard_covers_what_analysts_need() -> None:
    exprs = " ".join(
        t["expr"] for p in dashboard_panels(dashboards()["escalation-overview.json"]) for t in p["targets"]
    )
    assert "sum by (country)" in exprs and "sum by (kind)" in exprs
    assert "topk(" in exprs
    assert "flashpoint_alerts_published_total" in exprs
    assert 'alertname="FlashpointEscalationSurge"' in exprs


def test_committed_dashboards_are_what_generate_py_writes() -> None:
    spec = importlib.util.spec_from_file_location("grafana_generate", GRAFANA_DIR / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    for name, text in module.render().items():
        committed = (GRAFANA_DIR / "dashboards" / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is stale: run python deploy/grafana/generate.py"


# --- units: what the panel says matches what its queries compute ------------------------------------

_RATE = re.compile(r"\b(?:rate|irate)\(")


def _computed_unit(expr: str) -> str:
    """What a query computes, from its functions and the metric naming conventions (base units,
    ``_total`` counters, ``_timestamp_seconds``, ``:ratio_`` recording rules)."""
    if "histogram_quantile(" in expr:
        return "duration"
    if re.search(r"time\(\)\s*-", expr) and "_timestamp_seconds" in expr:
        return "duration"
    if ":ratio_" in expr:
        return "ratio"
    if _RATE.search(expr):
        return "per_hour" if re.search(r"\*\s*3600\b", expr) else "per_second"
    return "count"  # increase(), gauges of messages/articles, 0/1 gauges, info series, counts


def _panel_unit(unit: str) -> str:
    if unit in {"s", "ms"}:
        return "duration"
    if unit == "percentunit":
        return "ratio"
    if re.fullmatch(r"suffix: [a-z]+/s", unit):
        return "per_second"
    if re.fullmatch(r"suffix: [a-z]+/h", unit):
        return "per_hour"
    if unit in {"short", "none"}:
        return "count"
    raise AssertionError(f"unit {unit!r} says nothing about flashpoint's metrics (reqps is requests/s)")


@pytest.mark.parametrize(("board", "panel"), PANELS, ids=[f"{b}:{p['title']}" for b, p in PANELS])
def test_every_panel_unit_matches_what_its_queries_compute(board: str, panel: dict[str, Any]) -> None:
    computed = {_computed_unit(t["expr"]) for t in panel["targets"]}
    assert len(computed) == 1, f"queries of different units on one axis: {computed}"
    assert _panel_unit(panel["fieldConfig"]["defaults"]["unit"]) == computed.pop()


def test_rate_units_name_what_the_counter_counts() -> None:
    nouns = {"articles": "flashpoint_articles_", "polls": "flashpoint_ingest_polls_",
             "items": "flashpoint_ingest_items_", "fetches": "flashpoint_ingest_fetch_errors_",
             "signals": "flashpoint_escalation_signals_", "alerts": "flashpoint_alerts_",
             "operations": "flashpoint_alert_sink_", "messages": "flashpoint_articles_rejected_"}
    for _, panel in PANELS:
        unit = panel["fieldConfig"]["defaults"]["unit"]
        if unit.startswith("suffix: "):
            noun = unit.removeprefix("suffix: ").split("/")[0]
            assert all(nouns[noun] in t["expr"] for t in panel["targets"]), (panel["title"], unit)


def test_the_lag_stat_counts_each_partition_once_through_the_recording_rule() -> None:
    lag = next(p for name, p in PANELS if name == "pipeline-health.json" and p["title"] == "Consumer lag")
    [target] = lag["targets"]
    assert "flashpoint:consumer_lag_messages:sum" in target["expr"]
    assert "flashpoint_consumer_lag_messages" not in target["expr"].replace(":consumer_lag_messages:", "")


def test_time_since_last_article_has_no_data_before_the_first_article() -> None:
    panel = next(p for _, p in PANELS if p["title"] == "Time since last article")
    [target] = panel["targets"]
    assert re.search(r"flashpoint_last_processed_timestamp_seconds\{[^}]*\}\s*>\s*0\)", target["expr"])


def test_the_pipeline_dashboard_has_an_ingest_row() -> None:
    board = dashboards()["pipeline-health.json"]
    rows = [p["title"] for p in board["panels"] if p["type"] == "row"]
    assert any("Ingest" in title for title in rows)
    exprs = " ".join(t["expr"] for p in dashboard_panels(board) for t in p["targets"])
    for metric in ("flashpoint_ingest_polls_total", "flashpoint_ingest_items_total",
                   "flashpoint_ingest_fetch_errors_total", "flashpoint_ingest_last_success_timestamp_seconds",
                   "flashpoint_ingest_feed_up"):
        assert metric in exprs, metric
