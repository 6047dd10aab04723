"""deploy/k8s as kubectl applies it: rendered by kustomize, valid against the Kubernetes schemas,
with the ingester, the network policy, the rules and the example overlay doing what they claim."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from flashpoint.service.ingest import load_feeds_file
from tests.deploy.support import DEPLOY, K8S_DIR, alert_rules, run_tool, tool

OVERLAY_DIR = DEPLOY / "k8s-overlay-example"
# Kinds of the Prometheus Operator: no schema in kubernetes-validate, checked below by hand.
OPERATOR_KINDS = {"PrometheusRule", "ServiceMonitor"}


def _kustomize(path: Path) -> list[dict[str, Any]]:
    result = run_tool(tool("kubectl"), "kustomize", str(path))
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@cache
def _base() -> tuple[dict[str, Any], ...]:
    return tuple(_kustomize(K8S_DIR))


def _find(objects: tuple[dict[str, Any], ...] | list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"].startswith(name)]
    assert len(found) == 1, f"{kind} {name}: {len(found)}"
    return found[0]


def _render_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_alerting", DEPLOY / "render_alerting.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_rendered_manifest_passes_kubernetes_validate_strictly() -> None:
    import kubernetes_validate

    kinds = set()
    for obj in _base():
        kinds.add(obj["kind"])
        if obj["kind"] in OPERATOR_KINDS:
            continue
        kubernetes_validate.validate(obj, kubernetes_validate.latest_version(), strict=True)
    assert {"Deployment", "Service", "ConfigMap", "NetworkPolicy", "PersistentVolumeClaim"} <= kinds
    assert "Secret" not in kinds


def test_the_prometheus_rule_is_generated_from_the_rule_files() -> None:
    committed = (K8S_DIR / "prometheusrule.yaml").read_text(encoding="utf-8")
    assert committed == _render_module().render_prometheus_rule_file(), (
        "deploy/k8s/prometheusrule.yaml is stale: run python deploy/render_alerting.py --k8s"
    )


def test_the_rendered_rules_are_the_rule_files_with_absolute_links_from_the_alerting_configmap() -> None:
    links = _find(_base(), "ConfigMap", "flashpoint-alerting")["data"]
    rule = _find(_base(), "PrometheusRule", "flashpoint")
    rendered = [r for g in rule["spec"]["groups"] for r in g["rules"] if "alert" in r]
    assert [r["alert"] for r in rendered] == [r["alert"] for r in alert_rules()]
    for source, deployed in zip(alert_rules(), rendered, strict=True):
        assert deployed["expr"] == source["expr"] and deployed["for"] == source["for"]
        anchor = source["annotations"]["runbook_url"].partition("#")[2]
        assert deployed["annotations"]["runbook_url"] == f"{links['RUNBOOK_URL']}#{anchor}"
        if "dashboard_url" in source["annotations"]:
            assert deployed["annotations"]["dashboard_url"].startswith(links["DASHBOARD_URL"] + "?var-country=")
    worker_config = _find(_base(), "ConfigMap", "flashpoint-config")["data"]
    assert worker_config["FLASHPOINT_DASHBOARD_URL"] == links["DASHBOARD_URL"]


def test_the_example_overlay_makes_the_secret_sets_the_links_and_names_the_registry(tmp_path: Path) -> None:
    shutil.copytree(K8S_DIR, tmp_path / "k8s")
    shutil.copytree(OVERLAY_DIR, tmp_path / OVERLAY_DIR.name)
    overlay = tmp_path / OVERLAY_DIR.name
    shutil.copy(overlay / "secrets.env.example", overlay / "secrets.env")
    objects = _kustomize(overlay)
    secret = _find(objects, "Secret", "flashpoint-secrets-")
    worker = _find(objects, "Deployment", "flashpoint-worker")["spec"]["template"]["spec"]["containers"][0]
    assert {"secretRef": {"name": secret["metadata"]["name"]}} in worker["envFrom"]
    assert worker["image"].startswith("registry.example.org/news/flashpoint:")
    rule = _find(objects, "PrometheusRule", "flashpoint")
    urls = {r["annotations"]["runbook_url"] for g in rule["spec"]["groups"] for r in g["rules"] if "alert" in r}
    assert all(u.startswith("https://github.com/example-org/flashpoint/blob/main/deploy/runbook.md#") for u in urls)


def _policy(name: str) -> dict[str, Any]:
    return _find(_base(), "NetworkPolicy", name)["spec"]


def _egress_ports(spec: dict[str, Any]) -> set[int]:
    return {p["port"] for rule in spec["egress"] for p in rule.get("ports", [])}


def test_the_worker_takes_ingress_only_from_prometheus_and_reaches_only_dns_kafka_and_redis() -> None:
    spec = _policy("flashpoint-worker")
    assert spec["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "flashpoint-worker"}
    assert set(spec["policyTypes"]) == {"Ingress", "Egress"}
    [ingress] = spec["ingress"]
    assert [peer["podSelector"]["matchLabels"] for peer in ingress["from"]] == [
        {"app.kubernetes.io/name": "prometheus"}
    ]
    assert [p["port"] for p in ingress["ports"]] == ["web"]
    config = _find(_base(), "ConfigMap", "flashpoint-config")["data"]
    kafka_port = int(config["FLASHPOINT_BROKER_URL"].rsplit(":", 1)[1])
    assert _egress_ports(spec) == {53, kafka_port, 6379}
    assert all("to" not in rule or rule["to"] for rule in spec["egress"])


def test_the_ingester_reaches_dns_kafka_and_web_servers_and_takes_only_prometheus() -> None:
    spec = _policy("flashpoint-ingest")
    assert _egress_ports(spec) == {53, 9092, 80, 443}
    [ingress] = spec["ingress"]
    assert [peer["podSelector"]["matchLabels"] for peer in ingress["from"]] == [
        {"app.kubernetes.io/name": "prometheus"}
    ]


def test_the_ingester_runs_once_with_its_state_on_a_claim_and_polls_a_valid_feeds_file() -> None:
    deployment = _find(_base(), "Deployment", "flashpoint-ingest")
    spec = deployment["spec"]
    assert spec["replicas"] == 1 and spec["strategy"]["type"] == "Recreate"
    pod = spec["template"]["spec"]
    [container] = pod["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    state = next(n for n, path in mounts.items() if path == env["FLASHPOINT_INGEST_STATE_DIR"])
    claim = volumes[state]["persistentVolumeClaim"]["claimName"]
    assert _find(_base(), "PersistentVolumeClaim", claim)["spec"]["accessModes"] == ["ReadWriteOnce"]
    feeds_path = container["command"][-1]
    assert container["command"][:3] == ["flashpoint", "ingest", "rss"]
    feeds_volume = next(n for n, path in mounts.items() if feeds_path.startswith(path + "/"))
    feeds_map = _find(_base(), "ConfigMap", volumes[feeds_volume]["configMap"]["name"])
    file_name = feeds_path.rsplit("/", 1)[1]
    assert load_feeds_file(_write(feeds_map["data"][file_name])).feeds
    port = next(p for p in container["ports"] if p["name"] == "web")["containerPort"]
    assert port == int(env["FLASHPOINT_INGEST_WEB_PORT"]) and env["FLASHPOINT_INGEST_WEB_BIND"] == "0.0.0.0"
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "web"}


def _write(text: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix="flashpoint-feeds-")) / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["flashpoint-worker", "flashpoint-ingest", "flashpoint-api"])
def test_the_service_monitors_select_services_whose_name_is_the_job_the_rules_use(name: str) -> None:
    monitor = _find(_base(), "ServiceMonitor", name)
    service = _find(_base(), "Service", name)
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    rules_text = (K8S_DIR / "prometheusrule.yaml").read_text(encoding="utf-8")
    assert f'job="{name}"' in rules_text
