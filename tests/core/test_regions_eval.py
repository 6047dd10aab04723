"""Floors on the public geoparsing corpora: they catch a regression, they are not the figures
(``flashpoint eval regions`` prints those). Run on the first articles only, to stay fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashpoint.eval.regions import PRF, load_lgl, score_geovirus, score_lgl
from flashpoint.regions import RegionTagger

GEO = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "geo"
N_ARTICLES = 150

pytestmark = pytest.mark.skipif(not (GEO / "lgl.xml").exists(), reason="shared datasets not available")


@pytest.fixture(scope="module")
def tagger() -> RegionTagger:
    from flashpoint.nlp import load_model

    return RegionTagger(load_model())


@pytest.fixture(scope="module")
def lgl_scores(tagger: RegionTagger) -> tuple[PRF, PRF, tuple[int, int]]:
    articles = load_lgl(GEO / "lgl.xml", tagger.gazetteer, N_ARTICLES)
    country, adm1, *_, primary = score_lgl(tagger, articles)
    return country, adm1, primary


def test_lgl_country_f1_stays_above_floor(lgl_scores: tuple[PRF, PRF, tuple[int, int]]) -> None:
    assert lgl_scores[0].f1 >= 0.75


def test_lgl_adm1_f1_stays_above_floor(lgl_scores: tuple[PRF, PRF, tuple[int, int]]) -> None:
    assert lgl_scores[1].f1 >= 0.50


def test_lgl_primary_country_matches_the_main_gold_country_above_floor(
    lgl_scores: tuple[PRF, PRF, tuple[int, int]],
) -> None:
    hits, articles = lgl_scores[2]
    assert hits / articles >= 0.70


def test_geovirus_accuracy_below_country_level_stays_above_floor(tagger: RegionTagger) -> None:
    *_, sub_n, sub_hits = score_geovirus(tagger, GEO / "GeoVirus.xml", limit=60)
    assert sub_n > 50
    assert sub_hits / sub_n >= 0.6
