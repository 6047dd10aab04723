"""deploy/render_alerting.py: receivers and absolute links from the environment, in files that
promtool and amtool accept."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.deploy.support import DEPLOY, alert_rules, load_yaml, run_tool, tool

ROUTING_KEY = "0123456789abcdef0123456789abcdef"
SLACK = "https://hooks.slack.com/services/T000/B000/XXXXSECRET"
ENV = {
    "RUNBOOK_URL": "https://github.com/example-org/flashpoint/blob/main/deploy/runbook.md",
    "GRAFANA_URL": "https://grafana.example.org",
    "ALERT_RECEIVER_OPS_PAGER": f"pagerduty:{ROUTING_KEY}",
    "ALERT_RECEIVER_OPS_TICKETS": f"slack:{SLACK}#flashpoint-ops",
    "ALERT_RECEIVER_OPS_INFO": "webhook:https://alerts.example.org/info",
    "ALERT_RECEIVER_ANALYSTS": "https://alerts.example.org/analysts",
}


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_alerting", DEPLOY / "render_alerting.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_configured_deployment_gets_slack_pagerduty_and_webhook_receivers(tmp_path: Path) -> None:
    assert _module().render_compose(tmp_path, ENV) == []
    receivers = {r["name"]: r for r in load_yaml(tmp_path / "alertmanager" / "alertmanager.yml")["receivers"]}
    assert receivers["ops-pager"]["pagerduty_configs"][0]["routing_key"] == ROUTING_KEY
    slack = receivers["ops-tickets"]["slack_configs"][0]
    assert (slack["api_url"], slack["channel"]) == (SLACK, "#flashpoint-ops")
    assert receivers["ops-info"]["webhook_configs"][0]["url"] == "https://alerts.example.org/info"
    assert receivers["analysts"]["webhook_configs"][0]["url"] == "https://alerts.example.org/analysts"


def test_the_rendered_configuration_passes_promtool_and_amtool(tmp_path: Path) -> None:
    _module().render_compose(tmp_path, ENV)
    prometheus = run_tool(tool("promtool"), "check", "config", str(tmp_path / "prometheus" / "prometheus.yml"))
    assert prometheus.returncode == 0, prometheus.stdout + prometheus.stderr
    alertmanager = run_tool(tool("amtool"), "check-config", str(tmp_path / "alertmanager" / "alertmanager.yml"))
    assert alertmanager.returncode == 0, alertmanager.stdout + alertmanager.stderr


def test_runbook_and_dashboard_links_become_absolute_once_configured(tmp_path: Path) -> None:
    _module().render_compose(tmp_path, ENV)
    rules = [r for path in sorted((tmp_path / "prometheus" / "rules").glob("*.yml"))
             for g in load_yaml(path)["groups"] for r in g["rules"] if "alert" in r]
    assert sorted(r["alert"] for r in rules) == sorted(r["alert"] for r in alert_rules())
    for rule in rules:
        assert rule["annotations"]["runbook_url"] == f"{ENV['RUNBOOK_URL']}#{rule['alert'].lower()}"
    surge = next(r for r in rules if r["alert"] == "FlashpointEscalationSurge")
    assert surge["annotations"]["dashboard_url"].startswith("https://grafana.example.org/d/flashpoint-escalation?")


def test_without_configuration_the_links_stay_repository_relative_and_receivers_are_reported(
    tmp_path: Path,
) -> None:
    empty = _module().render_compose(tmp_path, {})
    assert empty == ["ops-pager", "ops-tickets", "ops-info", "analysts"]
    rules = [r for path in (tmp_path / "prometheus" / "rules").glob("*.yml")
             for g in load_yaml(path)["groups"] for r in g["rules"] if "alert" in r]
    assert all(r["annotations"]["runbook_url"].startswith("deploy/runbook.md#") for r in rules)


@pytest.mark.parametrize(
    "spec", ["slack:", "pagerduty:not a key", "teams:https://example.org", "webhook:ftp://example.org/x"]
)
def test_a_malformed_receiver_is_refused_without_echoing_its_value(spec: str) -> None:
    module = _module()
    with pytest.raises(module.ReceiverSpecError) as error:
        module.receiver("ops-pager", spec)
    assert "ALERT_RECEIVER_OPS_PAGER" in str(error.value)
    assert spec.partition(":")[2] not in str(error.value) or not spec.partition(":")[2]


def test_the_script_exits_2_and_names_the_variable_for_a_bad_receiver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ALERT_RECEIVER_ANALYSTS", "carrier-pigeon:coo")
    assert _module().main(["--out", str(tmp_path)]) == 2
    assert "ALERT_RECEIVER_ANALYSTS" in capsys.readouterr().err
