"""The English subdivision-name table is built from two maintained sources; these check its rules
on small hand-made inputs (the real build needs the build-time packages)."""

from __future__ import annotations

from flashpoint.tools.gazetteer_build import english_subdivision_names


def test_english_names_come_from_the_eng_tags_and_keep_short_forms() -> None:
    iso = {"CD-NK": {"name": "Nord-Kivu", "localOtherName": "North Kivu (eng), Jimbo la Kivu Kaskazini (swa)"}}
    names = english_subdivision_names(iso, {"CD-NK": ["Nord-Kivu", "Kivu ya Node", "North Kivu"]})["CD-NK"]
    assert {"North Kivu", "Kivu Nord"} <= set(names)
    assert "Kivu ya Node" not in names


def test_epithets_and_generic_names_are_dropped() -> None:
    iso = {
        "NG-BO": {"name": "Borno", "localOtherName": "Home of Peace (eng)"},
        "IL-D": {"name": "Al Janubi", "localOtherName": "Southern (eng)"},
    }
    table = english_subdivision_names(iso, {"NG-BO": ["Borno", "Borno State"]})
    assert "Home of Peace" not in table["NG-BO"] and "Borno" in table["NG-BO"]
    assert "Southern" not in table.get("IL-D", [])


def test_an_abbreviation_must_spell_the_initials_of_a_name() -> None:
    iso = {"PK-KP": {"name": "Khyber Pakhtunkhwa", "localOtherName": "Khyber Pakhtunkhwa (eng), KP (eng), PB (eng)"}}
    names = english_subdivision_names(iso, {})["PK-KP"]
    assert "KP" in names and "PB" not in names


def test_a_geonames_name_with_an_english_admin_word_gives_its_bare_form() -> None:
    names = english_subdivision_names({}, {"IQ-NI": ["Ninawa", "Nineveh Governorate", "Neynəvə mühafəzəsi"]})["IQ-NI"]
    assert {"Nineveh Governorate", "Nineveh"} <= set(names)
