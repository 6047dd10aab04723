"""The lock files: every dependency of pyproject.toml pinned, with hashes, and used by CI and the image."""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.deploy.support import REPO

RUNTIME_LOCK = REPO / "requirements.lock"
DEV_LOCK = REPO / "requirements-dev.lock"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*\\?$")
# The image and CI run Python 3.11 on Linux; a pin whose marker excludes that is another platform's.
TARGET = {**default_environment(), "python_version": "3.11", "python_full_version": "3.11.13",
          "sys_platform": "linux", "platform_system": "Linux", "implementation_name": "cpython",
          "platform_python_implementation": "CPython"}


def _pins(path: Path) -> dict[str, Version]:
    """Package -> pinned version for the target platform; asserts every pin carries a hash."""
    pins: dict[str, Version] = {}
    hashes: defaultdict[str, int] = defaultdict(int)
    current: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := _PIN.match(line):
            current = None
            marker = match["marker"]
            if marker and not Requirement(f"x; {marker}").marker.evaluate(TARGET):  # type: ignore[union-attr]
                continue
            current = canonicalize_name(match["name"])
            pins[current] = Version(match["version"])
        elif current and line.strip().startswith("--hash=sha256:"):
            hashes[current] += 1
    unhashed = sorted(name for name in pins if not hashes[name])
    assert not unhashed, f"{path.name}: pins without --hash: {unhashed}"
    return pins


def _requirements(*extras: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    names = list(project["dependencies"])
    for extra in extras:
        names += project["optional-dependencies"][extra]
    return [Requirement(r) for r in names]


@pytest.mark.parametrize(("lock", "extras"), [(RUNTIME_LOCK, ()), (DEV_LOCK, ("dev",))], ids=["runtime", "dev"])
def test_every_pyproject_dependency_is_pinned_within_its_range(lock: Path, extras: tuple[str, ...]) -> None:
    pins = _pins(lock)
    for requirement in _requirements(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in {lock.name}: regenerate it (README, 'Updating the lock file')"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock.name} pins {name}=={pins[name]}, outside {requirement}: regenerate it"
        )


def test_the_runtime_lock_pins_the_same_versions_as_the_dev_lock() -> None:
    runtime, dev = _pins(RUNTIME_LOCK), _pins(DEV_LOCK)
    differ = {name: (str(v), str(dev.get(name))) for name, v in runtime.items() if dev.get(name) != v}
    assert not differ, f"the image and CI would run different versions: {differ}"


def test_the_locks_name_no_index() -> None:
    # --no-emit-index-url: the lock names packages, the installer's configured index serves them.
    for lock in (RUNTIME_LOCK, DEV_LOCK):
        text = lock.read_text(encoding="utf-8")
        assert "--index-url" not in text and "--extra-index-url" not in text and "file://" not in text


def test_ci_installs_from_the_dev_lock_with_hashes_and_nothing_resolved_again() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in script.splitlines() if not line.lstrip().startswith("#")]
    installs = [line for line in lines if "pip install" in line]
    assert any("--require-hashes" in line and "-r requirements-dev.lock" in line for line in installs), installs
    project = [line for line in installs if re.search(r"\s-e\s+\.(\s|$)", line)]
    assert project and all("--no-deps" in line for line in project), installs


def test_the_image_installs_from_the_runtime_lock_with_hashes() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    assert re.search(r"pip install[^\n]*--require-hashes[^\n]*-r /?\S*requirements\.lock", dockerfile)
    assert re.search(r"pip install[^\n]*--no-deps[^\n]* \.", dockerfile)
    assert re.search(r"COPY[^\n]*requirements\.lock", dockerfile)
