"""Imports point one way, and the layers are the folders.

    agents -> streams -> flashpoint.service -> flashpoint.analysis
                         flashpoint.devenv  -> flashpoint.service
                         flashpoint.tools   -> flashpoint.analysis

A module's layer is its folder: ``flashpoint/analysis/...`` is the analysis core,
``flashpoint/service/...`` the running service, ``flashpoint/devenv/...`` the development
environment, ``flashpoint/tools/...`` the offline tools. The top-level modules are the shared
foundation (``errors``), configuration (``settings``) and the composition root (``cli``), which
alone may reach the worker's entry point in ``agents``. The analysis core also reads no
environment and no clock. That is what lets the same analysis run in an agent, the CLI, the
evaluations and the benchmarks.

Imports are read from the syntax tree, including ``importlib.import_module("...")`` and
``__import__("...")`` with a literal name, so a dynamic import cannot hide an edge.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("flashpoint", "streams", "agents")
INFRA_PACKAGES = frozenset({"faust", "aiokafka", "kafka", "redis", "prometheus_client", "mode", "httpx",
                            "uvicorn", "starlette", "fastapi", "structlog"})

# What each layer may import, by layer name. Layers not listed are forbidden.
# Every layer may import the package root (``flashpoint.__version__``).
ALLOWED: dict[str, frozenset[str]] = {
    "errors": frozenset(),
    "flashpoint": frozenset({"errors"}),  # the package's __init__
    "analysis": frozenset({"analysis", "errors"}),
    "tools": frozenset({"tools", "analysis", "errors", "settings"}),
    "settings": frozenset({"errors", "analysis"}),  # the analysis' own defaults (analysis/limits.py)
    "service": frozenset({"service", "analysis", "errors", "settings"}),
    "devenv": frozenset({"devenv", "service", "analysis", "errors", "settings"}),
    "cli": frozenset({"cli", "cli_eval", "devenv", "service", "tools", "analysis", "errors", "settings", "agents"}),
    # The `flashpoint eval` commands (flashpoint/cli_eval.py), registered by the cli.
    "cli_eval": frozenset({"tools", "service", "analysis", "errors", "settings"}),
    "streams": frozenset({"streams", "service", "analysis", "errors", "settings"}),
    "agents": frozenset({"agents", "streams", "service", "analysis", "errors", "settings"}),
}
# Third-party infrastructure each layer must not touch.
NO_INFRA = frozenset({"analysis", "errors", "settings", "tools"})
# The composition root may start the worker, and nothing else of agents.
CLI_AGENT_MODULES = frozenset({"agents.worker"})


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    imported: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: imports {self.imported}: {self.reason}"


def layer_of_file(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    if parts[0] != "flashpoint":
        return parts[0]
    if len(parts) == 2:
        return "flashpoint" if parts[1] == "__init__" else parts[1]
    return parts[1]


def layer_of_module(module: str, root: Path) -> str | None:
    """The layer of an imported dotted name, or None for third-party modules."""
    parts = module.split(".")
    if parts[0] not in PACKAGES:
        return None
    if parts[0] != "flashpoint":
        return parts[0]
    if len(parts) == 1:
        return "flashpoint"
    return parts[1]


def imports_of(path: Path, root: Path) -> list[tuple[int, str]]:
    """Every module a file imports, with its line: import statements, relative imports resolved,
    and literal ``importlib.import_module`` / ``__import__`` calls."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                found.append((node.lineno, node.module))
                # "from agents import worker" imports the module agents.worker
                package_dir = root / node.module.replace(".", "/")
                found.extend((node.lineno, f"{node.module}.{a.name}") for a in node.names
                             if (package_dir / a.name).is_dir() or (package_dir / f"{a.name}.py").exists())
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def relative_imports(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.lineno for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 0]


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


def layering_violations(root: Path) -> list[Violation]:
    violations: list[Violation] = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            layer = layer_of_file(path, root)
            rel = str(path.relative_to(root))
            allowed = ALLOWED.get(layer)
            if allowed is None:
                violations.append(Violation(rel, 0, "-", f"{layer!r} is not a known layer: add it to ALLOWED"))
                continue
            for line in relative_imports(path):
                violations.append(Violation(rel, line, "(relative)", "use absolute imports so layers are visible"))
            for line, module in imports_of(path, root):
                target = layer_of_module(module, root)
                if target is None:
                    if layer in NO_INFRA and module.split(".")[0] in INFRA_PACKAGES:
                        violations.append(Violation(rel, line, module, f"the {layer} layer touches no infrastructure"))
                    continue
                if target not in allowed and target != "flashpoint":
                    violations.append(Violation(rel, line, module, f"the {layer} layer may not import {target}"))
                elif layer == "cli" and target == "agents" and not any(
                    module == m or module.startswith(m + ".") for m in CLI_AGENT_MODULES
                ):
                    violations.append(
                        Violation(rel, line, module, "the CLI starts the worker through agents.worker only"))
            if layer == "analysis":
                violations.extend(Violation(rel, 0, "-", f"reads {what}") for what in reads_environment_or_clock(path))
    return violations


def test_the_layers_cover_every_folder() -> None:
    folders = {p.name for p in (ROOT / "flashpoint").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == {"analysis", "service", "devenv", "tools"}


def test_the_repository_keeps_its_layers() -> None:
    assert [str(v) for v in layering_violations(ROOT)] == []


def test_the_analysis_core_has_the_modules_it_is_known_by() -> None:
    names = {p.stem for p in (ROOT / "flashpoint" / "analysis").rglob("*.py")}
    assert {"analyzer", "models", "text", "topics"} <= names
    assert {"regions", "escalation"} <= names | {p.name for p in (ROOT / "flashpoint" / "analysis").iterdir()}


FORBIDDEN = [
    ("flashpoint/analysis/bad.py", "from flashpoint.service.metrics import FlashpointMetrics\n",
     "may not import service"),
    ("flashpoint/analysis/bad.py", "import flashpoint.devenv.broker\n", "may not import devenv"),
    ("flashpoint/analysis/bad.py", "from flashpoint.tools.eval import regions\n", "may not import tools"),
    ("flashpoint/analysis/bad.py", "from flashpoint.settings import Settings\n", "may not import settings"),
    ("flashpoint/analysis/bad.py", "import streams.app\n", "may not import streams"),
    ("flashpoint/analysis/bad.py", "from agents import worker\n", "may not import agents"),
    ("flashpoint/analysis/bad.py", "import redis\n", "touches no infrastructure"),
    ("flashpoint/analysis/bad.py", "import importlib\nimportlib.import_module('flashpoint.service.alerts')\n",
     "may not import service"),
    ("flashpoint/analysis/bad.py", "import os\nx = os.environ\n", "reads os.environ"),
    ("flashpoint/analysis/bad.py", "import time\nx = time.time()\n", "reads time.time"),
    ("flashpoint/service/bad.py", "from flashpoint.devenv.processes import WorkerProcess\n", "may not import devenv"),
    ("flashpoint/service/bad.py", "from flashpoint.tools.eval.regions import run_region_eval\n",
     "may not import tools"),
    ("flashpoint/service/bad.py", "from streams.app import build_app\n", "may not import streams"),
    ("flashpoint/service/bad.py", "__import__('agents.worker')\n", "may not import agents"),
    ("flashpoint/tools/bad.py", "from flashpoint.service.alerts import build_alert\n", "may not import service"),
    ("flashpoint/devenv/bad.py", "from flashpoint.tools.eval.topics import run_topic_eval\n", "may not import tools"),
    ("flashpoint/devenv/bad.py", "import agents\n", "may not import agents"),
    ("flashpoint/cli.py", "import importlib\nimportlib.import_module('streams.app')\n", "may not import streams"),
    ("flashpoint/cli.py", "from agents.analyze import register\n", "through agents.worker only"),
    ("streams/bad.py", "from agents.worker import run_worker\n", "may not import agents"),
    ("flashpoint/analysis/bad.py", "from . import models\n", "absolute imports"),
]


@pytest.mark.parametrize(("where", "source", "reason"), FORBIDDEN, ids=[f"{w}:{s.strip()}" for w, s, _ in FORBIDDEN])
def test_a_forbidden_import_is_caught(tmp_path: Path, where: str, source: str, reason: str) -> None:
    for folder in ("flashpoint/analysis", "flashpoint/service", "flashpoint/devenv", "flashpoint/tools",
                   "streams", "agents"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    (tmp_path / where).write_text(source, encoding="utf-8")
    found = layering_violations(tmp_path)
    assert any(reason in str(v) and v.path == where for v in found), found


def test_an_allowed_import_is_not_flagged(tmp_path: Path) -> None:
    (tmp_path / "flashpoint" / "service").mkdir(parents=True)
    (tmp_path / "agents").mkdir()
    (tmp_path / "flashpoint" / "service" / "ok.py").write_text(
        "from flashpoint.analysis.models import Analysis\nimport redis\n", encoding="utf-8")
    (tmp_path / "flashpoint" / "cli.py").write_text("from agents.worker import run_worker\n", encoding="utf-8")
    assert layering_violations(tmp_path) == []
