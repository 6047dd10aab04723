"""Region tagging: the right countries and provinces, with evidence, and nothing from words that
only look like places."""

from __future__ import annotations

import pytest

from flashpoint.analysis.models import RegionTags
from flashpoint.analysis.nlp import load_model
from flashpoint.analysis.regions import RegionTagger
from flashpoint.analysis.text import strip_furniture
from tests.fixtures import CANONICAL as EXAMPLE


@pytest.fixture(scope="module")
def tagger() -> RegionTagger:
    return RegionTagger(load_model())


@pytest.fixture(scope="module")
def canonical(tagger: RegionTagger) -> RegionTags:
    return tagger.tag(strip_furniture(EXAMPLE.read_text(encoding="utf-8")))


def countries(tags: RegionTags) -> set[str]:
    return {c.code for c in tags.countries}


def subdivisions(tags: RegionTags) -> set[str]:
    return {s.code for s in tags.subdivisions}


# --- the canonical example ----------------------------------------------------------------


def test_canonical_story_is_about_afghanistan(canonical: RegionTags) -> None:
    assert canonical.primary_country == "AF"


def test_canonical_story_names_afghanistan_and_tajikistan(canonical: RegionTags) -> None:
    assert {"AF", "TJ"} <= countries(canonical)


def test_canonical_story_finds_badakhshan_province(canonical: RegionTags) -> None:
    assert "AF-BDS" in subdivisions(canonical)


@pytest.mark.parametrize("code", ["BY", "UA", "AR", "DE"])
def test_canonical_sidebar_countries_are_not_tagged(canonical: RegionTags, code: str) -> None:
    assert code not in countries(canonical)


def test_canonical_russia_comes_only_from_the_story(canonical: RegionTags) -> None:
    russia = [m.span.text for m in canonical.mentions if m.country == "RU"]
    assert "Moscow" in russia
    assert set(russia) <= {"Moscow", "Russian"}


def test_canonical_macro_regions_start_with_southern_asia(canonical: RegionTags) -> None:
    codes = [m.code for m in canonical.macro_regions]
    assert codes[0] == "034"
    assert "143" in codes  # Central Asia, for Tajikistan


@pytest.mark.parametrize(
    ("text", "surface", "country", "kind"),
    [
        ("Moscow announced the closure of its consulate.", "Moscow", "RU", "capital"),
        ("the Tajik security service said", "Tajik", "TJ", "demonym"),
        ("six districts of Badakhshan province", "Badakhshan", "AF", "subdivision"),
    ],
)
def test_mentions_carry_country_and_kind(
    tagger: RegionTagger, text: str, surface: str, country: str, kind: str
) -> None:
    mention = next(m for m in tagger.tag(text).mentions if m.span.text == surface)
    assert (mention.country, mention.kind) == (country, kind)


def test_evidence_offsets_point_into_the_text(canonical: RegionTags) -> None:
    text = strip_furniture(EXAMPLE.read_text(encoding="utf-8"))
    for tag in canonical.countries:
        for span in tag.evidence:
            assert text[span.start : span.end] == span.text


def test_mentions_are_in_text_order(canonical: RegionTags) -> None:
    starts = [m.span.start for m in canonical.mentions]
    assert starts == sorted(starts)


# --- demonyms, metonyms, alternate names ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Afghan soldiers crossed the border.", "AF"),
        ("Ukrainian forces shelled the town.", "UA"),
        ("A group of Israelis was evacuated.", "IL"),
        ("The Pakistani army moved in.", "PK"),
        ("Tajik border guards opened fire.", "TJ"),
        ("Kremlin officials declined to comment.", "RU"),
        ("The Kiev government protested.", "UA"),
        ("Protesters filled the streets of Rangoon.", "MM"),
        ("Burma's generals seized power.", "MM"),
        ("Officials in Beijing responded angrily.", "CN"),
        ("Ministers in Kabul met on Monday.", "AF"),
    ],
)
def test_demonyms_capitals_and_old_names_tag_their_country(tagger: RegionTagger, text: str, country: str) -> None:
    assert country in countries(tagger.tag(text))


@pytest.mark.parametrize(
    ("text", "surface", "subdivision"),
    [
        ("Seattle, Washington, saw protests.", "Washington", "US-WA"),
        ("Russian forces shelled Kharkiv overnight.", "Kharkiv", "UA-63"),
        ("Israeli strikes hit Gaza City overnight.", "Gaza City", "PS-GZA"),
        ("Pakistani troops were deployed across Punjab after the Lahore blast.", "Punjab", "PK-PB"),
        ("Indian police in Punjab arrested 12 men near Amritsar.", "Punjab", "IN-PB"),
    ],
)
def test_places_resolve_to_the_province_the_story_implies(
    tagger: RegionTagger, text: str, surface: str, subdivision: str
) -> None:
    mention = next(m for m in tagger.tag(text).mentions if m.span.text == surface)
    assert mention.subdivision == subdivision


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("KABUL (Reuters) - Gunmen attacked a checkpoint on Sunday.", "AF"),
        ("NEW YORK (AP) -- Stocks fell sharply.", "US"),
        ("KHARTOUM, Sudan — Fighting resumed overnight.", "SD"),
    ],
)
def test_wire_dateline_tags_where_the_story_is_filed(tagger: RegionTagger, text: str, country: str) -> None:
    assert tagger.tag(text).primary_country == country


@pytest.mark.parametrize("text", ["BREAKING - markets slide", "UPDATE -- more to follow", "WATCH - the video"])
def test_capitalised_headline_words_are_not_datelines(tagger: RegionTagger, text: str) -> None:
    assert countries(tagger.tag(text)) == set()


def test_washington_as_metonym_means_the_united_states(tagger: RegionTagger) -> None:
    tags = tagger.tag("Washington imposed new sanctions on Tehran on Friday, US officials said.")
    assert {"US", "IR"} <= countries(tags)


# --- ambiguous names need evidence ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        ("Police in Paris, Texas, arrested two men.", "US-TX", None),
        ("Floods hit Atlanta and much of Georgia this week.", "US-GA", "GE"),
        ("Russian tanks rolled into Georgia near Tbilisi.", None, "US"),
    ],
)
def test_ambiguous_place_resolves_with_story_evidence(
    tagger: RegionTagger, text: str, expected: str | None, absent: str | None
) -> None:
    tags = tagger.tag(text)
    if expected:
        assert expected in subdivisions(tags)
    if absent:
        assert absent not in countries(tags)


def test_georgia_with_tbilisi_is_the_country(tagger: RegionTagger) -> None:
    assert "GE" in countries(tagger.tag("Russian tanks rolled into Georgia near Tbilisi."))


@pytest.mark.parametrize(
    ("text", "not_country"),
    [
        ("Michael Jordan scored 40 points last night.", "JO"),
        ("Chad Johnson caught two touchdowns.", "TD"),
        ("We ate turkey and stuffing at Thanksgiving.", "TR"),
        ("George Washington was the first president.", "US"),
        ("Jordan Peterson gave a lecture.", "JO"),
        ("Turkey sandwiches were served.", "TR"),
    ],
)
def test_people_and_things_named_like_places_do_not_tag(tagger: RegionTagger, text: str, not_country: str) -> None:
    assert not_country not in countries(tagger.tag(text))


@pytest.mark.parametrize(
    "text",
    [
        "Nice work, everyone said.",
        "Split the bill between you.",
        "Of all the options, this is best.",
        "Male and female voters disagreed.",
        "Bar none, it was the best show.",
        "Mobile phones were banned.",
        "Reading the report took hours.",
        "March was the wettest month.",
        "Mission accomplished, he said.",
    ],
)
def test_common_words_that_are_also_places_do_not_tag(tagger: RegionTagger, text: str) -> None:
    assert countries(tagger.tag(text)) == set()


def test_city_named_like_a_word_tags_with_country_support(tagger: RegionTagger) -> None:
    tags = tagger.tag("The festival in Nice drew crowds from across France.")
    assert "FR" in countries(tags)
    assert any(m.span.text == "Nice" for m in tags.mentions)


def test_street_named_after_a_city_is_not_the_city(tagger: RegionTagger) -> None:
    tags = tagger.tag("The fire broke out at 6016 Dublin Road late on Sunday.")
    assert "IE" not in countries(tags)


def test_surname_used_alone_later_is_still_a_person(tagger: RegionTagger) -> None:
    tags = tagger.tag("Officer Roy Jones spoke first. Later Jones said the road was closed.")
    assert not [m for m in tags.mentions if m.span.text == "Jones"]


# --- odd input ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "12345 67890", "!!!"])
def test_empty_text_gives_empty_tags(tagger: RegionTagger, text: str) -> None:
    tags = tagger.tag(text)
    assert tags.primary_country is None
    assert tags.countries == () and tags.mentions == ()


@pytest.mark.parametrize(
    "text",
    [
        "Талибы захватили шесть районов провинции Бадахшан.",
        "塔利班控制了巴达赫尚省的六个地区。",
        "Die Regierung tagte am Montag in der Hauptstadt und beriet über die Lage.",
    ],
)
def test_non_english_text_gives_no_false_tags(tagger: RegionTagger, text: str) -> None:
    assert countries(tagger.tag(text)) == set()


def test_accented_spelling_matches(tagger: RegionTagger) -> None:
    assert "CI" in countries(tagger.tag("Elections in Côte d'Ivoire were postponed."))


def test_tags_serialise_to_plain_json_types(canonical: RegionTags) -> None:
    data = canonical.to_dict()
    assert data["primary_country"] == "AF"
    assert data["countries"][0]["evidence"][0]["text"]


# --- error classes seen on LGL (US local news) and reported by the escalation engineer -------


@pytest.mark.parametrize(
    ("text", "subdivision"),
    [
        # US wording but no state: the US town, and no guessed state (Athens is in five)
        ("Athens police said the Sheriff's Office closed Interstate 65 overnight.", None),
        ("Dublin, Ohio police said Main Street was closed.", "US-OH"),
        ("Police in Alexandria, La., arrested a woman for arson.", "US-LA"),
        ("Lebanon police in Tennessee said the road was closed.", "US-TN"),
    ],
)
def test_us_namesake_of_a_world_city_follows_us_evidence_in_the_story(
    tagger: RegionTagger, text: str, subdivision: str | None
) -> None:
    tags = tagger.tag(text)
    assert countries(tags) == {"US"}
    assert subdivisions(tags) == ({subdivision} if subdivision else set())


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Dublin police said Main Street was closed.", "IE"),
        ("Protesters marched in Athens on Sunday.", "GR"),
        ("Israeli jets struck Lebanon on Friday.", "LB"),
    ],
)
def test_world_city_or_country_wins_without_us_evidence(tagger: RegionTagger, text: str, country: str) -> None:
    assert country in countries(tagger.tag(text))
    assert "US" not in countries(tagger.tag(text))


@pytest.mark.parametrize(
    ("text", "locale", "country"),
    [
        ("Athens officials met Tuesday. The Athens City Council approved the budget.", None, "GR"),
        ("Athens officials met Tuesday. The Athens City Council approved the budget.", "US", "US"),
        ("Athens officials met Tuesday with ministers from Greece.", "US", "GR"),
    ],
)
def test_publisher_locale_tips_a_namesake_the_story_leaves_open(
    tagger: RegionTagger, text: str, locale: str | None, country: str
) -> None:
    assert tagger.tag(text, locale=locale).primary_country == country


def test_publisher_locale_alone_tags_nothing(tagger: RegionTagger) -> None:
    assert countries(tagger.tag("The council approved the budget on Tuesday.", locale="US")) == set()


@pytest.mark.parametrize(
    ("text", "subdivision"),
    [
        ("Woman handcuffs self to husband. FAIRFIELD, Conn. -- Police say a woman bit him.", "US-CT"),
        ("Walk planned for victims. CHARLESTON, W.Va. -- The group will host a walk.", "US-WV"),
    ],
)
def test_dateline_right_after_a_headline_tags_where_the_story_is_filed(
    tagger: RegionTagger, text: str, subdivision: str
) -> None:
    assert subdivision in subdivisions(tagger.tag(text))


def test_a_surname_is_no_evidence_for_the_town_it_is_named_after(tagger: RegionTagger) -> None:
    text = "Bingham to offer plan to combat drugs. TORRINGTON — Mayor Ryan Bingham will hold a press conference."
    assert countries(tagger.tag(text)) == {"US"}


@pytest.mark.parametrize(
    "text",
    [
        "Gainesville police arrested two men.",
        "Torrington city officials scheduled two meetings.",
        "Hartford Police Find Guns, Drugs In Raids. Officers seized heroin.",
    ],
)
def test_town_with_readings_in_one_country_only_tags_without_a_state(tagger: RegionTagger, text: str) -> None:
    assert countries(tagger.tag(text)) == {"US"}


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Paris Hilton arrived at the party in Los Angeles.", "FR"),
        ("U.S. special forces backed the Northern Alliance against the Taliban.", "US-OH"),
        ("Kabul Fears Grow In Wake of Attacks", "JP"),
        ("Palestine residents met in Anderson County, Texas.", "PS"),
        ("Capt. Roy A. Nelson said officers responded in Hartford, Connecticut.", "NZ"),
        ("The Texas deputy fired during an incident in Frankston, the Sheriff's Office said.", "AU"),
        ("A counselor at George Washington High School in Charleston, W.Va., spoke.", "ZA"),
        ("She was a fervent believer in God, her mother said at the Alabama church.", "HU"),
        ("Jason Terrell Jones, 23, was arrested in Hartford. Police came from Jones' home.", "PH"),
    ],
)
def test_names_that_only_look_like_places_do_not_tag(tagger: RegionTagger, text: str, absent: str) -> None:
    tags = tagger.tag(text)
    assert absent not in countries(tags) | subdivisions(tags)


def test_mentions_say_which_data_their_reading_came_from(tagger: RegionTagger) -> None:
    mention = next(m for m in tagger.tag("Ministers in Kabul met on Monday.").mentions if m.span.text == "Kabul")
    assert mention.source is not None and mention.source.startswith("geonames:")


@pytest.mark.parametrize("text", ["Cholera spread across Africa this year.", "Bird flu reached Europe and Asia."])
def test_continents_resolve_as_places_without_tagging_a_country(tagger: RegionTagger, text: str) -> None:
    assert [r.place.kind for r in tagger.resolve(text)] and all(
        r.place.kind == "continent" for r in tagger.resolve(text)
    )
    assert tagger.tag(text).countries == ()
    assert tagger.tag(text).mentions == ()


@pytest.mark.parametrize(
    "text",
    [
        "US Backs Northern Alliance In Afghan Talks. Officials met.",
        "U.S. special forces backed the Northern Alliance against the Taliban.",
    ],
)
def test_compass_word_and_town_make_one_name_even_in_a_headline(tagger: RegionTagger, text: str) -> None:
    assert not [m for m in tagger.tag(text).mentions if m.span.text == "Alliance"]


# --- given names used for people ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Proceeds went to the shelter.\nSeated are Sydney McClain and Richard Brown of the club.",
        "The case went to trial.\nStanley Sokolowski, assistant district attorney, spoke.",
        "Mary Travers of the folk group died on Wednesday.\nShe was 72.",
        "The winner was announced.\nAustin said he would donate the prize.",
    ],
)
def test_given_name_before_a_surname_is_a_person(tagger: RegionTagger, text: str) -> None:
    assert tagger.tag(text).countries == ()


def test_given_name_rule_leaves_the_place_elsewhere_in_the_story(tagger: RegionTagger) -> None:
    tags = tagger.tag("Sydney McClain spoke on Tuesday.\nShe flew home to Sydney, Australia, last week.")
    assert [(m.span.text, m.country) for m in tags.mentions] == [("Sydney", "AU"), ("Australia", "AU")]


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("A nurse at a senior center in Austin told reporters she was tired.\nThe clinic reopened.", "US"),
        ("Mark Kitsmore, 54, of Tyler said he was not worried.\nThe camp outside Dallas stayed open.", "US"),
        ("The Austin Police Department said on Monday that the suspect fled.\nNo one was hurt.", "US"),
    ],
)
def test_a_place_that_speaks_or_is_spoken_from_stays_a_place(tagger: RegionTagger, text: str, country: str) -> None:
    assert countries(tagger.tag(text)) == {country}


def test_sea_shadows_the_port_inside_its_name(tagger: RegionTagger) -> None:
    tags = tagger.tag("Pirates seized a tanker in the Gulf of Aden on Tuesday.\nThe navy escorted it home.")
    assert tags.countries == ()


def test_alternate_name_that_is_a_persons_name_is_not_the_town(tagger: RegionTagger) -> None:
    # GeoNames lists "Ahmad" for Kuwait's Al Ahmadi and "Karin" for Erzurum
    tags = tagger.tag("The coach praised the team.\n\"He never had problems,\" Ahmad said. Karin agreed.")
    assert tags.countries == ()


# --- national adjectives that say nothing about where the story is ----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ms. Moayyad spoke only French and Farsi when she moved.\nShe learned fast.",
        "The ads aired in English and Spanish on Tuesday.\nThey ran for a month.",
        "I really like the Italian food, she added.\nThe fair ends Sunday.",
        "The party at McHale's Irish pub spilled onto the street.\nIt lasted all night.",
        "Public Information Officer Monica French said questions arose.\nFrench said the issue was old.",
    ],
)
def test_cuisine_language_and_surnames_tag_no_country(tagger: RegionTagger, text: str) -> None:
    assert tagger.tag(text).countries == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iraqi refugees crossed the border.\nThe Lebanese government said it would help.", {"IQ", "LB"}),
        ("The French said on Tuesday they would send troops.\nOfficials confirmed it.", {"FR"}),
        ("Afghan troops fled across the river.\nThey were disarmed.", {"AF"}),
    ],
)
def test_people_states_and_armies_keep_their_country(tagger: RegionTagger, text: str, expected: set[str]) -> None:
    assert countries(tagger.tag(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("An Argentine judge has ordered the arrest.\nThe court sat late.", {"AR"}),
        ("Young Algerians blocked roads leading to the centre.\nPolice watched.", {"DZ"}),
        ("Shells hit buildings on Sunday, Palestinian officials said.\nNobody was hurt.", {"PS"}),
    ],
)
def test_a_word_before_a_demonym_is_not_taken_for_a_given_name(
    tagger: RegionTagger, text: str, expected: set[str]
) -> None:
    assert countries(tagger.tag(text)) == expected
