"""Error classes of country tags in international news, found by scoring GeoVirus (WikiNews) as
country sets (`flashpoint eval regions`, "GeoVirus as world news"): money written with a country's
code, news agencies and papers named after a country, towns qualified by a province they are not
in, diseases named after a country, and a GeoNames spelling that is an English word."""

from __future__ import annotations

import pytest

from flashpoint.analysis.gazetteer import Gazetteer
from flashpoint.analysis.models import RegionTags
from flashpoint.analysis.nlp import load_model
from flashpoint.analysis.regions import RegionTagger
from flashpoint.tools.eval.geovirus_countries import gold_country


@pytest.fixture(scope="module")
def tagger() -> RegionTagger:
    return RegionTagger(load_model())


def countries(tags: RegionTags) -> set[str]:
    return {c.code for c in tags.countries}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a currency is no place: the story is about Kenya, the money about nobody's territory
        ("The UN appealed for US$2.8 million to help flood victims in Kenya's Garissa district.", {"KE"}),
        ("Aid agencies in Haiti received HK$4 million and US $1 million from donors.", {"HT"}),
        ("Officials in Nairobi said the fund lost 40 million Canadian dollars.", {"KE"}),
    ],
)
def test_money_written_with_a_country_is_no_country(tagger: RegionTagger, text: str, expected: set[str]) -> None:
    assert countries(tagger.tag(text)) == expected


def test_an_amount_after_a_place_is_not_a_currency(tagger: RegionTagger) -> None:
    # "$2 million" after "Hall County" is the amount paid to the county, which stays a place
    tags = tagger.tag("The lease will pay Hall County, Georgia $2 million a year, county officials said.")
    assert "US" in countries(tags)


@pytest.mark.parametrize(
    "text",
    [
        "At least 30 people died of cholera in Kisumu, Kenya, a Red Cross official told Agence France-Presse.",
        "Health officials in Kenya's Nyanza region confirmed the deaths, Voice of America reported.",
        "The Kenyan health ministry confirmed 30 deaths, according to the China Daily and the Washington Post.",
    ],
)
def test_news_agencies_named_after_a_country_tag_nothing(tagger: RegionTagger, text: str) -> None:
    assert countries(tagger.tag(text)) == {"KE"}


def test_a_paper_still_counts_when_the_story_is_about_its_country(tagger: RegionTagger) -> None:
    tags = tagger.tag("Floods hit Beijing and Shanghai on Monday, the China Daily reported.")
    assert countries(tags) == {"CN"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the gazetteer has no Bradford or Stroud in Ontario: not Bradford, England
        ("He was released on a promise to appear in a Bradford, Ontario court on May 12.", {"CA"}),
        ("The crash happened on Highway 11 in Stroud, Ontario, Canada on Friday.", {"CA"}),
        ("Natural Selection Foods, located in San Juan Bautista, California, recalled its spinach.", {"US"}),
    ],
)
def test_a_town_qualified_by_a_province_it_is_not_in_is_not_a_namesake_abroad(
    tagger: RegionTagger, text: str, expected: set[str]
) -> None:
    assert countries(tagger.tag(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # lists keep every country: "Beirut, Damascus" is no town in a province
        ("Delegations from Beirut, Damascus and Amman met in Cairo.", {"LB", "SY", "JO", "EG"}),
        ("Unlike the Zaire, Bundibugyo, Côte d'Ivoire and Sudan strains, it is mild.", {"UG", "CI", "SD"}),
        # a town in its own province keeps its reading
        ("The boy died in Kharkiv, Ukraine, after shelling overnight.", {"UA"}),
    ],
)
def test_lists_and_matching_qualifiers_keep_their_readings(
    tagger: RegionTagger, text: str, expected: set[str]
) -> None:
    assert expected <= countries(tagger.tag(text))


@pytest.mark.parametrize(
    "text",
    [
        "The 1918 Spanish flu pandemic killed millions worldwide, the researchers said.",
        "The virus belongs to the Japanese encephalitis group, the scientists wrote.",
        "James Brown, often called the Godfather of Soul, died on Christmas Day.",
    ],
)
def test_diseases_and_words_named_after_places_tag_nothing(tagger: RegionTagger, text: str) -> None:
    assert countries(tagger.tag(text)) == set()


@pytest.mark.parametrize(
    ("name", "lat", "lon", "expected"),
    [
        ("Georgia", 42.0, 43.5, "GE"),  # the country's point
        ("Georgia", 32.75, -83.5, "US"),  # the state's point
        ("Queensland", -22.0, 144.0, "AU"),  # a province within 800 km of its centre
        ("Africa", 7.0, 21.0, None),  # a continent has no country
    ],
)
def test_geovirus_gold_country_is_the_reading_nearest_the_gold_point(
    name: str, lat: float, lon: float, expected: str | None
) -> None:
    assert gold_country(Gazetteer(), name, lat, lon) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a country followed by a country is a list: not the town of China in Japan, Mali in
        # Guinea, or Nigeria's Niger State
        ("Officials in Mexico, China, Japan, Ukraine and Brazil report cases.", {"MX", "CN", "JP", "UA", "BR"}),
        ("Outbreaks hit Guinea, Liberia, Mauritania, Mali, Niger, and Senegal.", {"GN", "LR", "MR", "ML", "NE", "SN"}),
        ("Cases were found in Ghana, Guinea-Bissau, Niger, Nigeria and Togo.", {"GH", "GW", "NE", "NG", "TG"}),
        ("The WHO said polio had been eradicated in Egypt and Niger, unlike in Nigeria's north.", {"EG", "NE", "NG"}),
    ],
)
def test_countries_listed_together_are_countries(tagger: RegionTagger, text: str, expected: set[str]) -> None:
    assert countries(tagger.tag(text)) == expected


def test_a_town_qualified_by_its_country_keeps_the_qualifier(tagger: RegionTagger) -> None:
    tags = tagger.tag("Gunmen killed six people in Bunia, Congo, and in Goma on Sunday.")
    assert countries(tags) == {"CD"}


def test_a_country_name_beats_a_town_abroad_unless_the_towns_province_is_named(tagger: RegionTagger) -> None:
    # the story names the United States and its states many times, but not Lebanon's state
    text = (
        "Most cases were reported by the United States. Egypt, Bulgaria, and Nicaragua each reported "
        "their first case, while Lebanon reported three. "
        + " ".join(["U.S. officials in Wisconsin, Texas and New York reported more cases."] * 4)
    )
    assert "LB" in countries(tagger.tag(text))
    local = "Police in Lebanon, Pennsylvania, said the fire started in a garage. Lebanon firefighters came."
    assert countries(tagger.tag(local)) == {"US"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zurab Zhvania, Prime Minister of Georgia, was found dead, the Russian Information Agency said.", {"GE"}),
        ("Georgia's parliament voted on Tuesday to leave the treaty, a move Washington criticised.", {"GE", "US"}),
        ("Georgia's army said two soldiers died, New York papers reported.", {"GE", "US"}),
        # a US state's offices keep the state
        ("Georgia's governor signed the bill in Atlanta on Tuesday.", {"US"}),
    ],
)
def test_a_sovereign_states_office_names_the_country(tagger: RegionTagger, text: str, expected: set[str]) -> None:
    assert countries(tagger.tag(text)) == expected
