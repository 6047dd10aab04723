"""What an ingest run did, for the CLI's summary table and for tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class IngestStats:
    """Counts of one run. ``problems`` maps a bounded reason (``feed_malformed``,
    ``page_timeout``, ``record_missing_field``...) to how often it happened, so an operator sees
    at a glance why articles were degraded or dropped."""

    sent: int = 0
    skipped_seen: int = 0
    rejected: int = 0
    feeds_polled: int = 0
    feeds_not_modified: int = 0
    feeds_failed: int = 0
    pages_fetched: int = 0
    pages_failed: int = 0
    sent_with_feed_text: int = 0
    files_read: int = 0
    files_failed: int = 0
    files_skipped: int = 0
    problems: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "problems"}
        out["problems"] = dict(self.problems)
        return out


class StatsRecorder:
    """The mutable tally behind :class:`IngestStats`; runs share one and freeze it at the end."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.problems: Counter[str] = Counter()

    def add(self, name: str, n: int = 1) -> None:
        if name not in IngestStats.__dataclass_fields__ or name == "problems":
            raise KeyError(name)
        self.counts[name] += n

    def problem(self, reason: str) -> None:
        self.problems[reason] += 1

    def freeze(self) -> IngestStats:
        return IngestStats(**self.counts, problems=MappingProxyType(dict(sorted(self.problems.items()))))
