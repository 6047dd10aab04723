"""Pin the third-party images of the Dockerfile and docker-compose.yml by digest.

A tag can be moved by its publisher; ``name:tag@sha256:...`` cannot. This script finds every
image reference (the Dockerfile's ``ARG *_IMAGE=`` lines and compose ``image:`` lines, except
the image we build ourselves), asks the registry for the digest of the tag's manifest list with
``docker buildx imagetools inspect`` (no pull, every platform at once), and writes
``name:tag@sha256:<digest>`` in place. Run it on a machine that reaches the registries:

    python deploy/pin_images.py            # pin what has no digest yet
    python deploy/pin_images.py --refresh  # re-resolve every tag (after bumping one)
    python deploy/pin_images.py --check    # exit 1 if an image has no digest

To move to a new release, edit the tag (dropping its ``@sha256:...``), then run the script.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FILES = (REPO / "Dockerfile", REPO / "docker-compose.yml")
OWN_IMAGES = ("flashpoint:",)
# ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm[@sha256:...]  /  image: redis:7.4.2-alpine[@...]
REFERENCE = re.compile(
    r"^(?P<lead>\s*(?:ARG\s+\w+_IMAGE=|image:\s*))(?P<ref>[\w./-]+:[\w.-]+)(?:@(?P<digest>sha256:[0-9a-f]{64}))?\s*$",
    re.MULTILINE,
)
_DIGEST_LINE = re.compile(r"^Digest:\s+(sha256:[0-9a-f]{64})\s*$", re.MULTILINE)


def references(text: str) -> list[tuple[str, str | None]]:
    """(name:tag, digest or None) of every third-party image reference in ``text``."""
    return [
        (m["ref"], m["digest"]) for m in REFERENCE.finditer(text) if not m["ref"].startswith(OWN_IMAGES)
    ]


def registry_digest(ref: str) -> str:
    """The digest of ``ref``'s manifest (list), asked from its registry without pulling."""
    result = subprocess.run(
        ["docker", "buildx", "imagetools", "inspect", ref], capture_output=True, text=True, check=True, timeout=60
    )
    match = _DIGEST_LINE.search(result.stdout)
    if match is None:
        raise SystemExit(f"no digest in `docker buildx imagetools inspect {ref}`:\n{result.stdout}")
    return match.group(1)


def pin(text: str, resolve: Callable[[str], str], *, refresh: bool = False) -> str:
    """``text`` with every third-party reference written as ``name:tag@sha256:<digest>``."""

    def replace(m: re.Match[str]) -> str:
        if m["ref"].startswith(OWN_IMAGES) or (m["digest"] and not refresh):
            return m.group(0)
        return f"{m['lead']}{m['ref']}@{resolve(m['ref'])}"

    return REFERENCE.sub(replace, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report images without a digest")
    parser.add_argument("--refresh", action="store_true", help="re-resolve images that have a digest")
    args = parser.parse_args(argv)
    unpinned = [(path.name, ref) for path in FILES for ref, digest in references(path.read_text()) if not digest]
    if args.check:
        for name, ref in unpinned:
            print(f"{name}: {ref} has no digest")
        return 1 if unpinned else 0
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        pinned = pin(text, registry_digest, refresh=args.refresh)
        if pinned != text:
            path.write_text(pinned, encoding="utf-8")
            print(f"pinned {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
