"""The README's test command on a bare clone: no ``../shared``, so no datasets and no shared examples.

What runs, and why not the whole suite twice: the suite takes 6-10 minutes on 2 cores (18 under
a shared machine's load), and CI must stay under 15. A test can tell a bare clone from the CI
checkout (itself a clone, with the datasets beside it) in two ways only, and each is covered:

- it opens a file under ``../shared`` or the datasets folder: the guard in ``tests/conftest.py``
  fails any test that does so without the ``datasets`` marker, in the main run, end-to-end
  tests included;
- it needs the datasets: then it carries the marker, and here every such test runs on a clone
  without them and must be skipped with the one reason, not fail.

So the clone runs ``python -m pytest -m datasets``: pytest collects every module before it
deselects, so a module that reads ``../shared`` on import fails here too. About 20 s. (Running
the whole unit suite in the clone as well passed, 1,196 tests, and cost 2 more minutes.) The clone
is the checkout's committed and untracked-but-not-ignored files (what the next commit would hold)
in a fresh temporary folder whose parent has no ``shared``; it runs with this interpreter (its
packages import from the clone, first on ``sys.path``) and without any ``FLASHPOINT_*``
variable, so the defaults apply.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import DATASETS_SKIP
from tests.fixtures import REPO

DATASETS_REASON = DATASETS_SKIP.split(":")[0]  # "needs the public datasets"


def copy_checkout(target: Path) -> int:
    """Copy what a clone of the next commit holds; returns the number of files."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode("utf-8").split("\0")
    count = 0
    for name in filter(None, listed):
        source = REPO / name
        if not source.is_file():  # deleted in the work tree, not yet committed
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
        count += 1
    return count


def clean_env() -> dict[str, str]:
    """This environment without flashpoint's settings or anything that points at this checkout."""
    drop = ("FLASHPOINT_", "PYTEST_", "PYTHONPATH")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)} | {"COLUMNS": "200"}


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    target = tmp_path_factory.mktemp("bare") / "flashpoint"
    target.mkdir()
    assert copy_checkout(target) > 100
    assert not (target.parent / "shared").exists()
    return target


def run_in(clone: Path, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=clone, env=clean_env(), capture_output=True, text=True,
        timeout=timeout, check=False,
    )


def test_the_clone_imports_its_own_code(clone: Path) -> None:
    found = run_in(clone, "-c", "import flashpoint, tests.fixtures; print(flashpoint.__file__)", timeout=60)
    assert found.returncode == 0, found.stderr
    assert Path(found.stdout.strip()).is_relative_to(clone)


def test_the_readme_test_command_on_a_bare_clone_skips_the_dataset_tests_and_fails_none(clone: Path) -> None:
    report = clone.parent / "report.xml"
    started = time.monotonic()
    run = run_in(clone, "-m", "pytest", "-m", "datasets", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
                 timeout=600)
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    print(f"\nbare clone: python -m pytest -m datasets took {time.monotonic() - started:.0f} s; {summary}")
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]

    suite = ET.parse(report).getroot().find("testsuite")  # noqa: S314 - pytest wrote it
    assert suite is not None
    assert (suite.get("failures"), suite.get("errors")) == ("0", "0")
    cases = list(suite.iter("testcase"))
    skips = [case.find("skipped") for case in cases]
    assert cases and all(s is not None and DATASETS_REASON in s.get("message", "") for s in skips)
