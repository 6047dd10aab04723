"""GeoVirus as world news: which countries does each article name? The corpus' WikiNews stories
are international news from every continent, the register flashpoint's country tags are judged on,
where LGL is US local papers.

GeoVirus gold gives coordinates, not countries. A gold toponym's country is read from the
gazetteer: the reading of the gold name nearest the gold point, within 161 km for a town, 800 km
for a province's centre and 1,500 km for a country's. A toponym with no such reading (continents,
oceans, villages the gazetteer does not hold) gives no gold country and is counted as unmapped.
Each article is then scored as LGL is: the set of countries the tagger names against the gold
set, micro-averaged. Demonyms count as tags ("Somali refugees" names Somalia), so a story about
people of a country not named as a place costs precision here although the tag is defensible.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flashpoint.analysis.gazetteer import Gazetteer, haversine_km
from flashpoint.analysis.regions import RegionTagger
from flashpoint.tools.eval.regions import PRF, place_point

# how far the gold point may be from a reading's point, by the reading's kind (km)
_REACH_KM = {"country": 1500.0, "subdivision": 800.0}
_TOWN_REACH_KM = 161.0


@dataclass(frozen=True, slots=True)
class GeoVirusCountries:
    articles: int
    countries: PRF
    unmapped_toponyms: int
    false_positives: tuple[tuple[str, int], ...]
    false_negatives: tuple[tuple[str, int], ...]


def gold_country(gz: Gazetteer, name: str, lat: float, lon: float) -> str | None:
    """The country of the gazetteer reading of ``name`` nearest the gold point, if one is near."""
    best: tuple[float, str] | None = None
    for m in gz.iter_matches(name):
        if m.start != 0 or m.end != len(name):
            continue
        for p in m.places:
            point = place_point(gz, p)
            if point is None or not p.country:
                continue
            km = haversine_km(lat, lon, point[0], point[1])
            if km <= _REACH_KM.get(p.kind, _TOWN_REACH_KM) and (best is None or km < best[0]):
                best = (km, p.country)
    return best[1] if best else None


def score_geovirus_countries(tagger: RegionTagger, path: Path, limit: int | None = None) -> GeoVirusCountries:
    root = ET.parse(path).getroot()  # noqa: S314 - a trusted local corpus
    tp = fp = fn = unmapped = 0
    fps: Counter[str] = Counter()
    fns: Counter[str] = Counter()
    articles = list(root.iter("article"))[:limit]
    for art in articles:
        gold: set[str] = set()
        for loc in art.iter("location"):
            lat, lon = float(loc.findtext("lat") or 0), float(loc.findtext("lon") or 0)
            code = gold_country(tagger.gazetteer, loc.findtext("name") or "", lat, lon)
            if code is None:
                unmapped += 1
            else:
                gold.add(code)
        predicted = {c.code for c in tagger.tag(art.findtext("text") or "").countries}
        tp += len(gold & predicted)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        fps.update(predicted - gold)
        fns.update(gold - predicted)
    return GeoVirusCountries(
        articles=len(articles),
        countries=PRF(tp, fp, fn),
        unmapped_toponyms=unmapped,
        false_positives=tuple(fps.most_common(8)),
        false_negatives=tuple(fns.most_common(8)),
    )


def print_geovirus_countries(console: Any, result: GeoVirusCountries | None) -> None:
    from rich.table import Table

    if result is None:
        return
    table = Table(
        title=f"GeoVirus as world news: country sets per article ({result.articles} articles; "
        f"{result.unmapped_toponyms} gold toponyms with no country)"
    )
    for col in ("country P", "R", "F1", "TP", "FP", "FN", "most frequent FP", "most frequent FN"):
        table.add_column(col, justify="right")
    c = result.countries
    table.add_row(
        f"{c.precision:.3f}",
        f"{c.recall:.3f}",
        f"{c.f1:.3f}",
        str(c.tp),
        str(c.fp),
        str(c.fn),
        " ".join(f"{code} {n}" for code, n in result.false_positives),
        " ".join(f"{code} {n}" for code, n in result.false_negatives),
    )
    console.print(table)
