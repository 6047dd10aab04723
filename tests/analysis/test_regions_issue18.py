"""One test for each error issue 18 lists; each failed before the fix. The stories are written
for these tests; the world-news set (test_regions_world.py) holds more of each kind."""

from __future__ import annotations

import pytest

from flashpoint.analysis.gazetteer import default_gazetteer
from flashpoint.analysis.models import RegionTags
from flashpoint.analysis.nlp import load_model
from flashpoint.analysis.regions import RegionTagger


@pytest.fixture(scope="module")
def tagger() -> RegionTagger:
    return RegionTagger(load_model())


def countries(tags: RegionTags) -> set[str]:
    return {c.code for c in tags.countries}


def subdivisions(tags: RegionTags) -> set[str]:
    return {s.code for s in tags.subdivisions}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Rebels advanced on Bukavu, the capital of South Kivu, on Sunday.", "CD-SK"),
        ("Thousands fled the fighting in North Kivu this week.", "CD-NK"),
        ("The army sent reinforcements to Kivu Nord after the attack.", "CD-NK"),
        ("Clashes in the Afar region of Ethiopia killed 12 people.", "ET-AF"),
        ("Azerbaijani forces shelled villages in Gegharkunik, Armenia said.", "AM-GR"),
        ("Fighting spread across the Tigray Region of Ethiopia.", "ET-TI"),
        ("Militants attacked a police post in Khyber Pakhtunkhwa, Pakistan.", "PK-KP"),
        ("Drones struck the Donetsk region of Ukraine overnight.", "UA-14"),
    ],
)
def test_provinces_resolve_from_their_english_names(tagger: RegionTagger, text: str, code: str) -> None:
    assert code in subdivisions(tagger.tag(text))


def test_eastern_congo_in_a_story_about_goma_is_the_drc(tagger: RegionTagger) -> None:
    tags = tagger.tag("Fighting in eastern Congo reached Goma and Bukavu as M23 rebels advanced.")
    assert countries(tags) == {"CD"}


def test_bare_congo_with_brazzaville_is_the_republic_of_the_congo(tagger: RegionTagger) -> None:
    tags = tagger.tag("Police in Brazzaville fired tear gas at protesters, and Congo's government imposed a curfew.")
    assert countries(tags) == {"CG"}


def test_latin_america_tags_no_us_and_names_its_m49_region(tagger: RegionTagger) -> None:
    tags = tagger.tag("Inflation is easing across Latin America, the IMF said, led by Brazil.")
    assert countries(tags) == {"BR"}
    assert "419" in {m.code for m in tags.macro_regions}


@pytest.mark.parametrize(
    "text",
    [
        "Emirates will add flights to Sydney and Perth from March, the airline said.",
        "Arsenal beat Bayern 3-1 at the Emirates on Wednesday.",
    ],
)
def test_emirates_the_airline_or_the_stadium_is_not_the_uae(tagger: RegionTagger, text: str) -> None:
    assert "AE" not in countries(tagger.tag(text))


def test_lisbon_in_a_european_football_story_is_portugal_for_a_us_publisher(tagger: RegionTagger) -> None:
    text = "Real Madrid and Liverpool will meet in Lisbon in the Champions League final next month, UEFA said."
    resolved = [r for r in tagger.resolve(text, locale="US") if r.text == "Lisbon"]
    assert [(r.place.country, r.place.subdivision) for r in resolved] == [("PT", "PT-11")]


def test_a_london_dateline_tags_gb_when_other_countries_are_mentioned(tagger: RegionTagger) -> None:
    text = "LONDON (Reuters) - Arsenal beat Bayern 3-1 on Wednesday. Canada and Australia will host next year."
    tags = tagger.tag(text, locale="CA")
    assert "GB" in countries(tags)
    assert tags.filed_from == "GB"
    assert tags.primary_country != "DE"


def test_a_dateline_with_a_date_is_read(tagger: RegionTagger) -> None:
    tags = tagger.tag("KYIV, May 3 (Reuters) - Russian drones struck Kharkiv overnight, officials said.")
    assert tags.filed_from == "UA"
    assert any(m.dateline and m.country == "UA" for m in tags.mentions)


def test_germany_closing_its_embassy_in_niamey_is_a_story_about_niger(tagger: RegionTagger) -> None:
    tags = tagger.tag("Germany closes embassy in Niamey, citing the security situation.")
    assert countries(tags) == {"DE", "NE"}
    assert tags.primary_country == "NE"


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Jihadist violence is spreading across the Sahel.", "macro-sahel"),
        ("Drought in the Horn of Africa has left millions hungry.", "macro-horn-of-africa"),
        ("Kurdish groups have fought for autonomy in Kurdistan for decades.", "macro-kurdistan"),
        ("Fighting in the Donbas intensified this spring.", "macro-donbas"),
        ("Tension in the Middle East lifted oil prices.", "macro-middle-east"),
        ("Old rivalries in the Balkans and the Caucasus resurfaced.", "macro-balkans"),
    ],
)
def test_macro_regions_fill_macro_regions_and_tag_no_country(tagger: RegionTagger, text: str, region: str) -> None:
    tags = tagger.tag(text)
    assert countries(tags) == set()
    assert region in {m.code for m in tags.macro_regions}


def test_kurdistan_spans_four_countries_and_donbas_two_provinces() -> None:
    regions = default_gazetteer().macro_regions
    assert set(regions["macro-kurdistan"].members) == {"IQ", "SY", "TR", "IR"}
    assert set(regions["macro-donbas"].members) == {"UA-14", "UA-09"}
