"""Article severity (placeholder interface; issue 5 replaces the body)."""

from __future__ import annotations

from collections.abc import Sequence

from flashpoint.models import SEVERITY_RANK, Severity, Signal


def score_article(signals: Sequence[Signal]) -> tuple[Severity, str]:
    if not signals:
        return "none", "no escalation signal"
    top = max(signals, key=lambda s: SEVERITY_RANK[s.severity])
    return top.severity, f"highest signal: {top.kind}"
