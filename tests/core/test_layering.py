"""Imports point one way (agents -> streams -> flashpoint), and the analysis core stays pure:
no Kafka, Redis, Prometheus or Faust, no environment, no clock. That is what lets the same
analysis run in an agent, the CLI, the evaluations and the benchmarks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Product modules of flashpoint that may talk to infrastructure; everything else is analysis.
PRODUCT_MODULES = {
    "cli", "demo", "processes", "broker", "producer", "metrics", "worker", "logs", "lag",
    "subscribe", "settings", "pipeline", "sinks", "ingest", "eval",
}
INFRA_PACKAGES = {"faust", "aiokafka", "kafka", "redis", "prometheus_client", "mode", "httpx"}
LAYER_PACKAGES = {"streams", "agents"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def analysis_files() -> list[Path]:
    files = []
    for path in sorted((ROOT / "flashpoint").rglob("*.py")):
        top = path.relative_to(ROOT / "flashpoint").parts[0].removesuffix(".py")
        if top not in PRODUCT_MODULES:
            files.append(path)
    return files


def reads_environment_or_clock(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            if (owner, node.attr) in {("os", "environ"), ("os", "getenv"), ("datetime", "now"),
                                      ("datetime", "utcnow"), ("time", "time"), ("date", "today")}:
                found.append(f"{owner}.{node.attr} at line {node.lineno}")
    return found


def test_there_are_analysis_modules_to_check() -> None:
    names = {p.stem for p in analysis_files()}
    assert {"analysis", "regions", "escalation", "topics", "text", "models"} <= names


@pytest.mark.parametrize("path", analysis_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_analysis_module_imports_no_infrastructure(path: Path) -> None:
    assert not imported_roots(path) & (INFRA_PACKAGES | LAYER_PACKAGES)


@pytest.mark.parametrize("path", analysis_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_analysis_module_reads_no_environment_and_no_clock(path: Path) -> None:
    assert reads_environment_or_clock(path) == []


@pytest.mark.parametrize("path", sorted((ROOT / "flashpoint").rglob("*.py")), ids=lambda p: p.name)
def test_flashpoint_never_imports_streams_or_agents(path: Path) -> None:
    assert not imported_roots(path) & LAYER_PACKAGES


@pytest.mark.parametrize("path", sorted((ROOT / "streams").rglob("*.py")), ids=lambda p: p.name)
def test_streams_never_import_agents(path: Path) -> None:
    assert "agents" not in imported_roots(path)
