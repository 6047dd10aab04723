"""Turn the alerting files of this folder into what a deployment loads, from its environment.

The rule files in ``prometheus/rules/`` and ``alertmanager/alertmanager.yml`` are written for
review and for promtool: runbook links relative to the repository, the Grafana of a laptop,
receivers that deliver nowhere. A deployment sets where its runbook, its Grafana and its pages
are, and this script writes the files it loads:

    python deploy/render_alerting.py --out DIR     # compose runs this in the alerting-config service
    python deploy/render_alerting.py --k8s         # rewrites deploy/k8s/prometheusrule.yaml

Environment (compose reads them from ``.env``; see ``.env.example``):

``RUNBOOK_URL``
    Where ``deploy/runbook.md`` is published, e.g.
    ``https://github.com/ORG/flashpoint/blob/main/deploy/runbook.md``. Every ``runbook_url`` becomes
    ``RUNBOOK_URL#<section>``. Unset: the repository-relative path stays.
``GRAFANA_URL``
    Grafana's base URL, e.g. ``https://grafana.example.org``: ``dashboard_url`` annotations point
    at its dashboards. Unset: ``http://127.0.0.1:3000`` (compose publishes Grafana there).
``ALERT_RECEIVER_OPS_PAGER``, ``ALERT_RECEIVER_OPS_TICKETS``, ``ALERT_RECEIVER_OPS_INFO``, ``ALERT_RECEIVER_ANALYSTS``
    Where each receiver of ``alertmanager.yml`` delivers, one of:
    ``slack:<incoming-webhook URL>[#channel]``, ``pagerduty:<Events API v2 routing key>``,
    ``webhook:<URL>`` (or a bare ``https://`` URL). Unset or empty: the receiver delivers nothing
    and the script says so on stderr.

Kubernetes takes the same two URLs from the ConfigMap ``flashpoint-alerting`` through kustomize
replacements (``deploy/k8s/kustomization.yaml``); its receivers live in your Alertmanager.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
RULES_DIR = HERE / "prometheus" / "rules"
PROMETHEUS_CONFIG = HERE / "prometheus" / "prometheus.yml"
ALERTMANAGER_CONFIG = HERE / "alertmanager" / "alertmanager.yml"
PROMETHEUS_RULE = HERE / "k8s" / "prometheusrule.yaml"
DEFAULT_GRAFANA_URL = "http://127.0.0.1:3000"
RECEIVER_VARIABLES = {
    "ops-pager": "ALERT_RECEIVER_OPS_PAGER",
    "ops-tickets": "ALERT_RECEIVER_OPS_TICKETS",
    "ops-info": "ALERT_RECEIVER_OPS_INFO",
    "analysts": "ALERT_RECEIVER_ANALYSTS",
}
_GRAFANA_BASE = re.compile(r"^https?://[^/]+")


class ReceiverSpecError(ValueError):
    """A receiver variable that is none of the documented forms; the message names it."""


def rule_groups(runbook_url: str | None = None, grafana_url: str | None = None) -> list[dict[str, Any]]:
    """Every rule group of ``prometheus/rules/`` with absolute runbook and dashboard links."""
    groups: list[dict[str, Any]] = []
    for path in sorted(RULES_DIR.glob("*.yml")):
        groups += yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]
    for group in groups:
        for rule in group["rules"]:
            annotations = rule.get("annotations", {})
            if runbook_url and "runbook_url" in annotations:
                _, _, anchor = annotations["runbook_url"].partition("#")
                annotations["runbook_url"] = f"{runbook_url.rstrip('/')}#{anchor}"
            if grafana_url and "dashboard_url" in annotations:
                annotations["dashboard_url"] = _GRAFANA_BASE.sub(grafana_url.rstrip("/"), annotations["dashboard_url"])
    return groups


def receiver(name: str, spec: str) -> dict[str, Any]:
    """An Alertmanager receiver named ``name`` from one ``kind:target`` spec (see the module doc)."""
    spec = spec.strip()
    where = RECEIVER_VARIABLES.get(name, name)  # never the value: it holds the secret
    if not spec:
        return {"name": name}
    kind, _, target = spec.partition(":")
    if kind in ("http", "https"):
        kind, target = "webhook", spec
    if not target:
        raise ReceiverSpecError(f"{where}: nothing after '{kind}:'")
    if kind == "webhook":
        return {"name": name, "webhook_configs": [{"url": _url(target, where), "send_resolved": True}]}
    if kind == "slack":
        url, _, channel = target.partition("#")
        config: dict[str, Any] = {
            "api_url": _url(url, where),
            "send_resolved": True,
            "title": '{{ .CommonLabels.alertname }} ({{ .Status }})',
            "text": "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\n"
                    "Runbook: {{ .Annotations.runbook_url }}\n{{ end }}",
        }
        if channel:
            config["channel"] = f"#{channel}"
        return {"name": name, "slack_configs": [config]}
    if kind == "pagerduty":
        if not re.fullmatch(r"[A-Za-z0-9]{20,64}", target):
            raise ReceiverSpecError(f"{where}: a PagerDuty routing key is 32 letters and digits")
        return {
            "name": name,
            "pagerduty_configs": [{
                "routing_key": target,
                "send_resolved": True,
                "description": "{{ .CommonAnnotations.summary }}",
                "links": [{"href": "{{ .CommonAnnotations.runbook_url }}", "text": "runbook"}],
            }],
        }
    raise ReceiverSpecError(f"{where}: expected slack:, pagerduty:, webhook: or an https:// URL")


def _url(value: str, where: str) -> str:
    if not re.match(r"^https?://[^/\s]+", value):
        raise ReceiverSpecError(f"{where}: expected an http(s) URL")
    return value


def alertmanager_config(env: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """alertmanager.yml with each receiver from its variable, and the receivers left empty."""
    config = yaml.safe_load(ALERTMANAGER_CONFIG.read_text(encoding="utf-8"))
    receivers, empty = [], []
    for existing in config["receivers"]:
        name = existing["name"]
        built = receiver(name, env.get(RECEIVER_VARIABLES.get(name, ""), ""))
        if len(built) == 1:
            empty.append(name)
        receivers.append(built)
    config["receivers"] = receivers
    return config, empty


def prometheus_rule(groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The Prometheus Operator's PrometheusRule holding ``groups``."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "flashpoint", "labels": {"app.kubernetes.io/name": "flashpoint"}},
        "spec": {"groups": groups},
    }


def render_prometheus_rule_file() -> str:
    header = (
        "# GENERATED by `python deploy/render_alerting.py --k8s` from deploy/prometheus/rules/*.yml:\n"
        "# edit those, then run it (tests/deploy fails when this file is stale). Runbook and dashboard\n"
        "# links are made absolute from the ConfigMap flashpoint-alerting (kustomization.yaml).\n"
    )
    return header + yaml.safe_dump(prometheus_rule(rule_groups()), sort_keys=False, width=100)


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, width=100), encoding="utf-8")


def render_compose(out: Path, env: Mapping[str, str]) -> list[str]:
    """Write ``out/prometheus/`` (config and rules) and ``out/alertmanager/alertmanager.yml``."""
    groups = rule_groups(env.get("RUNBOOK_URL") or None, env.get("GRAFANA_URL") or DEFAULT_GRAFANA_URL)
    shutil.copy(PROMETHEUS_CONFIG, _mkdir(out / "prometheus") / "prometheus.yml")
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text(encoding="utf-8"))
    by_file = {Path(name).name: name for name in config["rule_files"]}
    for path in sorted(RULES_DIR.glob("*.yml")):
        names = {g["name"] for g in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]}
        _dump(out / "prometheus" / by_file.get(path.name, f"rules/{path.name}"),
              {"groups": [g for g in groups if g["name"] in names]})
    alertmanager, empty = alertmanager_config(env)
    _dump(out / "alertmanager" / "alertmanager.yml", alertmanager)
    return empty


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help="write the compose configuration here")
    target.add_argument("--k8s", action="store_true", help=f"rewrite {PROMETHEUS_RULE.relative_to(HERE.parent)}")
    args = parser.parse_args(argv)
    if args.k8s:
        PROMETHEUS_RULE.write_text(render_prometheus_rule_file(), encoding="utf-8")
        print(f"wrote {PROMETHEUS_RULE}")
        return 0
    try:
        empty = render_compose(args.out, os.environ)
    except ReceiverSpecError as e:
        print(f"render_alerting: {e}", file=sys.stderr)
        return 2
    for name in empty:
        print(f"render_alerting: receiver {name} delivers nowhere: set {RECEIVER_VARIABLES[name]}", file=sys.stderr)
    print(f"render_alerting: wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
