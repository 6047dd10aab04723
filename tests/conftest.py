"""What every test shares: the public datasets, found through one setting, and a guard that keeps
every other test independent of them.

A bare clone has no ``../shared``. A test that reads the public datasets takes the ``datasets``
fixture (or carries the ``datasets`` marker): it gets ``FLASHPOINT_DATASETS`` (default
``../shared/datasets``) as a path, and is skipped with one reason when that folder is absent.
``FLASHPOINT_REQUIRE_DATASETS=1`` (``.ci/run`` sets it) turns that skip into a failure, so CI
never passes by skipping them. Any other test that opens a file under ``../shared`` or the
datasets folder fails: that is what would break it on a bare clone, and the suite finds it on
the machine that has the datasets. ``tests/e2e/test_bare_clone.py`` runs the suite on a copy of
the checkout without them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures import REPO, datasets_dir

DATASETS_SKIP = (
    "needs the public datasets: {path} is absent (set FLASHPOINT_DATASETS to their folder; "
    "README, 'Tests')"
)
E2E_DIR = REPO / "tests" / "e2e"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "datasets: reads the public datasets under FLASHPOINT_DATASETS (skipped when absent)"
    )


@pytest.fixture(scope="session")
def datasets() -> Path:
    """The public datasets folder (``FLASHPOINT_DATASETS``); tests taking it skip when it is absent."""
    return datasets_dir()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "datasets" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.datasets)
        # tests/e2e/conftest.py sets pytestmark, which pytest ignores in a conftest: mark here.
        if Path(str(item.path)).is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("datasets") is None:
        return
    folder = datasets_dir()
    if folder.is_dir():
        return
    reason = DATASETS_SKIP.format(path=folder)
    if os.environ.get("FLASHPOINT_REQUIRE_DATASETS") == "1":
        pytest.fail(f"FLASHPOINT_REQUIRE_DATASETS=1, but this test {reason}", pytrace=False)
    pytest.skip(reason)


# --- the guard: no unmarked test reads ../shared ----------------------------------------------------


class _SharedReads:
    """Files under the guarded folders opened while an unmarked test runs (an audit hook sees
    every ``open``, ``os.listdir`` and ``os.scandir`` of this process)."""

    def __init__(self) -> None:
        shared = REPO.parent / "shared"
        folders = {shared, shared.resolve(), datasets_dir(), datasets_dir().resolve()}
        self.prefixes = tuple(sorted({str(f) + os.sep for f in folders}))
        self.watching = False
        self.seen: list[str] = []

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.watching or event not in ("open", "os.listdir", "os.scandir") or not args:
            return
        target = args[0]
        if target is None or isinstance(target, int):
            return
        try:
            name = os.path.abspath(os.fsdecode(target)) + (os.sep if event != "open" else "")
        except (TypeError, ValueError):
            return
        if name.startswith(self.prefixes) and len(self.seen) < 10:
            self.seen.append(name)


_READS = _SharedReads()
sys.addaudithook(_READS.audit)  # hooks cannot be removed; `watching` turns this one off


@pytest.hookimpl(wrapper=True, specname="pytest_runtest_setup")
def pytest_runtest_setup_guard(item: pytest.Item) -> Iterator[None]:
    _READS.seen = []
    _READS.watching = item.get_closest_marker("datasets") is None
    return (yield)


@pytest.hookimpl(wrapper=True, specname="pytest_runtest_call")
def pytest_runtest_call_guard(item: pytest.Item) -> Iterator[None]:
    try:
        return (yield)
    finally:
        _READS.watching = False
        if _READS.seen:
            pytest.fail(
                f"read {_READS.seen[0]} without the datasets fixture or marker: a bare clone has no "
                "such file (put what it needs in tests/fixtures/, or take the datasets fixture)",
                pytrace=False,
            )
