"""The data that crosses stage boundaries: raw articles in, analyses out.

Everything here is a frozen dataclass with ``to_dict`` producing the stable JSON shape documented
in the README (fields are added over time, never renamed). Parsing untrusted input lives in
:func:`parse_raw_article`, which turns any defect into an :class:`InvalidArticleError` with a
bounded ``reason`` label.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from flashpoint.errors import InvalidArticleError

Severity = Literal["flash", "urgent", "routine", "none"]
SEVERITIES: tuple[Severity, ...] = ("flash", "urgent", "routine", "none")
SEVERITY_RANK: dict[str, int] = {"none": 0, "routine": 1, "urgent": 2, "flash": 3}
# The country of a signal or story no place could be given to: in Redis key names
# (``alerts:country:XX``), surge counters and severity grouping alike.
UNKNOWN_COUNTRY = "XX"

Modality = Literal["asserted", "threatened", "planned", "denied", "hypothetical", "historical"]
MODALITIES: tuple[Modality, ...] = (
    "asserted",
    "threatened",
    "planned",
    "denied",
    "hypothetical",
    "historical",
)

SIGNAL_KINDS: tuple[str, ...] = (
    "desertion",
    "mobilization",
    "troop_buildup",
    "territory_seized",
    "territory_regained",
    "armed_clash",
    "offensive",
    "air_strike",
    "shelling",
    "diplomatic_closure",
    "evacuation",
    "foreign_withdrawal",
    "border_closure",
    "state_of_emergency",
    "coup",
    "chemical_weapons",
    "nuclear_threat",
    "mass_displacement",
    "ceasefire_breakdown",
    "bombing",
    # violence the notes of ACLED tell apart from clashes (see ../shared/notes/acled-event-types.md)
    "attack",
    "abduction",
    "protest_violence",
    "intercepted",
)
# The kinds that are armed violence: they carry actors with types and fatalities.
VIOLENT_KINDS: frozenset[str] = frozenset({
    "armed_clash", "territory_seized", "territory_regained", "offensive", "air_strike", "shelling",
    "bombing", "chemical_weapons", "attack", "abduction", "protest_violence", "intercepted",
})

ActorType = Literal[
    "state_forces", "non_state_armed_group", "police", "protesters", "civilians", "foreign_forces",
    "unknown",
]
ACTOR_TYPES: tuple[ActorType, ...] = (
    "state_forces", "non_state_armed_group", "police", "protesters", "civilians", "foreign_forces",
    "unknown",
)
# Event time against the article's publication: only current and recent events raise alerts.
When = Literal["current", "recent", "background"]
WHENS: tuple[When, ...] = ("current", "recent", "background")

# Bounded reasons for rejected messages: metric label values and dead-letter records use these.
REJECTION_REASONS: tuple[str, ...] = (
    "invalid_encoding",
    "invalid_json",
    "not_an_object",
    "missing_field",
    "invalid_field",
    "too_large",
    "empty_text",
    "not_language",  # binary, encoded data or symbol soup: analysis.text.language_problem
    "analysis_failed",
)

MAX_ID_LENGTH = 512


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of evidence: character offsets into the cleaned text, and the text itself."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class RawArticle:
    """A validated article from ``articles.raw``."""

    id: str
    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    language: str | None = None
    published_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "html": self.html,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "language": self.language,
            "published_at": self.published_at.isoformat() if self.published_at else None,
        }


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """One resolved toponym, demonym or metonym in the cleaned text."""

    span: Span
    country: str
    subdivision: str | None = None
    kind: str = "place"  # place | country | demonym | capital | subdivision | city
    source: str | None = None  # lexicon id or "pycountry:"/"geonames:" origin of the reading
    dateline: bool = False  # "KYIV, May 3 (Reuters) -": where the report was filed


@dataclass(frozen=True, slots=True)
class CountryTag:
    code: str
    name: str
    mentions: int
    evidence: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "mentions": self.mentions,
            "evidence": [s.to_dict() for s in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class SubdivisionTag:
    code: str
    name: str
    country: str
    mentions: int
    evidence: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "country": self.country,
            "mentions": self.mentions,
            "evidence": [s.to_dict() for s in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class MacroRegion:
    """A UN M49 region (``code`` is the three-digit M49 code), or a region the story names that
    is no country ("Horn of Africa", "Kurdistan", "Donbas"): its M49 code or lexicon id, and the
    countries or ISO 3166-2 units it spans in ``members``."""

    code: str
    name: str
    members: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "name": self.name}
        if self.members:
            out["members"] = list(self.members)
        return out


@dataclass(frozen=True, slots=True)
class RegionTags:
    primary_country: str | None = None
    countries: tuple[CountryTag, ...] = ()
    subdivisions: tuple[SubdivisionTag, ...] = ()
    macro_regions: tuple[MacroRegion, ...] = ()
    # Every resolved mention in text order; the escalation engine attributes places from these.
    mentions: tuple[PlaceMention, ...] = ()
    # the publisher's learned home, when the tagger used it (see flashpoint.analysis.sources)
    publisher: SourceProfile | None = None
    # the country of the story's dateline ("LONDON (Reuters) -"): where the report was filed,
    # which is not always where its events happen
    filed_from: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "primary_country": self.primary_country,
            "countries": [c.to_dict() for c in self.countries],
            "subdivisions": [s.to_dict() for s in self.subdivisions],
            "macro_regions": [m.to_dict() for m in self.macro_regions],
        }
        if self.publisher is not None:
            out["publisher"] = self.publisher.to_dict()
        if self.filed_from is not None:
            out["filed_from"] = self.filed_from
        return out


@dataclass(frozen=True, slots=True)
class SourceProfile:
    """A publisher's home: the country and first-level subdivisions its stories are mostly about,
    learned from ``articles`` earlier stories (0: from its country-code domain only)."""

    key: str
    country: str | None
    subdivisions: tuple[str, ...] = ()
    articles: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "country": self.country,
            "subdivisions": list(self.subdivisions),
            "articles": self.articles,
        }


@dataclass(frozen=True, slots=True)
class Topic:
    """An IPTC Media Topic (``code`` like ``medtop:16000000``, ``label`` like ``conflict``)."""

    code: str
    label: str
    score: float
    rule_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "score": round(self.score, 4),
            "rule_ids": list(self.rule_ids),
        }


@dataclass(frozen=True, slots=True)
class Actor:
    """One side of an event: who it is (a group, a country code, or the words used), its type
    and its country when known. ``role`` is ``actor`` (did it), ``target`` (had it done to them)
    or ``side`` (one of two sides of a clash)."""

    name: str | None
    type: ActorType
    country: str | None = None
    role: str = "actor"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "country": self.country, "role": self.role}


@dataclass(frozen=True, slots=True)
class Signal:
    """One escalation event found in the story, with the rule that found it and why."""

    kind: str
    rule_id: str
    evidence: Span
    modality: Modality = "asserted"
    severity: Severity = "routine"
    quantity: int | None = None
    actor: str | None = None
    country: str | None = None
    subdivision: str | None = None
    target: str | None = None
    plover: str | None = None
    plover_mode: str | None = None
    cameo: str | None = None
    acled: str | None = None
    explanation: str = ""
    # each side with its type (ACLED decides the kind by them), empty for non-violent kinds
    actors: tuple[Actor, ...] = ()
    # killed in this event: the lowest figure reported, None when the report gives none
    fatalities: int | None = None
    # the quantity is a lower bound from a vague count ("dozens", "tens of thousands")
    approximate: bool = False
    when: When = "current"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rule_id": self.rule_id,
            "quantity": self.quantity,
            "approximate": self.approximate,
            "fatalities": self.fatalities,
            "actor": self.actor,
            "actors": [a.to_dict() for a in self.actors],
            "country": self.country,
            "subdivision": self.subdivision,
            "target": self.target,
            "modality": self.modality,
            "when": self.when,
            "severity": self.severity,
            "plover": self.plover,
            "plover_mode": self.plover_mode,
            "cameo": self.cameo,
            "acled": self.acled,
            "explanation": self.explanation,
            "evidence": self.evidence.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Analysis:
    id: str
    title: str | None
    url: str | None
    source: str | None
    published_at: datetime | None
    analyzed_at: datetime
    cleaned_text: str
    regions: RegionTags
    topics: tuple[Topic, ...]
    signals: tuple[Signal, ...]
    severity: Severity
    severity_reason: str = ""
    language: str | None = None
    # ISO 15924 script of the text ("Latn", "Cyrl", "Arab"); set with ``language`` by identification
    script: str | None = None
    stage_seconds: dict[str, float] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "analyzed_at": self.analyzed_at.isoformat(),
            "language": self.language,
            "script": self.script,
            "regions": self.regions.to_dict(),
            "topics": [t.to_dict() for t in self.topics],
            "signals": [s.to_dict() for s in self.signals],
            "severity": self.severity,
            "severity_reason": self.severity_reason,
            "cleaned_text": self.cleaned_text,
        }


# --- parsing untrusted input ---------------------------------------------------------------

_OPTIONAL_STR_FIELDS = ("title", "url", "source", "language")


_STRIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})


def _strip_controls(value: str) -> str:
    """Drop control and zero-width characters that break offsets and display, keep newlines/tabs.
    Decided once per distinct character, then deleted in one pass: a test per character of a
    200k-character article was most of the cost of reading a message."""
    stripped = {ord(ch): None for ch in set(value)
                if ch not in "\n\t" and unicodedata.category(ch) in _STRIPPED_CATEGORIES}
    return value.translate(stripped) if stripped else value


def parse_datetime(value: str) -> datetime:
    """ISO 8601 with a trailing ``Z`` accepted; naive times are taken as UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def parse_raw_article(payload: bytes | str | dict[str, Any], *, max_bytes: int) -> RawArticle:
    """Validate one message of ``articles.raw`` against the wire schema.

    Raises :class:`InvalidArticleError` with a reason from :data:`REJECTION_REASONS`.
    """
    if isinstance(payload, dict):
        data: Any = payload
    else:
        if isinstance(payload, bytes):
            if len(payload) > max_bytes:
                raise InvalidArticleError("too_large", f"{len(payload)} bytes > limit {max_bytes}")
            try:
                payload = payload.decode("utf-8")
            except UnicodeDecodeError as e:
                raise InvalidArticleError("invalid_encoding", f"not UTF-8: {e.reason} at byte {e.start}") from e
        elif len(payload.encode("utf-8", "surrogatepass")) > max_bytes:
            raise InvalidArticleError("too_large", f"message larger than limit {max_bytes} bytes")
        try:
            data = json.loads(payload)
        except (json.JSONDecodeError, RecursionError) as e:
            raise InvalidArticleError("invalid_json", str(e)[:200]) from e
    if not isinstance(data, dict):
        raise InvalidArticleError("not_an_object", f"expected a JSON object, got {type(data).__name__}")

    raw_id = data.get("id")
    if raw_id is None or raw_id == "":
        raise InvalidArticleError("missing_field", "field 'id' is required")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)
    if not isinstance(raw_id, str):
        raise InvalidArticleError("invalid_field", "field 'id' must be a string")
    article_id = _strip_controls(raw_id).strip()
    if not article_id or len(article_id) > MAX_ID_LENGTH:
        raise InvalidArticleError("invalid_field", f"field 'id' must be 1..{MAX_ID_LENGTH} printable characters")

    bodies: dict[str, str | None] = {}
    for name in ("text", "html"):
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidArticleError("invalid_field", f"field '{name}' must be a string")
        bodies[name] = _strip_controls(value) if value else None
    if not bodies["text"] and not bodies["html"]:
        if "text" in data or "html" in data:
            raise InvalidArticleError("empty_text", "fields 'text' and 'html' are both empty")
        raise InvalidArticleError("missing_field", "one of 'text' or 'html' is required")

    optional: dict[str, str | None] = {}
    for name in _OPTIONAL_STR_FIELDS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidArticleError("invalid_field", f"field '{name}' must be a string")
        optional[name] = _strip_controls(value).strip()[:2000] if value else None

    published_at = None
    raw_published = data.get("published_at")
    if raw_published is not None:
        if not isinstance(raw_published, str):
            raise InvalidArticleError("invalid_field", "field 'published_at' must be an ISO 8601 string")
        try:
            published_at = parse_datetime(raw_published)
        except ValueError as e:
            raise InvalidArticleError(
                "invalid_field", f"field 'published_at' is not ISO 8601: {raw_published[:64]!r}"
            ) from e

    return RawArticle(
        id=article_id,
        text=bodies["text"],
        html=bodies["html"],
        published_at=published_at,
        **optional,
    )
