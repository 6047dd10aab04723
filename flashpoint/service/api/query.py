"""Subscriber queries: what a client asked for, validated once, and matched against stream entries.

A query is matched against a raw stream entry (the sink writes the fields ``alert``, ``id``,
``severity`` and ``country`` next to each other). The cheap fields and a substring test on the raw
JSON reject most entries before any JSON is parsed: scanning the whole stream costs what reading
it costs, not what decoding it costs (figures in docs/benchmarks.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from flashpoint.analysis.models import SEVERITY_RANK, SIGNAL_KINDS
from flashpoint.errors import FlashpointError

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
MAX_QUERY_WORDS = 10
_STREAM_ID = re.compile(r"^(\d{1,19})(?:-(\d{1,19}))?$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_WORD = re.compile(r"\w+", re.UNICODE)
_U64 = 2**64 - 1


class InvalidQueryError(FlashpointError):
    """A query parameter a client sent is unusable; the API answers 400 with ``param``."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


@dataclass(frozen=True, order=True, slots=True)
class StreamId:
    """A Redis stream entry id (``<ms>-<seq>``), ordered the way Redis orders them."""

    ms: int
    seq: int

    @classmethod
    def parse(cls, value: str, *, param: str = "cursor") -> StreamId:
        m = _STREAM_ID.match(value.strip())
        if not m:
            raise InvalidQueryError(param, "must be a Redis stream id such as 1712345678901-0")
        ms, seq = int(m[1]), int(m[2] or 0)
        if ms > _U64 or seq > _U64:
            raise InvalidQueryError(param, "stream id out of range")
        return cls(ms, seq)

    @classmethod
    def first_at(cls, when: datetime) -> StreamId:
        return cls(_epoch_ms(when), 0)

    @classmethod
    def last_at(cls, when: datetime) -> StreamId:
        return cls(_epoch_ms(when), _U64)

    def __str__(self) -> str:
        return f"{self.ms}-{self.seq}"


def _epoch_ms(when: datetime) -> int:
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return max(0, int(aware.timestamp() * 1000))


def split_values(values: list[str] | None) -> list[str]:
    """Repeatable parameters also accept comma-separated values: ``country=AF,UA``."""
    out: list[str] = []
    for value in values or []:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def parse_countries(values: list[str] | None) -> tuple[str, ...]:
    codes = split_values(values)
    for code in codes:
        if not _COUNTRY.match(code):
            raise InvalidQueryError("country", f"{code[:20]!r} is not an ISO 3166-1 alpha-2 code")
    return tuple(sorted({c.upper() for c in codes}))


def parse_kinds(values: list[str] | None) -> tuple[str, ...]:
    kinds = split_values(values)
    for kind in kinds:
        if kind not in SIGNAL_KINDS:
            raise InvalidQueryError("kind", f"{kind[:40]!r} is not a signal kind (GET /v1/kinds lists them)")
    return tuple(sorted(set(kinds)))


def parse_words(q: str | None) -> tuple[str, ...]:
    words = tuple(dict.fromkeys(w.casefold() for w in _WORD.findall(q or "")))
    if len(words) > MAX_QUERY_WORDS:
        raise InvalidQueryError("q", f"at most {MAX_QUERY_WORDS} words")
    return words


def title_words(title: object) -> set[str]:
    return {w.casefold() for w in _WORD.findall(title)} if isinstance(title, str) else set()


@dataclass(frozen=True, slots=True)
class AlertQuery:
    """The filters of ``/v1/alerts`` and ``/v1/alerts/stream``; every field narrows the result."""

    countries: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    min_severity: str | None = None
    since: StreamId | None = None
    until: StreamId | None = None
    words: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        *,
        country: list[str] | None = None,
        kind: list[str] | None = None,
        min_severity: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        q: str | None = None,
    ) -> AlertQuery:
        if min_severity is not None and min_severity not in SEVERITY_RANK:
            raise InvalidQueryError("min_severity", "must be routine, urgent or flash")
        start = StreamId.first_at(since) if since else None
        end = StreamId.last_at(until) if until else None
        if start and end and end < start:
            raise InvalidQueryError("until", "is before since")
        return cls(
            countries=parse_countries(country),
            kinds=parse_kinds(kind),
            min_severity=min_severity,
            since=start,
            until=end,
            words=parse_words(q),
        )

    def matches(self, fields: Mapping[str, str]) -> bool:
        """Whether a raw stream entry passes every filter (parsing its JSON only when needed)."""
        if self.min_severity and SEVERITY_RANK.get(fields.get("severity", ""), 0) < SEVERITY_RANK[self.min_severity]:
            return False
        raw = fields.get("alert", "")
        # countries named besides the primary one: only worth parsing if the code appears
        if (self.countries and fields.get("country") not in self.countries
                and not any(f'"{c}"' in raw for c in self.countries)):
            return False
        if self.kinds and not any(f'"{k}"' in raw for k in self.kinds):
            return False
        if not (self.countries or self.kinds or self.words):
            return True
        try:
            alert = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return False
        return self.matches_alert(alert)

    def matches_alert(self, alert: Mapping[str, Any]) -> bool:
        if self.countries:
            present = {alert.get("primary_country") or "", *(alert.get("countries") or [])}
            if not present.intersection(self.countries):
                return False
        if self.kinds:
            present_kinds = set(alert.get("signal_kinds") or []) | {alert.get("kind") or ""}
            if not present_kinds.intersection(self.kinds):
                return False
        if self.words and not set(self.words) <= title_words(alert.get("title")):
            return False
        return not (
            self.min_severity
            and SEVERITY_RANK.get(str(alert.get("severity")), 0) < SEVERITY_RANK[self.min_severity]
        )

    def within_time(self, entry_id: StreamId) -> bool:
        return (self.since is None or entry_id >= self.since) and (self.until is None or entry_id <= self.until)
