"""The escalation regression set: wire stories written for flashpoint, each with what a correct
analysis must contain (``tests/fixtures/escalation/*.yaml`` beside each ``*.txt``).

The hidden evaluation reports of issue 17 cannot be seen, so these stories carry the kinds of
error it names (actors, figures of speech, non-quantities, time, missed events) and calm stories
full of look-alikes. Each expected file is YAML:

    published_at: 2026-03-04T09:00:00Z     # the article's publication time
    primary_country: NE                    # optional: where the story's events happen
    no_signals: true                       # calm story: no signal at all
    signals_must_include:                  # each: a signal with these fields (all optional
      - kind: armed_clash                  #   except kind); actors lists types that must be
        actors: [state_forces, non_state_armed_group]   # among the signal's sides
        fatalities: 4
        when: current
    signals_must_not_include: [territory_seized]         # kinds that must not fire
    live_kinds_must_not_include: [territory_seized]      # kinds that must not page anyone
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from flashpoint.analysis.models import Analysis, RawArticle, Signal, parse_datetime

STORIES_DIR = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "escalation"
_SIGNAL_FIELDS = ("modality", "when", "quantity", "approximate", "fatalities", "actor", "country",
                  "subdivision", "target", "severity")


@dataclass(frozen=True, slots=True)
class Story:
    name: str
    text: str
    expected: Mapping[str, Any]

    @property
    def published_at(self) -> datetime | None:
        value = self.expected.get("published_at")
        if value is None:
            return None
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        return parse_datetime(str(value))

    def article(self) -> RawArticle:
        return RawArticle(id=self.name, text=self.text, published_at=self.published_at)


@dataclass(frozen=True, slots=True)
class StoryResult:
    name: str
    ok: bool
    failures: tuple[str, ...]
    kinds: tuple[str, ...]


def load_stories(directory: Path = STORIES_DIR) -> list[Story]:
    """Every ``*.txt`` story with its ``*.yaml`` expected analysis, by name."""
    stories: list[Story] = []
    for text_path in sorted(directory.glob("*.txt")):
        expected_path = text_path.with_suffix(".yaml")
        expected = yaml.safe_load(expected_path.read_text(encoding="utf-8")) or {}
        stories.append(Story(text_path.stem, text_path.read_text(encoding="utf-8"), expected))
    return stories


def _matches(signal: Signal, want: Mapping[str, Any]) -> bool:
    if signal.kind != want["kind"]:
        return False
    for key in _SIGNAL_FIELDS:
        if key in want and getattr(signal, key, None) != want[key]:
            return False
    types = [a.type for a in getattr(signal, "actors", ())]
    return all(types.count(t) >= list(want.get("actors", [])).count(t)
               for t in set(want.get("actors", [])))


def _describe(signal: Signal) -> str:
    sides = ",".join(a.type for a in getattr(signal, "actors", ()))
    return (f"{signal.kind}({signal.modality},{getattr(signal, 'when', '-')},q={signal.quantity},"
            f"dead={getattr(signal, 'fatalities', None)},{signal.country},[{sides}])")


def check_story(story: Story, analysis: Analysis) -> StoryResult:
    """Compare one analysis with the story's expected file."""
    exp = story.expected
    signals = analysis.signals
    kinds = {s.kind for s in signals}
    live = {s.kind for s in signals if s.severity != "none"}
    failures: list[str] = []
    if exp.get("no_signals") and signals:
        failures.append("expected no signal, got " + "; ".join(_describe(s) for s in signals))
    for want in exp.get("signals_must_include") or []:
        if not any(_matches(s, want) for s in signals):
            got = "; ".join(_describe(s) for s in signals if s.kind == want["kind"]) or "none"
            failures.append(f"missing {dict(want)} (got {got})")
    for kind in exp.get("signals_must_not_include") or []:
        if kind in kinds:
            failures.append(f"unexpected {kind}")
    for kind in exp.get("live_kinds_must_not_include") or []:
        if kind in live:
            failures.append(f"unexpected live {kind}")
    if "primary_country" in exp and analysis.regions.primary_country != exp["primary_country"]:
        failures.append(f"primary_country {analysis.regions.primary_country} != {exp['primary_country']}")
    return StoryResult(story.name, not failures, tuple(failures), tuple(sorted(kinds)))


def run_stories(analyze: Any, stories: Iterable[Story]) -> list[StoryResult]:
    """``analyze(article, now) -> Analysis`` over every story (``now``: its publication time)."""
    out: list[StoryResult] = []
    for story in stories:
        now = story.published_at or datetime(2026, 1, 1, tzinfo=UTC)
        out.append(check_story(story, analyze(story.article(), now)))
    return out
