"""The gazetteer files: valid lexicons with unique ids, generated data present, matcher boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashpoint.analysis.gazetteer import (
    ALIASES_LEXICON,
    DEMONYMS_LEXICON,
    M49_LEXICON,
    STOPLIST_LEXICON,
    Gazetteer,
    default_gazetteer,
    haversine_km,
)
from flashpoint.analysis.gazetteer_layers import MACRO_LEXICON, ORGANISATIONS_LEXICON
from flashpoint.analysis.lexicon import lexicon_path, read_records, validate_records
from flashpoint.analysis.names import fold
from flashpoint.analysis.regions import CUES_LEXICON, EVIDENCE_LEXICON, load_country_evidence, load_region_cues
from flashpoint.errors import LexiconError

LEXICONS = [
    ALIASES_LEXICON,
    DEMONYMS_LEXICON,
    STOPLIST_LEXICON,
    M49_LEXICON,
    CUES_LEXICON,
    EVIDENCE_LEXICON,
    MACRO_LEXICON,
    ORGANISATIONS_LEXICON,
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


@pytest.mark.parametrize("name", LEXICONS)
def test_region_lexicons_have_unique_kebab_case_ids(name: str) -> None:
    records = validate_records(read_records(lexicon_path(name)), required={})
    assert records


def test_ids_are_unique_across_region_lexicons() -> None:
    ids = [r.id for name in LEXICONS for r in read_records(lexicon_path(name))]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", [ALIASES_LEXICON, DEMONYMS_LEXICON])
def test_every_gazetteer_entry_names_a_known_country(gazetteer: Gazetteer, name: str) -> None:
    for rec in read_records(lexicon_path(name)):
        if rec.data.get("kind") == "continent":  # seas and lakes: a point, deliberately no country
            assert rec.data["country"] == "" and rec.data.get("lat") is not None, rec.id
            continue
        assert rec.data["country"] in gazetteer.countries, rec.id


def test_seas_shadow_the_country_in_their_name(gazetteer: Gazetteer) -> None:
    found = list(gazetteer.iter_matches("Oil reached the Gulf of Mexico; boats left Lake Chad."))
    assert [(m.alias, {p.kind for p in m.places}) for m in found] == [
        ("Gulf of Mexico", {"continent"}),
        ("Lake Chad", {"continent"}),
    ]


def test_saint_and_st_are_one_town(gazetteer: Gazetteer) -> None:
    pairs = (("St. Paul", "Saint Paul"), ("St. Petersburg", "Saint Petersburg"), ("Ft. Worth", "Fort Worth"))
    for short, full in pairs:
        towns = {(p.country, p.subdivision) for p in gazetteer.by_name[full] if p.kind in ("city", "capital")}
        assert towns and {(p.country, p.subdivision) for p in gazetteer.by_name[short]} >= towns


def test_alias_with_unknown_kind_fails_with_file_and_line(tmp_path: Path) -> None:
    for name in LEXICONS:
        (tmp_path / name).write_text(lexicon_path(name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ALIASES_LEXICON).write_text(
        "entries:\n  - {id: bad-entry, kind: planet, country: AF, names: [Mars]}\n", encoding="utf-8"
    )
    with pytest.raises(LexiconError, match=r"regions-aliases.yaml:2: .*unknown kind"):
        Gazetteer(lexicon_dir=tmp_path)


@pytest.mark.parametrize(("raw", "folded"), [("Badakhshān", "Badakhshan"), ("Côte d'Ivoire", "Cote d'Ivoire")])
def test_fold_removes_accents_and_keeps_length(raw: str, folded: str) -> None:
    assert fold(raw) == folded
    assert len(fold(raw)) == len(raw)


@pytest.mark.parametrize("raw", ["“Sud-Kivu” — Bukavu’s ﬁrst Ⅻ day 😀 é é", "ascii only", "\ud800 surrogate é", ""])
def test_fold_folds_each_character_on_its_own(raw: str) -> None:
    # one character at a time, as the gazetteer was built: whole texts must fold the same way
    assert fold(raw) == "".join(fold(ch) for ch in raw)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Kabul and Kandahar", ["Kabul", "Kandahar"]),
        ("Kabulistan", []),
        ("New York City police", ["New York City"]),
        ("in the U.S. today", ["U.S."]),
        ("Afghanistan's army", ["Afghanistan"]),
    ],
)
def test_matcher_finds_whole_names_longest_first(gazetteer: Gazetteer, text: str, names: list[str]) -> None:
    assert [m.alias for m in gazetteer.iter_matches(text)] == names


def test_m49_chain_for_afghanistan_is_southern_asia_then_asia(gazetteer: Gazetteer) -> None:
    assert [r.code for r in gazetteer.m49_for("AF")] == ["034", "142"]


def test_every_country_has_an_m49_subregion(gazetteer: Gazetteer) -> None:
    missing = [cc for cc, info in gazetteer.countries.items() if info.m49_subregion not in gazetteer.m49_by_name]
    assert len(missing) <= 5, missing  # Antarctica-like territories may lack one


def test_badakhshan_is_a_first_level_subdivision_of_afghanistan(gazetteer: Gazetteer) -> None:
    places = gazetteer.by_name["Badakhshan"]
    assert any(p.subdivision == "AF-BDS" and p.kind == "subdivision" for p in places)


def test_us_cities_carry_their_state(gazetteer: Gazetteer) -> None:
    assert any(p.subdivision == "US-LA" for p in gazetteer.by_name["Alexandria"])


def test_haversine_between_kabul_and_kunduz_is_about_250_km() -> None:
    assert 230 < haversine_km(34.53, 69.17, 36.73, 68.86) < 270


def test_region_cues_load_every_role() -> None:
    cues = load_region_cues()
    assert "in" in cues.locative and "said" in cues.speech_verbs and "Sheriff" in cues.honorifics


def test_cue_with_unknown_role_fails_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / CUES_LEXICON
    path.write_text("entries:\n  - {id: odd-cue, role: mood, words: [happily]}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"regions-cues.yaml:2: .*unknown role"):
        load_region_cues(path)


def test_country_evidence_entries_name_known_countries(gazetteer: Gazetteer) -> None:
    evidence = load_country_evidence()
    assert evidence
    assert all(ev.country in gazetteer.countries for ev in evidence)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("the Sheriff's Office said", "US"),
        ("traffic on Interstate 95 was slow", "US"),
        ("the aldermen approved it", "US"),
        ("an NHS trust said", "GB"),
        ("the fare rose to £4", "GB"),
    ],
)
def test_country_evidence_matches_local_wording(text: str, country: str) -> None:
    assert {ev.country for ev in load_country_evidence() if ev.found_in(text)} == {country}


def test_evidence_with_a_bad_pattern_fails_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / EVIDENCE_LEXICON
    path.write_text("entries:\n  - {id: bad-evidence, country: US, patterns: ['(unclosed']}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"regions-evidence.yaml:2: .*bad pattern"):
        load_country_evidence(path)


def test_continents_are_places_with_a_point_and_no_country(gazetteer: Gazetteer) -> None:
    (africa,) = gazetteer.by_name["Africa"]
    assert (africa.kind, africa.country) == ("continent", "")
    assert africa.lat is not None and africa.lon is not None


def test_country_points_are_map_centres_not_town_means(gazetteer: Gazetteer) -> None:
    centroid = gazetteer.countries["CA"].centroid
    assert centroid is not None and centroid[0] > 55  # Canada's towns average near the US border


def test_canadian_towns_carry_their_province(gazetteer: Gazetteer) -> None:
    assert any(p.subdivision == "CA-AB" for p in gazetteer.by_name["Calgary"])


def test_macro_region_with_an_unknown_member_fails_with_file_and_line(tmp_path: Path) -> None:
    for name in LEXICONS:
        (tmp_path / name).write_text(lexicon_path(name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / MACRO_LEXICON).write_text(
        "entries:\n  - {id: macro-atlantis, names: [Atlantis], members: [QQ]}\n", encoding="utf-8"
    )
    with pytest.raises(LexiconError, match=r"regions-macro.yaml:2: .*unknown members"):
        Gazetteer(lexicon_dir=tmp_path)


def test_macro_regions_and_organisations_have_no_country_reading_of_their_own(gazetteer: Gazetteer) -> None:
    for name in ("Latin America", "Horn of Africa", "Kurdistan", "Donbas"):
        assert {p.kind for p in gazetteer.by_name[name]} == {"macro"}, name
    for name in ("Real Madrid", "Emirates", "Bayern"):
        assert all(p.needs_evidence for p in gazetteer.by_name[name]), name
