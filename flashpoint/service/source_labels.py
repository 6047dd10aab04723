"""The bounded ``source`` label of ``flashpoint_articles_consumed_total``.

A label from whatever ``source`` the articles carry would grow without bound, and capping it at
the first N sources a process sees gives every worker, and every restart, a different set of
series. Instead the set is configured: the publishers of ``metric_sources.yaml`` (or the file in
``FLASHPOINT_METRIC_SOURCES_FILE``) each have a label, everything else is ``other``, and an
article without a source is ``unknown``. The file is validated once at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from flashpoint.errors import FlashpointError

DEFAULT_SOURCES_FILE = Path(__file__).with_name("metric_sources.yaml")
OTHER = "other"
UNKNOWN = "unknown"
MAX_LABELS = 200
_LABEL_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")


class SourceLabelsError(FlashpointError):
    """The sources file is unusable; the message names the file and the entry."""


def _key(source: str) -> str:
    key = source.strip().lower()
    return key.removeprefix("www.")


@dataclass(frozen=True)
class SourceLabels:
    """Maps an article's ``source`` to one of a fixed set of labels."""

    by_source: Mapping[str, str]

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label this mapping can return, for pre-initialising the series."""
        return (*sorted(set(self.by_source.values())), OTHER, UNKNOWN)

    def label(self, source: str | None) -> str:
        if source is None or not source.strip():
            return UNKNOWN
        return self.by_source.get(_key(source), OTHER)

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, Iterable[str]]], *, where: str = "sources") -> SourceLabels:
        by_source: dict[str, str] = {}
        labels: set[str] = set()
        for label, matches in entries:
            if not isinstance(label, str) or not _LABEL_RE.match(label) or label in (OTHER, UNKNOWN):
                raise SourceLabelsError(f"{where}: label {label!r} must be 1-40 of a-z 0-9 . _ - "
                                        f"and not {OTHER!r} or {UNKNOWN!r}")
            if label in labels:
                raise SourceLabelsError(f"{where}: label {label!r} appears twice")
            labels.add(label)
            for match in (label, *matches):
                if not isinstance(match, str) or not match.strip():
                    raise SourceLabelsError(f"{where}: label {label!r} has an empty or non-text match")
                key = _key(match)
                if by_source.get(key, label) != label:
                    raise SourceLabelsError(f"{where}: {match!r} matches both {by_source[key]!r} and {label!r}")
                by_source[key] = label
        if len(labels) > MAX_LABELS:
            raise SourceLabelsError(f"{where}: {len(labels)} labels; at most {MAX_LABELS} keep the series bounded")
        return cls(by_source)

    @classmethod
    def load(cls, path: Path | None = None) -> SourceLabels:
        path = path or DEFAULT_SOURCES_FILE
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            raise SourceLabelsError(f"{path}: cannot read: {e}") from e
        if not isinstance(raw, dict) or not isinstance(raw.get("sources"), list):
            raise SourceLabelsError(f"{path}: expected a mapping with a 'sources' list")
        entries = []
        for index, entry in enumerate(raw["sources"], start=1):
            if not isinstance(entry, dict) or set(entry) - {"label", "match"} or "label" not in entry:
                raise SourceLabelsError(f"{path}: sources[{index}]: expected 'label' and an optional 'match' list")
            matches = entry.get("match") or []
            if not isinstance(matches, list):
                raise SourceLabelsError(f"{path}: sources[{index}]: 'match' must be a list")
            entries.append((entry["label"], matches))
        return cls.from_entries(entries, where=str(path))
