"""Floors on the public geoparsing corpora: they catch a regression, they are not the figures
(``flashpoint eval regions`` prints those). Run on the first articles only, to stay fast."""

from __future__ import annotations

import pytest

from flashpoint.analysis.regions import RegionTagger
from flashpoint.tools.eval.regions import PRF, LglArticle, load_lgl, locale_from_domain, score_geovirus, score_lgl
from tests.fixtures import datasets_dir

GEO = datasets_dir() / "geo"
N_ARTICLES = 150

pytestmark = pytest.mark.datasets


@pytest.fixture(scope="module")
def tagger() -> RegionTagger:
    from flashpoint.analysis.nlp import load_model

    return RegionTagger(load_model())


@pytest.fixture(scope="module")
def lgl_scores(tagger: RegionTagger) -> tuple[PRF, PRF, tuple[int, int]]:
    articles = load_lgl(GEO / "lgl.xml", tagger.gazetteer, N_ARTICLES)
    country, adm1, *_, primary = score_lgl(tagger, articles)
    return country, adm1, primary


def test_lgl_country_f1_stays_above_floor(lgl_scores: tuple[PRF, PRF, tuple[int, int]]) -> None:
    assert lgl_scores[0].f1 >= 0.80


def test_lgl_adm1_f1_stays_above_floor(lgl_scores: tuple[PRF, PRF, tuple[int, int]]) -> None:
    assert lgl_scores[1].f1 >= 0.65


@pytest.fixture(scope="module")
def lgl_articles(tagger: RegionTagger) -> list[LglArticle]:
    return load_lgl(GEO / "lgl.xml", tagger.gazetteer, N_ARTICLES)


def test_lgl_toponym_only_country_precision_is_higher_than_with_demonyms(
    tagger: RegionTagger, lgl_articles: list[LglArticle]
) -> None:
    everything, *_ = score_lgl(tagger, lgl_articles)
    toponyms, *_ = score_lgl(tagger, lgl_articles, toponyms_only=True)
    assert toponyms.fp < everything.fp
    assert toponyms.precision >= 0.85


def test_lgl_country_f1_with_publisher_locale_stays_above_floor(
    tagger: RegionTagger, lgl_articles: list[LglArticle]
) -> None:
    country, *_ = score_lgl(tagger, lgl_articles, use_locale=True, generic_locale="US")
    assert country.f1 >= 0.88


@pytest.mark.parametrize(
    ("domain", "generic", "locale"),
    [
        ("thisisoxfordshire.co.uk", None, "GB"),
        ("lfpress.ca", None, "CA"),
        ("sptimes.ru", None, "RU"),
        ("ajc.com", None, None),
        ("ajc.com", "US", "US"),
        ("civil.ge", "US", "GE"),
    ],
)
def test_publisher_locale_comes_from_a_country_code_domain_only(
    domain: str, generic: str | None, locale: str | None
) -> None:
    assert locale_from_domain(domain, generic) == locale


def test_lgl_primary_country_matches_the_main_gold_country_above_floor(
    lgl_scores: tuple[PRF, PRF, tuple[int, int]],
) -> None:
    hits, articles = lgl_scores[2]
    assert hits / articles >= 0.75


def test_geovirus_accuracy_below_country_level_stays_above_floor(tagger: RegionTagger) -> None:
    *_, sub_n, sub_hits = score_geovirus(tagger, GEO / "GeoVirus.xml", limit=60)
    assert sub_n > 50
    assert sub_hits / sub_n >= 0.68


def test_geovirus_accuracy_stays_above_floor(tagger: RegionTagger) -> None:
    _, locations, _, hits, *_ = score_geovirus(tagger, GEO / "GeoVirus.xml", limit=60)
    assert hits / locations >= 0.55


def test_tied_error_counts_are_listed_by_code() -> None:
    from collections import Counter

    from flashpoint.tools.eval.regions import most_frequent

    assert most_frequent(Counter({"PS": 2, "NG": 2, "GB": 8, "AF": 1}), n=3) == (("GB", 8), ("NG", 2), ("PS", 2))
