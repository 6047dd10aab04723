"""The world-news regression set (``tests/fixtures/regions/*.yaml``): stories in the style of
conflict wire copy with expected countries, subdivisions, primary country, named macro-regions
and dateline country. Scored as LGL is (per-story sets, micro-averaged), and each story checked
in full by ``tests/analysis/test_regions_world.py``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from flashpoint.analysis.models import RegionTags
from flashpoint.analysis.regions import RegionTagger
from flashpoint.tools.eval.regions import PRF

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "regions"


@dataclass(frozen=True, slots=True)
class WorldStory:
    id: str
    text: str
    countries: frozenset[str]
    subdivisions: frozenset[str]
    primary: str | None = None
    macro_regions: frozenset[str] = frozenset()
    filed_from: str | None = None


def load_world_stories(folder: Path = FIXTURES) -> list[WorldStory]:
    stories: list[WorldStory] = []
    for path in sorted(folder.glob("*.yaml")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        for s in data["stories"]:
            stories.append(
                WorldStory(
                    id=str(s["id"]),
                    text=str(s["text"]),
                    countries=frozenset(s.get("countries", [])),
                    subdivisions=frozenset(s.get("subdivisions", [])),
                    primary=s.get("primary"),
                    macro_regions=frozenset(str(m) for m in s.get("macro_regions", [])),
                    filed_from=s.get("filed_from"),
                )
            )
    return stories


@dataclass(frozen=True, slots=True)
class WorldNewsReport:
    stories: int
    country: PRF
    subdivisions_found: int
    subdivisions_expected: int
    primary_hits: int
    primary_expected: int
    failures: tuple[str, ...]


def story_errors(story: WorldStory, tags: RegionTags) -> list[str]:
    """What the tagger got wrong on one story, in words (empty when it is right)."""
    got = {c.code for c in tags.countries}
    subs = {s.code for s in tags.subdivisions}
    macros = {m.code for m in tags.macro_regions}
    errors: list[str] = []
    if got != story.countries:
        errors.append(f"countries {sorted(got)} != {sorted(story.countries)}")
    if not story.subdivisions <= subs:
        errors.append(f"subdivisions missing {sorted(story.subdivisions - subs)}")
    if story.primary and tags.primary_country != story.primary:
        errors.append(f"primary {tags.primary_country} != {story.primary}")
    if not story.macro_regions <= macros:
        errors.append(f"macro-regions missing {sorted(story.macro_regions - macros)}")
    if story.filed_from and tags.filed_from != story.filed_from:
        errors.append(f"filed from {tags.filed_from} != {story.filed_from}")
    return errors


def score_world_news(tagger: RegionTagger, stories: list[WorldStory] | None = None) -> WorldNewsReport:
    stories = load_world_stories() if stories is None else stories
    tp = fp = fn = subs_found = subs_expected = primary_hits = primary_expected = 0
    failures: list[str] = []
    for story in stories:
        tags = tagger.tag(story.text)
        got = {c.code for c in tags.countries}
        tp += len(got & story.countries)
        fp += len(got - story.countries)
        fn += len(story.countries - got)
        subs_expected += len(story.subdivisions)
        subs_found += len(story.subdivisions & {s.code for s in tags.subdivisions})
        if story.primary:
            primary_expected += 1
            primary_hits += tags.primary_country == story.primary
        errors = story_errors(story, tags)
        if errors:
            failures.append(f"{story.id}: {'; '.join(errors)}")
    return WorldNewsReport(
        stories=len(stories),
        country=PRF(tp, fp, fn),
        subdivisions_found=subs_found,
        subdivisions_expected=subs_expected,
        primary_hits=primary_hits,
        primary_expected=primary_expected,
        failures=tuple(failures),
    )


def print_world_news(console: Any, report: WorldNewsReport | None) -> None:
    from rich.table import Table

    if report is None or not report.stories:
        return
    c = report.country
    table = Table(title=f"World-news regression set: {report.stories} stories (tests/fixtures/regions)")
    for col in ("country P", "R", "F1", "subdivisions found", "primary right", "stories wrong"):
        table.add_column(col, justify="right")
    table.add_row(
        f"{c.precision:.3f}",
        f"{c.recall:.3f}",
        f"{c.f1:.3f}",
        f"{report.subdivisions_found}/{report.subdivisions_expected}",
        f"{report.primary_hits}/{report.primary_expected}",
        str(len(report.failures)),
    )
    console.print(table)
    for failure in report.failures:
        console.print(f"  [yellow]{failure}[/]")


if __name__ == "__main__":
    from flashpoint.analysis.nlp import load_model

    report = score_world_news(RegionTagger(load_model()))
    c = report.country
    print(f"{report.stories} stories: country P {c.precision:.3f} R {c.recall:.3f} F1 {c.f1:.3f}")
    print(
        f"subdivisions {report.subdivisions_found}/{report.subdivisions_expected}, "
        f"primary {report.primary_hits}/{report.primary_expected}"
    )
    for f in report.failures:
        print(" ", f)
