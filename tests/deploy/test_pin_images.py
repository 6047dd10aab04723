"""deploy/pin_images.py: which references it pins, and how it writes them (no registry needed)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from tests.deploy.support import COMPOSE_FILE, DEPLOY, load_yaml

DIGEST = "sha256:" + "ab" * 32


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pin_images", DEPLOY / "pin_images.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_third_party_image_of_compose_and_the_dockerfile_is_found() -> None:
    pin = _module()
    found = {ref.split("@")[0] for path in pin.FILES for ref, _ in pin.references(path.read_text())}
    compose = {s["image"].split("@")[0] for s in load_yaml(COMPOSE_FILE)["services"].values()}
    assert found >= {image for image in compose if not image.startswith("flashpoint:")}
    assert any(ref.startswith("python:3.11") for ref in found), "the Dockerfile's base image"
    assert not any(ref.startswith("flashpoint:") for ref in found), "our own image is built, not pinned"


def test_pinning_writes_the_digest_after_the_tag_and_keeps_existing_digests() -> None:
    pin = _module()
    text = f"ARG PYTHON_IMAGE=python:3.11.13-slim\n    image: redis:7.4.2-alpine@{'sha256:' + 'cd' * 32}\n"
    pinned = pin.pin(text, lambda ref: DIGEST)
    assert f"ARG PYTHON_IMAGE=python:3.11.13-slim@{DIGEST}\n" in pinned
    assert "redis:7.4.2-alpine@sha256:" + "cd" * 32 in pinned
    assert f"redis:7.4.2-alpine@{DIGEST}" in pin.pin(text, lambda ref: DIGEST, refresh=True)


def test_the_check_mode_reports_every_image_without_a_digest(capsys: pytest.CaptureFixture[str]) -> None:
    pin = _module()
    unpinned = [ref for path in pin.FILES for ref, digest in pin.references(path.read_text()) if not digest]
    assert pin.main(["--check"]) == (1 if unpinned else 0)
    printed = capsys.readouterr().out
    assert all(f"{ref} has no digest" in printed for ref in unpinned)
