"""flashpoint: a real-time news monitor for conflict escalation."""

from __future__ import annotations

__version__ = "0.1.0"
