"""Domain alerts: the record subscribers receive, story clustering, and the new/update/reprint policy.

An *alert* here is the escalation notice pushed to Redis for analysts and services. (The on-call
rules in ``deploy/prometheus`` are *ops alert rules*; the two are named apart on purpose.)

One story gets one alert. Reprints and reworded wire copies join the story through MinHash
locality-sensitive hashing of word shingles (:mod:`flashpoint.service.stories`); only an update
that raises the severity or adds a signal kind produces a second (``update``) alert. The decision
is a pure function of the stored story state and the new analysis, so the sink can run it inside
an optimistic Redis transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from flashpoint.analysis.models import SEVERITY_RANK
from flashpoint.service.records import AnalyzedArticle
from flashpoint.service.sanitize import plain_title, safe_url

# 2: signals carry typed actors, fatalities, event time and approximate counts; vague counts are
# lower bounds; primary_country is where the story's events happen (was: the country it is about)
ALERT_SCHEMA_VERSION = 2

AlertType = Literal["new", "update", "surge"]
DecisionKind = Literal["new", "update", "reprint", "replay"]


def higher_severity(a: str, b: str) -> str:
    """The more severe of two tiers (a story keeps the highest any of its articles reached)."""
    return a if SEVERITY_RANK.get(a, 0) >= SEVERITY_RANK.get(b, 0) else b


@dataclass(frozen=True)
class StoryState:
    """What Redis remembers of a story (the ``story:<id>`` hash)."""

    story_id: str
    severity: str
    kinds: frozenset[str]
    version: int
    reprints: int
    first_seen: str

    @classmethod
    def from_hash(cls, story_id: str, data: Mapping[str, str]) -> StoryState:
        return cls(
            story_id=story_id,
            severity=data.get("severity", "none"),
            kinds=frozenset(k for k in data.get("kinds", "").split(",") if k),
            version=int(data.get("version", "0")),
            reprints=int(data.get("reprints", "0")),
            first_seen=data.get("first_seen", ""),
        )


@dataclass(frozen=True)
class AlertDecision:
    kind: DecisionKind
    story_id: str
    version: int
    reason: str
    new_kinds: frozenset[str] = field(default_factory=frozenset)


def decide_alert(
    prior: StoryState | None, *, story_id: str, severity: str, kinds: Iterable[str]
) -> AlertDecision:
    """new for an unseen story; update when severity rises or a signal kind is new; else reprint."""
    kind_set = frozenset(kinds)
    if prior is None:
        return AlertDecision("new", story_id, 1, "first article of this story", kind_set)
    added = kind_set - prior.kinds
    if SEVERITY_RANK.get(severity, 0) > SEVERITY_RANK.get(prior.severity, 0):
        return AlertDecision(
            "update", prior.story_id, prior.version + 1,
            f"severity raised from {prior.severity} to {severity}", added,
        )
    if added:
        return AlertDecision(
            "update", prior.story_id, prior.version + 1,
            "new signal kinds: " + ", ".join(sorted(added)), added,
        )
    return AlertDecision("reprint", prior.story_id, prior.version, "reprint of a known story")


def alert_id(story_id: str, version: int) -> str:
    """Deterministic: the same story version always yields the same alert id."""
    return f"{story_id}-v{version}"


def build_alert(
    article: AnalyzedArticle,
    decision: AlertDecision,
    *,
    first_seen: str,
    updated_at: datetime,
    reprints: int,
    dashboard_url: str,
) -> dict[str, Any]:
    """The alert record subscribers receive (schema documented in the README)."""
    primary = article.primary_country
    alert_type: AlertType = "new" if decision.kind == "new" else "update"
    url, url_rejected = safe_url(article.url)
    return {
        "schema_version": ALERT_SCHEMA_VERSION,
        "id": alert_id(decision.story_id, decision.version),
        "type": alert_type,
        "story_id": decision.story_id,
        "version": decision.version,
        "article_id": article.id,
        "severity": article.severity,
        "severity_reason": article.severity_reason,
        "reason": decision.reason,
        "title": plain_title(article.title),
        "url": url,
        "url_rejected": url_rejected,
        "source": article.source,
        "published_at": article.published_at,
        "primary_country": primary,
        "countries": list(article.countries),
        "subdivisions": list(article.subdivisions),
        "macro_regions": list(article.macro_regions),
        "topics": list(article.topics),
        "signals": list(article.signals),
        "signal_kinds": list(article.kinds),
        "first_seen": first_seen,
        "updated_at": updated_at.isoformat(),
        "reprints": reprints,
        "links": {
            "dashboard": f"{dashboard_url}?var-country={primary or 'All'}",
            "article": url,
        },
    }


def alert_matches(
    alert: Mapping[str, Any],
    *,
    countries: Sequence[str] = (),
    min_severity: str | None = None,
    kinds: Sequence[str] = (),
) -> bool:
    """The subscriber filters of ``flashpoint tail`` and the worker's /alerts endpoint."""
    if countries:
        wanted = {c.upper() for c in countries}
        present = {alert.get("primary_country") or "", *alert.get("countries", [])}
        if not wanted & present:
            return False
    if min_severity and SEVERITY_RANK.get(str(alert.get("severity")), 0) < SEVERITY_RANK[min_severity]:
        return False
    if kinds:
        present_kinds = set(alert.get("signal_kinds", [])) | {alert.get("kind", "")}
        if not set(kinds) & present_kinds:
            return False
    return True
