"""Surge detection per country and signal kind, EMM-style: the count in the current window against
the moving baseline of the previous windows.

The counting lives in a Faust windowed table (agents/surge.py); the decision is here, pure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flashpoint.service.alerts import ALERT_SCHEMA_VERSION
from flashpoint.settings import Settings

# Every surge alert has this severity: many articles about one kind of event in one country.
SURGE_SEVERITY = "urgent"


@dataclass(frozen=True)
class SurgePolicy:
    factor: float
    min_count: int
    # A country that was silent has a baseline of 0; one article is not a surge, so the
    # baseline never counts as less than this.
    baseline_floor: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SurgePolicy:
        return cls(factor=settings.surge_factor, min_count=settings.surge_min_count)

    def baseline(self, previous: Sequence[int]) -> float:
        return max(sum(previous) / len(previous), self.baseline_floor) if previous else self.baseline_floor

    def is_surge(self, current: int, previous: Sequence[int]) -> bool:
        return current >= self.min_count and current >= self.factor * self.baseline(previous)


def observation_key(country: str, kind: str) -> str:
    return f"{country}|{kind}"


def split_observation_key(key: str) -> tuple[str, str]:
    country, _, kind = key.partition("|")
    return country, kind


def window_start(ts: float, window_seconds: float) -> int:
    return int(ts // window_seconds * window_seconds)


def build_surge_alert(
    *, country: str, kind: str, count: int, baseline: float, window_start_ts: int,
    window_seconds: float, now: datetime, dashboard_url: str,
) -> dict[str, Any]:
    digest = hashlib.sha1(f"{country}|{kind}|{window_start_ts}".encode()).hexdigest()[:16]  # noqa: S324
    start = datetime.fromtimestamp(window_start_ts, UTC)
    return {
        "schema_version": ALERT_SCHEMA_VERSION,
        "id": f"surge-{digest}",
        "type": "surge",
        "story_id": None,
        "severity": SURGE_SEVERITY,
        "kind": kind,
        "signal_kinds": [kind],
        "primary_country": country,
        "countries": [country],
        "count": count,
        "baseline": round(baseline, 3),
        "window_start": start.isoformat(),
        "window_seconds": window_seconds,
        "title": f"Surge of {kind.replace('_', ' ')} signals in {country}: {count} in the current "
                 f"window vs a baseline of {baseline:.1f}",
        "reason": f"{count} >= {count / baseline:.1f}x baseline {baseline:.1f}",
        "first_seen": now.isoformat(),
        "updated_at": now.isoformat(),
        "links": {"dashboard": f"{dashboard_url}?var-country={country}", "article": None},
    }
