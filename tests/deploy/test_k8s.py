"""deploy/k8s: the kustomize base parses and every reference inside it resolves."""

from __future__ import annotations

from typing import Any

import pytest

from flashpoint.settings import Settings
from tests.deploy.support import DEPLOY, K8S_DIR, load_yaml, load_yaml_documents, run_tool, tool

OVERLAY_DIR = DEPLOY / "k8s-overlay-example"

SETTINGS_VARS = {f"FLASHPOINT_{name.upper()}" for name in Settings.model_fields}
KUSTOMIZATION = load_yaml(K8S_DIR / "kustomization.yaml")


def _objects() -> list[dict[str, Any]]:
    return [doc for name in KUSTOMIZATION["resources"] for doc in load_yaml_documents(K8S_DIR / name)]


def _one(kind: str, name: str | None = None) -> dict[str, Any]:
    found = [o for o in _objects() if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def _names(kind: str) -> set[str]:
    return {o["metadata"]["name"] for o in _objects() if o["kind"] == kind}


def _worker() -> tuple[dict[str, Any], dict[str, Any]]:
    deployment = _one("Deployment", "flashpoint-worker")
    return deployment, deployment["spec"]["template"]["spec"]["containers"][0]


def _config() -> dict[str, str]:
    return dict(_one("ConfigMap", "flashpoint-config")["data"])


def test_every_manifest_is_listed_in_the_kustomization_and_parses() -> None:
    generated_from = {f for g in KUSTOMIZATION.get("configMapGenerator", []) for f in g.get("files", [])}
    files = {p.name for p in K8S_DIR.glob("*.yaml")} - {"kustomization.yaml"} - generated_from
    assert set(KUSTOMIZATION["resources"]) == files
    for obj in _objects():
        assert obj["apiVersion"] and obj["kind"] and obj["metadata"]["name"]


def test_kustomize_builds_the_base() -> None:
    result = run_tool(tool("kubectl"), "kustomize", str(K8S_DIR))
    assert result.returncode == 0, result.stderr
    assert "kind: Deployment" in result.stdout


def test_env_from_references_existing_configmaps_and_the_secret_the_overlay_creates() -> None:
    _, container = _worker()
    for source in container["envFrom"]:
        if "configMapRef" in source:
            assert source["configMapRef"]["name"] in _names("ConfigMap")
        else:
            assert source["secretRef"]["name"] == "flashpoint-secrets"
    generated = load_yaml(OVERLAY_DIR / "kustomization.yaml")["secretGenerator"]
    assert [g["name"] for g in generated] == ["flashpoint-secrets"]


def test_the_base_applies_no_secret() -> None:
    assert not _names("Secret")
    assert not list(K8S_DIR.rglob("secret*.yaml")), "no placeholder Secret next to the base either"


def _secret_keys() -> set[str]:
    lines = (OVERLAY_DIR / "secrets.env.example").read_text(encoding="utf-8").splitlines()
    return {line.split("=", 1)[0] for line in lines if "=" in line and not line.startswith("#")}


def test_every_flashpoint_variable_is_a_settings_field() -> None:
    _, container = _worker()
    names = set(_config()) | _secret_keys() | {e["name"] for e in container.get("env", [])}
    assert names <= SETTINGS_VARS, names - SETTINGS_VARS
    assert {"FLASHPOINT_BROKER_URL", "FLASHPOINT_REDIS_URL", "FLASHPOINT_WEB_PORT"} <= names
    assert "FLASHPOINT_REDIS_URL" in _secret_keys(), "the Redis URL carries a password: Secret"
    assert "FLASHPOINT_REDIS_URL" not in _config()


def test_probes_use_the_web_port_with_liveness_on_healthz_and_readiness_on_readyz() -> None:
    _, container = _worker()
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["web"] == int(_config()["FLASHPOINT_WEB_PORT"])
    assert _config()["FLASHPOINT_WEB_BIND"] == "0.0.0.0"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"]["port"] in ports, probe


def test_the_worker_requests_resources_and_runs_as_non_root() -> None:
    deployment, container = _worker()
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    assert "memory" in container["resources"]["limits"]
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    assert container["image"] in {image["name"] for image in KUSTOMIZATION["images"]}


def test_every_container_names_the_image_once_set_with_a_registry_in_the_kustomization() -> None:
    containers = [c for o in _objects() if o["kind"] == "Deployment"
                  for c in o["spec"]["template"]["spec"]["containers"]]
    assert len(containers) >= 2 and {c["image"] for c in containers} == {"flashpoint"}
    [image] = KUSTOMIZATION["images"]
    assert "/" in image["newName"] and "." in image["newName"].split("/")[0], "a registry host"


def test_scrape_annotations_name_the_metrics_port() -> None:
    deployment, container = _worker()
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert int(annotations["prometheus.io/port"]) == ports["web"]
    assert annotations["prometheus.io/path"] == "/metrics"


def test_service_pdb_and_servicemonitor_select_the_worker_pods() -> None:
    deployment, container = _worker()
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    service = _one("Service", "flashpoint-worker")
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= {p["name"] for p in container["ports"]}
    pdb = _one("PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    monitor = _one("ServiceMonitor", "flashpoint-worker")
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert {e["port"] for e in monitor["spec"]["endpoints"]} <= {p["name"] for p in service["spec"]["ports"]}
    # The Operator's job label is the Service name: the one the alert rules select.
    assert service["metadata"]["name"] == "flashpoint-worker"


def test_the_autoscaler_targets_the_worker_and_stops_at_the_partition_count() -> None:
    hpa = _one("HorizontalPodAutoscaler")
    target = hpa["spec"]["scaleTargetRef"]
    assert target == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "flashpoint-worker"}
    assert hpa["spec"]["maxReplicas"] <= int(_config()["FLASHPOINT_TOPIC_PARTITIONS"])


@pytest.mark.parametrize(
    "kind", ["Namespace", "ConfigMap", "Deployment", "Service", "NetworkPolicy", "PrometheusRule",
             "PersistentVolumeClaim"],
)
def test_the_base_has(kind: str) -> None:
    assert _names(kind)
