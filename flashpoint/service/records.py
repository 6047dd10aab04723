"""The wire record on ``articles.analyzed``: what the analysis stage tells the publishing stage.

Typed and versioned, so the two stages (which can run in different workers, and during a rolling
upgrade in different versions) agree on one shape, and everything the publishing side derives
from an analysis (its signal kinds, the surge observations, the country an alert is filed under)
is worked out here once. The record carries the story signature instead of the cleaned text:
the text can be 200k characters and the publishing side needed it only to compute the MinHash.

Version history: 1 was the analysis dict itself plus ``source_timestamp`` (with ``cleaned_text``);
2 is this record. A version 1 record still reads (its signature is computed from the text), so
a rolling upgrade loses nothing; a newer version than this worker knows is a
:class:`WireRecordError`, and the publishing agent dead-letters it with reason ``invalid_record``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from flashpoint.analysis.models import SEVERITIES, UNKNOWN_COUNTRY, Analysis, Severity
from flashpoint.errors import FlashpointError
from flashpoint.service.stories import StorySignature, story_signature

WIRE_VERSION = 2
# Why the publishing agent could not read a record (the bounded reasons it dead-letters with).
PUBLISH_REJECTION_REASONS: tuple[str, ...] = ("invalid_record",)


class WireRecordError(FlashpointError):
    """A value on ``articles.analyzed`` that this worker cannot read."""


@dataclass(frozen=True, slots=True)
class AnalyzedArticle:
    """One analysed article as it crosses ``articles.analyzed``.

    ``signals`` are the analysis' signal records as the alert carries them (``Signal.to_dict``);
    ``signature`` is present whenever the article can alert (severity other than ``none``).
    """

    id: str
    severity: Severity
    severity_reason: str = ""
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: str | None = None
    analyzed_at: str | None = None
    language: str | None = None
    primary_country: str | None = None
    countries: tuple[str, ...] = ()
    subdivisions: tuple[str, ...] = ()
    macro_regions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    signals: tuple[Mapping[str, Any], ...] = ()
    signature: StorySignature | None = None
    # the raw message's publish time (Unix seconds), for end-to-end latency
    source_timestamp: float | None = None
    # a hash of the cleaned text: with the id, what makes a message a replay of one already
    # written (two different articles under one id are two articles)
    content_hash: str = ""

    @property
    def alerting(self) -> bool:
        return self.severity != "none"

    @property
    def kinds(self) -> tuple[str, ...]:
        """The distinct signal kinds, sorted (every modality: a threat is news too)."""
        return tuple(sorted({str(s["kind"]) for s in self.signals}))

    @property
    def alert_country(self) -> str:
        """The country an alert is filed under in Redis (streams, sorted sets)."""
        return self.primary_country or UNKNOWN_COUNTRY

    def surge_observations(self) -> list[tuple[str, str]]:
        """One ``(country, kind)`` per asserted signal kind and country: what surges count."""
        seen = {(str(s.get("country") or UNKNOWN_COUNTRY), str(s["kind"]))
                for s in self.signals if s.get("modality") == "asserted"}
        return sorted(seen)

    @classmethod
    def of(cls, analysis: Analysis, *, source_timestamp: float | None = None) -> AnalyzedArticle:
        regions = analysis.regions
        return cls(
            id=analysis.id,
            severity=analysis.severity,
            severity_reason=analysis.severity_reason,
            title=analysis.title,
            url=analysis.url,
            source=analysis.source,
            published_at=analysis.published_at.isoformat() if analysis.published_at else None,
            analyzed_at=analysis.analyzed_at.isoformat(),
            language=analysis.language,
            primary_country=regions.primary_country,
            countries=tuple(c.code for c in regions.countries),
            subdivisions=tuple(s.code for s in regions.subdivisions),
            macro_regions=tuple(m.code for m in regions.macro_regions),
            topics=tuple(t.label for t in analysis.topics),
            signals=tuple(s.to_dict() for s in analysis.signals),
            signature=story_signature(analysis) if analysis.severity != "none" else None,
            source_timestamp=source_timestamp,
            content_hash=content_hash(analysis.cleaned_text),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": WIRE_VERSION,
            "id": self.id,
            "severity": self.severity,
            "severity_reason": self.severity_reason,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "published_at": self.published_at,
            "analyzed_at": self.analyzed_at,
            "language": self.language,
            "primary_country": self.primary_country,
            "countries": list(self.countries),
            "subdivisions": list(self.subdivisions),
            "macro_regions": list(self.macro_regions),
            "topics": list(self.topics),
            "signals": list(self.signals),
            "signature": self.signature.encode() if self.signature else None,
            "source_timestamp": self.source_timestamp,
            "content_hash": self.content_hash,
        }

    def to_bytes(self) -> bytes:
        return orjson.dumps(self.to_dict())

    @classmethod
    def from_bytes(cls, value: bytes) -> AnalyzedArticle:
        try:
            data = orjson.loads(value)
        except orjson.JSONDecodeError as e:
            raise WireRecordError(f"not JSON: {e}") from e
        if not isinstance(data, dict):
            raise WireRecordError(f"expected a JSON object, got {type(data).__name__}")
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnalyzedArticle:
        """The one reader of ``articles.analyzed`` values, every version this worker knows."""
        version = data.get("v", 1)
        if version == 1:
            data = _upgrade_v1(data)
        elif version != WIRE_VERSION:
            raise WireRecordError(f"wire version {version!r}; this worker reads 1..{WIRE_VERSION}")
        try:
            severity = data["severity"]
            if severity not in SEVERITIES:
                raise WireRecordError(f"unknown severity {severity!r}")
            signature = data.get("signature")
            return cls(
                id=str(data["id"]),
                severity=severity,
                severity_reason=str(data.get("severity_reason") or ""),
                title=data.get("title"),
                url=data.get("url"),
                source=data.get("source"),
                published_at=data.get("published_at"),
                analyzed_at=data.get("analyzed_at"),
                language=data.get("language"),
                primary_country=data.get("primary_country"),
                countries=tuple(data.get("countries") or ()),
                subdivisions=tuple(data.get("subdivisions") or ()),
                macro_regions=tuple(data.get("macro_regions") or ()),
                topics=tuple(data.get("topics") or ()),
                signals=tuple(_signal(s) for s in data.get("signals") or ()),
                signature=StorySignature.decode(signature) if signature else None,
                source_timestamp=data.get("source_timestamp"),
                content_hash=str(data.get("content_hash") or ""),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise WireRecordError(f"{type(e).__name__}: {e}") from e


def _signal(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping) or not isinstance(value.get("kind"), str):
        raise WireRecordError("a signal must be an object with a 'kind'")
    return value


def _upgrade_v1(data: Mapping[str, Any]) -> dict[str, Any]:
    """A version 1 record (the analysis dict) in version 2 form; the signature from its text."""
    regions = data.get("regions") or {}
    text = data.get("cleaned_text") or data.get("title") or data.get("id")
    signature = StorySignature.of(str(text)) if data.get("severity", "none") != "none" else None
    return {
        **data,
        "primary_country": regions.get("primary_country"),
        "countries": [c["code"] for c in regions.get("countries", [])],
        "subdivisions": [s["code"] for s in regions.get("subdivisions", [])],
        "macro_regions": [m["code"] for m in regions.get("macro_regions", [])],
        "topics": [t["label"] for t in data.get("topics", [])],
        "signature": signature.encode() if signature else None,
        "content_hash": content_hash(str(data.get("cleaned_text") or "")),
    }


def content_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
