"""flashpoint: a real-time news monitor for conflict escalation."""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("flashpoint")
except metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
