"""Subdivision-name coverage: does every ISO 3166-2 subdivision of the countries with the most
conflict events resolve from its English name? Conflict reporting names provinces in English
("North Kivu", "the Afar region", "Gegharkunik"), so a province only its local spelling reaches is
a province the tagger cannot route alerts for.

The English name of each subdivision is the first of ``data/subdivision_names.tsv`` (from
iso3166-2 and GeoNames; see :func:`flashpoint.tools.gazetteer_build.build_subdivision_names`),
else the ISO name with its accents folded. Each is read in a sentence that names its country, the
way news writes it: "Fighting was reported in North Kivu, Democratic Republic of the Congo." A
second-level unit counts when it or its first-level parent is tagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from flashpoint.analysis.names import SUBDIVISION_NAMES_FILE, fold, subdivision_names
from flashpoint.analysis.regions import RegionTagger

COUNTRIES_FILE = Path(__file__).with_name("conflict_countries.yaml")


@dataclass(frozen=True, slots=True)
class CountryCoverage:
    country: str
    subdivisions: int
    resolved: int
    missed: tuple[str, ...]  # "CODE English name"


def conflict_countries(path: Path = COUNTRIES_FILE) -> list[str]:
    return [str(c) for c in yaml.safe_load(path.read_text(encoding="utf-8"))["countries"]]


def english_names(path: Path = SUBDIVISION_NAMES_FILE) -> dict[str, str]:
    out: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            code, _, names = line.partition("\t")
            out[code] = names.split("|", 1)[0]
    return out


def coverage_sentence(name: str, country: str) -> str:
    return f"Fighting was reported in {name}, {country}, officials said on Monday."


def score_coverage(tagger: RegionTagger, countries: list[str] | None = None) -> list[CountryCoverage]:
    import pycountry

    gz = tagger.gazetteer
    english = english_names()
    out: list[CountryCoverage] = []
    for cc in countries or conflict_countries():
        subs = sorted((s for s in pycountry.subdivisions if s.country_code == cc), key=lambda s: s.code)
        missed: list[str] = []
        for sub in subs:
            name = english.get(sub.code) or fold((subdivision_names(sub.name) or [sub.name])[0])
            tags = tagger.tag(coverage_sentence(name, gz.country_name(cc)))
            found = {s.code for s in tags.subdivisions} | {gz.top_subdivision(s.code) for s in tags.subdivisions}
            if sub.code not in found and gz.top_subdivision(sub.code) not in found:
                missed.append(f"{sub.code} {name}")
        out.append(CountryCoverage(cc, len(subs), len(subs) - len(missed), tuple(missed)))
    return out


def print_coverage(console: Any, coverage: tuple[CountryCoverage, ...] | list[CountryCoverage]) -> None:
    from rich.table import Table

    if not coverage:
        return
    total = sum(c.subdivisions for c in coverage)
    resolved = sum(c.resolved for c in coverage)
    table = Table(
        title=f"Subdivision names: {resolved}/{total} ISO 3166-2 units of {len(coverage)} conflict countries "
        "resolve from their English name"
    )
    for col in ("country", "resolved", "missed"):
        table.add_column(col, justify="left" if col != "resolved" else "right")
    for c in coverage:
        table.add_row(c.country, f"{c.resolved}/{c.subdivisions}", ", ".join(c.missed) or "-")
    console.print(table)
