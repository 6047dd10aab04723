"""Thin Faust agents: async for -> flashpoint core -> topic/sink -> metrics.

Importing this package registers every agent, timer and web view on ``streams.app.app``.
"""

from __future__ import annotations

from agents import analyze, offsets, publish, publishers, surge, web  # noqa: F401 - registration side effects
