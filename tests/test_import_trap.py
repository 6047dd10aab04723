"""A folder named ``flashpoint/`` in the working directory (a checkout, say) becomes a namespace
package in front of the installed one: its ``__init__`` never runs. Nothing may depend on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_in(folder: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_worker_and_the_cli_import_from_a_folder_that_holds_a_flashpoint_folder(tmp_path: Path) -> None:
    (tmp_path / "flashpoint").mkdir()
    done = run_in(tmp_path, "import agents.worker, flashpoint.cli, flashpoint.service.api.app\n"
                            "from prometheus_client import CollectorRegistry\n"
                            "from flashpoint.service.metrics import FlashpointMetrics\n"
                            "FlashpointMetrics(CollectorRegistry())\n"
                            "import flashpoint; print(flashpoint.__file__)")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "None"  # the trap was set: the package's __init__ did not run


def test_the_cli_says_which_folder_shadows_the_package_in_a_path_that_can_be_copied(tmp_path: Path) -> None:
    folder = tmp_path / ("a-checkout-with-a-long-name-" * 3)  # longer than a console line
    (folder / "flashpoint").mkdir(parents=True)
    done = subprocess.run([sys.executable, "-m", "flashpoint.cli", "--help"], cwd=folder, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{folder / 'flashpoint'} shadows the installed flashpoint package" in " ".join(
        (done.stdout + done.stderr).split())


def test_the_version_comes_from_the_installed_metadata() -> None:
    from importlib import metadata

    from flashpoint.settings import flashpoint_version

    assert flashpoint_version() == metadata.version("flashpoint")
