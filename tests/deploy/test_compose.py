"""docker-compose.yml, Dockerfile and .dockerignore, checked without Docker (none runs here)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from flashpoint.settings import Settings
from tests.deploy.support import COMPOSE_FILE, GRAFANA_DIR, PROMETHEUS_DIR, REPO, load_yaml

SETTINGS_VARS = {f"FLASHPOINT_{name.upper()}" for name in Settings.model_fields}
COMPOSE: dict[str, Any] = load_yaml(COMPOSE_FILE)
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?")


def _env(service: str) -> dict[str, str]:
    env = SERVICES[service].get("environment", {})
    assert isinstance(env, dict), f"{service}: use the mapping form of environment"
    return {k: str(v) for k, v in env.items()}


def _container_port(spec: str | int) -> int:
    return int(str(spec).split(":")[-1].split("/")[0])


def _host_binding(spec: str | int) -> tuple[str, int] | None:
    parts = str(spec).split("/")[0].split(":")
    if len(parts) == 3:
        return parts[0], int(parts[1])
    if len(parts) == 2:
        return "0.0.0.0", int(parts[0])
    return None


def _without_interpolation(text: str) -> str:
    """``${VAR:-default}`` as compose resolves it when VAR is unset."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", r"\1", text)


def _bind_mounts() -> list[tuple[str, str, str]]:
    mounts = []
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source, target, *_ = _without_interpolation(str(volume)).split(":")
            if source.startswith((".", "/")):
                mounts.append((name, source, target))
    return mounts


# --- images and structure --------------------------------------------------------------------------


def test_the_stack_has_every_service() -> None:
    assert set(SERVICES) >= {
        "kafka", "kafka-init", "redis", "worker", "ingest", "producer", "prometheus", "alertmanager", "grafana",
    }  # fmt: skip


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_image_is_pinned_to_a_version(service: str) -> None:
    image, _, digest = SERVICES[service]["image"].partition("@")
    assert not digest or re.fullmatch(r"sha256:[0-9a-f]{64}", digest), f"{service}: bad digest {digest}"
    name, _, tag = image.rpartition(":")
    assert name and "/" not in tag, f"{service}: {image} has no tag"
    assert tag != "latest" and re.search(r"\d", tag), f"{service}: {image} is not pinned"


def test_kafka_runs_in_kraft_mode_from_the_official_image_without_zookeeper() -> None:
    assert SERVICES["kafka"]["image"].startswith("apache/kafka:")
    env = _env("kafka")
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "KAFKA_CONTROLLER_QUORUM_VOTERS" in env
    assert not any("zookeeper" in (s.get("image", "") + n).lower() for n, s in SERVICES.items())
    assert not any("ZOOKEEPER" in key for key in env)


def test_topic_creation_creates_the_topics_the_worker_reads_and_writes() -> None:
    script = "\n".join(SERVICES["kafka-init"]["command"])
    assert "kafka-topics.sh" in script and "--create" in script
    env = _env("worker")
    for var in ("FLASHPOINT_TOPIC_RAW", "FLASHPOINT_TOPIC_ANALYZED", "FLASHPOINT_TOPIC_DEAD"):
        assert re.search(rf"\b{re.escape(env[var])}\b", script), var
    assert SERVICES["kafka-init"]["restart"] == "no"


def test_redis_requires_a_password_that_the_worker_url_carries() -> None:
    redis = SERVICES["redis"]
    assert "--requirepass" in " ".join(redis["command"])
    assert "${REDIS_PASSWORD" in _env("redis")["REDIS_PASSWORD"]
    assert re.match(r"redis://:\$\{REDIS_PASSWORD[^}]*\}@redis:6379/", _env("worker")["FLASHPOINT_REDIS_URL"])


def test_the_worker_scales_without_name_or_host_port_collisions() -> None:
    worker = SERVICES["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker
    assert "hostname" not in worker
    assert _env("worker")["FLASHPOINT_WEB_BIND"] == "0.0.0.0"
    assert worker["build"] == "."
    assert worker["command"] == ["flashpoint", "worker"]


def test_the_producer_replays_the_sample_articles() -> None:
    producer = SERVICES["producer"]
    assert "flashpoint produce" in "\n".join(producer["command"])
    assert any(source.rstrip("/").endswith("flashpoint/samples") for _, source, _ in _bind_mounts())
    assert producer["image"] == SERVICES["worker"]["image"]


# --- health checks and start-up order ---------------------------------------------------------------


@pytest.mark.parametrize("service", ["kafka", "redis", "worker", "ingest", "prometheus", "alertmanager", "grafana"])
def test_long_running_services_have_a_health_check(service: str) -> None:
    test = SERVICES[service]["healthcheck"]["test"]
    assert test[0] in {"CMD", "CMD-SHELL"} and len(test) > 1


def test_worker_health_check_probes_healthz_on_the_web_port() -> None:
    probe = " ".join(SERVICES["worker"]["healthcheck"]["test"])
    assert f"127.0.0.1:{_env('worker')['FLASHPOINT_WEB_PORT']}/healthz" in probe


def test_depends_on_waits_for_health_or_completion() -> None:
    for name, service in SERVICES.items():
        for dependency, spec in service.get("depends_on", {}).items():
            assert dependency in SERVICES, f"{name} depends on unknown {dependency}"
            condition = spec["condition"]
            if condition == "service_healthy":
                assert "healthcheck" in SERVICES[dependency], f"{name} waits on {dependency}'s missing check"
            else:
                assert condition == "service_completed_successfully", f"{name} -> {dependency}: {condition}"
                assert SERVICES[dependency].get("restart") == "no"
    assert SERVICES["worker"]["depends_on"]["redis"]["condition"] == "service_healthy"


# --- files, ports, environment ---------------------------------------------------------------------


@pytest.mark.parametrize(("service", "source", "target"), _bind_mounts())
def test_every_mounted_file_or_directory_exists_in_the_repo(service: str, source: str, target: str) -> None:
    assert (REPO / source).exists(), f"{service} mounts missing {source}"


def test_config_files_named_on_command_lines_are_written_by_the_alerting_config_service(tmp_path: Path) -> None:
    """Prometheus and Alertmanager load what deploy/render_alerting.py writes into the shared
    volume; render it here and check every --config.file lands on a written file."""
    render = SERVICES["alerting-config"]
    out_dir = render["command"][render["command"].index("--out") + 1]
    [(volume, _)] = [(source, target) for source, target, *_ in (str(v).split(":") for v in render["volumes"])
                     if target == out_dir]
    assert volume in COMPOSE["volumes"]
    _render_module().render_compose(tmp_path, {})
    checked = 0
    for name, service in SERVICES.items():
        for arg in service.get("command", []) if isinstance(service.get("command"), list) else []:
            match = re.match(r"--config\.file=(.+)", str(arg))
            if not match:
                continue
            mounts = {target: source for source, target, *_ in (str(v).split(":") for v in service["volumes"])}
            target = next(t for t in mounts if match.group(1).startswith(t.rstrip("/") + "/"))
            assert mounts[target] == volume, f"{name} reads its config from {mounts[target]}"
            assert (tmp_path / match.group(1)[len(target) + 1 :]).is_file(), f"{name}: {match.group(1)}"
            assert service["depends_on"]["alerting-config"]["condition"] == "service_completed_successfully"
            checked += 1
    assert checked == 2  # prometheus and alertmanager


def _render_module() -> Any:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("render_alerting", REPO / "deploy" / "render_alerting.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_alerting_config_service_passes_every_variable_the_renderer_reads() -> None:
    env = _env("alerting-config")
    assert set(_render_module().RECEIVER_VARIABLES.values()) | {"RUNBOOK_URL", "GRAFANA_URL"} <= set(env)
    documented = (REPO / ".env.example").read_text(encoding="utf-8")
    for variable in env:
        assert f"{variable}=" in documented, f"{variable} is not documented in .env.example"
    assert _env("worker")["FLASHPOINT_DASHBOARD_URL"].startswith("${GRAFANA_URL:-")


def test_host_ports_do_not_collide_and_are_bound_to_loopback() -> None:
    seen: dict[int, str] = {}
    for name, service in SERVICES.items():
        for spec in service.get("ports", []):
            binding = _host_binding(spec)
            assert binding is not None, f"{name}: {spec} publishes a random port"
            host, port = binding
            assert host == "127.0.0.1", f"{name}: {spec} is reachable from the network"
            assert port not in seen, f"{name} and {seen.get(port)} both publish {port}"
            seen[port] = name
    assert seen == {9094: "kafka", 9090: "prometheus", 9093: "alertmanager", 3000: "grafana", 8080: "api"}


@pytest.mark.parametrize("service", ["worker", "ingest", "producer"])
def test_every_flashpoint_variable_is_a_settings_field(service: str) -> None:
    env = _env(service)
    unknown = {k for k in env if k.startswith("FLASHPOINT_")} - SETTINGS_VARS
    assert not unknown, f"{service} sets variables flashpoint.settings.Settings does not read: {unknown}"
    for required in ("FLASHPOINT_BROKER_URL", "FLASHPOINT_REDIS_URL", "FLASHPOINT_WEB_PORT"):
        assert required in env


def test_apache_kafka_gets_a_session_timeout_it_accepts() -> None:
    # group.min.session.timeout.ms defaults to 6 s; the Tansu-tuned default (2 s) is refused.
    assert float(_env("worker")["FLASHPOINT_BROKER_SESSION_TIMEOUT"]) >= 6


def test_every_required_interpolated_variable_is_documented_in_env_example() -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    documented = {
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in (REPO / ".env.example").read_text(encoding="utf-8").splitlines()
        if "=" in line
    }
    for name, operator in INTERPOLATION.findall(text):
        if operator in (":-", "-"):
            continue  # has a default
        assert name in documented, f"${{{name}}} must be set in .env: add it to .env.example"


def test_env_example_sets_only_real_settings_fields() -> None:
    for line in (REPO / ".env.example").read_text(encoding="utf-8").splitlines():
        name = line.split("=", 1)[0].lstrip("# ").strip()
        if "=" in line and name.startswith("FLASHPOINT_"):
            assert name in SETTINGS_VARS, name


# --- Prometheus, Alertmanager, Grafana wiring -----------------------------------------------------


def test_prometheus_targets_match_compose_services_and_the_metrics_port() -> None:
    config = load_yaml(PROMETHEUS_DIR / "prometheus.yml")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    worker_job = jobs["flashpoint-worker"]
    web_port = int(_env("worker")["FLASHPOINT_WEB_PORT"])
    assert [_container_port(p) for p in SERVICES["worker"]["expose"]] == [web_port]
    for sd in worker_job["dns_sd_configs"]:
        assert sd["type"] == "A" and sd["port"] == web_port
        assert set(sd["names"]) == {"worker"}
    static = [t for job in jobs.values() for sc in job.get("static_configs", []) for t in sc["targets"]]
    alerting = [
        t for am in config["alerting"]["alertmanagers"] for sc in am["static_configs"] for t in sc["targets"]
    ]
    for target in static + alerting:
        host, port = target.rsplit(":", 1)
        if host == "localhost":
            continue  # Prometheus scraping itself
        assert host in SERVICES, f"{target} is no compose service"
        assert int(port) in _listening_ports(host), f"{host} does not listen on {port}"


def _listening_ports(service: str) -> set[int]:
    spec = SERVICES[service]
    ports = {_container_port(p) for p in spec.get("ports", []) + spec.get("expose", [])}
    return ports


def test_grafana_provisioning_points_at_the_compose_services_and_mounted_dashboards() -> None:
    datasources = load_yaml(GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml")["datasources"]
    for ds in datasources:
        host, port = re.match(r"http://([\w-]+):(\d+)$", ds["url"]).groups()  # type: ignore[union-attr]
        assert host in SERVICES and int(port) in _listening_ports(host)
    providers = load_yaml(GRAFANA_DIR / "provisioning" / "dashboards" / "flashpoint.yml")["providers"]
    targets = {target: source for name, source, target in _bind_mounts() if name == "grafana"}
    for provider in providers:
        assert targets[provider["options"]["path"]] == "./deploy/grafana/dashboards"


# --- Dockerfile -----------------------------------------------------------------------------------


def _dockerfile() -> list[tuple[str, str]]:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_uses_a_pinned_python_311_slim_base() -> None:
    args = dict(rest.split("=", 1) for kw, rest in _dockerfile() if kw == "ARG" and "=" in rest)
    base = args["PYTHON_IMAGE"]
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?(@sha256:[0-9a-f]{64})?", base), base
    assert all(rest.split()[0] == "${PYTHON_IMAGE}" for kw, rest in _dockerfile() if kw == "FROM")


def test_dockerfile_installs_the_package_and_runs_the_worker_as_non_root() -> None:
    instructions = _dockerfile()
    runs = " ".join(rest for kw, rest in instructions if kw == "RUN")
    assert re.search(r"pip install (--[\w-]+ )*\.(\s|$)", runs), runs
    users = [rest for kw, rest in instructions if kw == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert [rest for kw, rest in instructions if kw == "CMD"][-1] == '["flashpoint", "worker"]'
    healthcheck = [rest for kw, rest in instructions if kw == "HEALTHCHECK"][-1]
    assert "/healthz" in healthcheck


def test_docker_build_context_keeps_what_the_dockerfile_copies() -> None:
    ignored = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for kw, rest in _dockerfile():
        if kw != "COPY" or rest.startswith("--from"):
            continue
        *sources, _dest = shlex.split(rest)
        for source in sources:
            assert (REPO / source).exists(), f"COPY {source}: missing"
            excluded = any(Path(source).match(pattern) for pattern in ignored)
            assert not excluded, f"{source} is in .dockerignore"


# --- the ingester ---------------------------------------------------------------------------------


def test_the_ingester_keeps_its_state_on_a_named_volume_at_its_state_dir() -> None:
    state_dir = _env("ingest")["FLASHPOINT_INGEST_STATE_DIR"]
    mounts = {target: source for source, target, *_ in (str(v).split(":") for v in SERVICES["ingest"]["volumes"])
              if not source.startswith(("$", ".", "/"))}
    assert state_dir in mounts, "seen ids and validators must survive a container replacement"
    assert mounts[state_dir] in COMPOSE["volumes"]


def test_the_ingester_polls_the_mounted_feeds_file_which_is_valid() -> None:
    from flashpoint.service.ingest import load_feeds_file

    command = SERVICES["ingest"]["command"]
    assert command[:3] == ["flashpoint", "ingest", "rss"] and "--once" not in command
    mounted = {target: source for name, source, target in _bind_mounts() if name == "ingest"}
    assert command[3] in mounted
    assert load_feeds_file(REPO / mounted[command[3]]).feeds


def test_the_ingester_serves_health_and_metrics_where_prometheus_scrapes_it() -> None:
    env = _env("ingest")
    port = int(env["FLASHPOINT_INGEST_WEB_PORT"])
    assert env["FLASHPOINT_INGEST_WEB_BIND"] == "0.0.0.0"
    assert [_container_port(p) for p in SERVICES["ingest"]["expose"]] == [port]
    assert f"127.0.0.1:{port}/healthz" in " ".join(SERVICES["ingest"]["healthcheck"]["test"])
    jobs = {job["job_name"]: job for job in load_yaml(PROMETHEUS_DIR / "prometheus.yml")["scrape_configs"]}
    targets = [t for sc in jobs["flashpoint-ingest"]["static_configs"] for t in sc["targets"]]
    assert targets == [f"ingest:{port}"]
    assert SERVICES["ingest"].get("deploy", {}).get("replicas", 1) == 1, "two ingesters send every item twice"
