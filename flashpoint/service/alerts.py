"""Domain alerts: the record subscribers receive, story clustering, and the new/update/reprint policy.

An *alert* here is the escalation notice pushed to Redis for analysts and services. (The on-call
rules in ``deploy/prometheus`` are *ops alert rules*; the two are named apart on purpose.)

One story gets one alert. Reprints and reworded wire copies join the story through MinHash
locality-sensitive hashing of word shingles; only an update that raises the severity or adds a
signal kind produces a second (``update``) alert. The decision is a pure function of the stored
story state and the new analysis, so the sink can run it inside an optimistic Redis transaction.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import numpy as np
from datasketch import MinHash

from flashpoint.analysis.models import SEVERITY_RANK

# 2: signals carry typed actors, fatalities, event time and approximate counts; vague counts are
# lower bounds; primary_country is where the story's events happen (was: the country it is about)
ALERT_SCHEMA_VERSION = 2
NUM_PERM = 128
# 64 bands of 2 rows: a pair with Jaccard 0.2 becomes an LSH candidate with probability 0.93,
# so shortened wire copies (low Jaccard, high containment) are still found; candidates are then
# confirmed below, which drops the unrelated ones.
LSH_BANDS = 64
LSH_ROWS = NUM_PERM // LSH_BANDS
# Confirmation on 3-word shingles: reworded paragraphs of one wire story share well above this
# Jaccard; a shortened copy is mostly contained in the full one. Distinct stories about the same
# event (each outlet writing its own copy) rarely reach either.
SAME_STORY_JACCARD = 0.3
SAME_STORY_CONTAINMENT = 0.6
MIN_SHINGLES_FOR_CONTAINMENT = 30
_WORD_RE = re.compile(r"\w+", re.UNICODE)

AlertType = Literal["new", "update", "surge"]
DecisionKind = Literal["new", "update", "reprint", "replay"]


def text_shingles(text: str, size: int = 3) -> set[bytes]:
    words = [w.lower() for w in _WORD_RE.findall(text)]
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


@dataclass(frozen=True)
class StorySignature:
    """MinHash values of an article's shingles and the LSH band keys derived from them."""

    hashvalues: tuple[int, ...]
    size: int = 0  # number of distinct shingles, for the containment estimate

    @classmethod
    def of(cls, text: str) -> StorySignature:
        mh = MinHash(num_perm=NUM_PERM, seed=7)
        shingles = text_shingles(text)
        if shingles:
            mh.update_batch(list(shingles))
        return cls(tuple(int(v) for v in mh.hashvalues), len(shingles))

    def bands(self) -> list[str]:
        out = []
        for b in range(LSH_BANDS):
            chunk = self.hashvalues[b * LSH_ROWS : (b + 1) * LSH_ROWS]
            digest = hashlib.blake2b(
                b"".join(v.to_bytes(8, "little") for v in chunk), digest_size=8
            ).hexdigest()
            out.append(f"{b}:{digest}")
        return out

    def jaccard(self, other: StorySignature) -> float:
        a = np.asarray(self.hashvalues, dtype=np.uint64)
        b = np.asarray(other.hashvalues, dtype=np.uint64)
        return float(np.count_nonzero(a == b)) / NUM_PERM

    def containment(self, other: StorySignature) -> float:
        """Estimated share of the smaller text's shingles found in the larger one."""
        j = self.jaccard(other)
        small = min(self.size, other.size)
        if small == 0:
            return 0.0
        return min(1.0, j * (self.size + other.size) / ((1 + j) * small))

    def same_story(self, other: StorySignature) -> bool:
        if self.jaccard(other) >= SAME_STORY_JACCARD:
            return True
        return (
            min(self.size, other.size) >= MIN_SHINGLES_FOR_CONTAINMENT
            and self.containment(other) >= SAME_STORY_CONTAINMENT
        )

    def encode(self) -> str:
        return f"{self.size};" + ",".join(str(v) for v in self.hashvalues)

    @classmethod
    def decode(cls, value: str) -> StorySignature:
        size, _, values = value.rpartition(";")
        return cls(tuple(int(v) for v in values.split(",") if v), int(size or 0))


def story_id_for(article_id: str) -> str:
    """A new story's id derives from its first article, so a replay recomputes the same id."""
    return "s-" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:16]  # noqa: S324 - an id, not security


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
    analysis: Mapping[str, Any],
    decision: AlertDecision,
    *,
    first_seen: str,
    updated_at: datetime,
    reprints: int,
    dashboard_url: str,
) -> dict[str, Any]:
    """The alert record subscribers receive (schema documented in the README)."""
    regions = analysis.get("regions", {})
    primary = regions.get("primary_country")
    alert_type: AlertType = "new" if decision.kind == "new" else "update"
    return {
        "schema_version": ALERT_SCHEMA_VERSION,
        "id": alert_id(decision.story_id, decision.version),
        "type": alert_type,
        "story_id": decision.story_id,
        "version": decision.version,
        "article_id": analysis["id"],
        "severity": analysis["severity"],
        "severity_reason": analysis.get("severity_reason", ""),
        "reason": decision.reason,
        "title": analysis.get("title"),
        "url": analysis.get("url"),
        "source": analysis.get("source"),
        "published_at": analysis.get("published_at"),
        "primary_country": primary,
        "countries": [c["code"] for c in regions.get("countries", [])],
        "subdivisions": [s["code"] for s in regions.get("subdivisions", [])],
        "macro_regions": [m["code"] for m in regions.get("macro_regions", [])],
        "topics": [t["label"] for t in analysis.get("topics", [])],
        "signals": list(analysis.get("signals", [])),
        "signal_kinds": sorted({s["kind"] for s in analysis.get("signals", [])}),
        "first_seen": first_seen,
        "updated_at": updated_at.isoformat(),
        "reprints": reprints,
        "links": {
            "dashboard": f"{dashboard_url}?var-country={primary or 'All'}",
            "article": analysis.get("url"),
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
