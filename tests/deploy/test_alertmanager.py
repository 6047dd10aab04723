"""Alertmanager: the config is valid, routes by severity, and inhibits what a root cause explains."""

from __future__ import annotations

import re

import pytest

from tests.deploy.support import ALERTMANAGER_CONFIG, alert_rules, load_yaml, run_tool, tool


def _route(*labels: str) -> str:
    config = f"--config.file={ALERTMANAGER_CONFIG}"
    result = run_tool(tool("amtool"), "config", "routes", "test", config, *labels)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def test_amtool_accepts_the_config() -> None:
    result = run_tool(tool("amtool"), "check-config", str(ALERTMANAGER_CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("labels", "receiver"),
    [
        (("alertname=FlashpointWorkerDown", "severity=critical", "job=flashpoint-worker"), "ops-pager"),
        (("alertname=FlashpointConsumerLagHigh", "severity=warning", "job=flashpoint-worker"), "ops-tickets"),
        (("alertname=FlashpointEscalationSurge", "severity=info", "country=UA"), "analysts"),
        (("alertname=SomethingElse", "severity=info"), "ops-info"),
        (("alertname=NoSeverity",), "ops-tickets"),
    ],
)
def test_alerts_are_routed_by_severity_and_surges_to_analysts(labels: tuple[str, ...], receiver: str) -> None:
    assert _route(*labels) == receiver


def test_every_alert_rule_reaches_a_receiver_other_than_the_default_catch_all() -> None:
    for rule in alert_rules():
        receiver = _route(f"alertname={rule['alert']}", f"severity={rule['labels']['severity']}")
        assert receiver in {"ops-pager", "ops-tickets", "analysts"}, rule["alert"]


def test_worker_down_inhibits_stalled_and_lag_of_the_same_job() -> None:
    config = load_yaml(ALERTMANAGER_CONFIG)
    inhibitions = [
        rule
        for rule in config["inhibit_rules"]
        if 'alertname = "FlashpointWorkerDown"' in rule["source_matchers"]
    ]
    assert inhibitions
    targets = " ".join(" ".join(rule["target_matchers"]) for rule in inhibitions)
    for alertname in ("FlashpointConsumerStalled", "FlashpointConsumerLagHigh"):
        assert re.search(rf"\b{alertname}\b", targets)
    assert all("job" in rule["equal"] for rule in inhibitions)


def test_every_inhibition_names_existing_alert_rules() -> None:
    names = {rule["alert"] for rule in alert_rules()}
    config = load_yaml(ALERTMANAGER_CONFIG)
    for rule in config["inhibit_rules"]:
        matchers = " ".join(rule["source_matchers"] + rule["target_matchers"])
        for name in re.findall(r"Flashpoint\w+", matchers):
            assert name in names, name


def test_every_route_receiver_is_defined() -> None:
    config = load_yaml(ALERTMANAGER_CONFIG)
    defined = {r["name"] for r in config["receivers"]}
    routes = [config["route"], *config["route"].get("routes", [])]
    assert {r["receiver"] for r in routes} <= defined


def test_every_feed_failing_inhibits_the_stale_feed_tickets_of_the_same_ingester() -> None:
    config = load_yaml(ALERTMANAGER_CONFIG)
    rules = [r for r in config["inhibit_rules"]
             if r["source_matchers"] == ['alertname = "FlashpointIngestAllFeedsFailing"']]
    assert len(rules) == 1
    assert rules[0]["target_matchers"] == ['alertname = "FlashpointIngestFeedStale"']
    assert set(rules[0]["equal"]) == {"job", "instance"}


@pytest.mark.parametrize(
    ("alertname", "severity", "receiver"),
    [("FlashpointIngestAllFeedsFailing", "critical", "ops-pager"),
     ("FlashpointIngestDown", "critical", "ops-pager"),
     ("FlashpointIngestFeedStale", "warning", "ops-tickets")],
)
def test_ingester_alerts_page_or_ticket_by_severity(alertname: str, severity: str, receiver: str) -> None:
    assert _route(f"alertname={alertname}", f"severity={severity}", "job=flashpoint-ingest", "feed=bbc") == receiver


@pytest.mark.parametrize(
    ("alertname", "severity", "receiver"),
    [("FlashpointApiDown", "critical", "ops-pager"),
     ("FlashpointApiErrorsHigh", "warning", "ops-tickets")],
)
def test_api_alerts_page_or_ticket_by_severity(alertname: str, severity: str, receiver: str) -> None:
    assert _route(f"alertname={alertname}", f"severity={severity}", "job=flashpoint-api") == receiver
