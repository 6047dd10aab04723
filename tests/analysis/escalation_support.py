"""What the escalation error-class tests share: one analyzer per module, a fixed publication
date, and the signals or kinds of a text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.models import RawArticle, Signal

PUBLISHED = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load(source_profiles=False)


def signals(analyzer: Analyzer, text: str) -> tuple[Signal, ...]:
    return analyzer.analyze(RawArticle(id="t", text=text, published_at=PUBLISHED), PUBLISHED).signals


def kinds(analyzer: Analyzer, text: str) -> set[str]:
    return {s.kind for s in signals(analyzer, text)}
