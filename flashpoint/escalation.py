"""Escalation signals (placeholder interface; issue 5 replaces the body)."""

from __future__ import annotations

from typing import Any

from flashpoint.models import RegionTags, Signal


class EscalationEngine:
    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp

    def detect(self, text: str, regions: RegionTags) -> tuple[Signal, ...]:
        return ()
