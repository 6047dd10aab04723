"""Regions in es, fr, ru, uk and ar: generated names, inflection, clitics, and the story's support."""

from __future__ import annotations

import pytest

from flashpoint.analysis.multilingual.pack import Multilingual


def tags(multilingual: Multilingual, language: str, text: str) -> tuple[set[str], set[str]]:
    regions = multilingual.pack(language).analyze(text).regions
    return {c.code for c in regions.countries}, {s.code for s in regions.subdivisions}


@pytest.mark.parametrize(("language", "text", "subdivision"), [
    ("ru", "Обстрел в Донецкой области продолжался всю ночь.", "UA-14"),
    ("ru", "Делегация прибыла из Киева утром.", "UA-30"),
    ("uk", "Вибухи пролунали у Києві та на Харківщині.", "UA-30"),
    ("uk", "Обстріл Запорізької області тривав годину.", "UA-23"),
    ("ar", "وصل الوفد إلى بغداد صباحا.", "IQ-BG"),
    ("ar", "وبغداد تستعد للانتخابات.", "IQ-BG"),
    ("ar", "انفجار في بَغْدَادَ.", "IQ-BG"),
    ("es", "La reunión se celebró en Popayán, capital del Cauca.", "CO-CAU"),
    ("fr", "Les combats ont repris dans le Nord-Kivu.", "CD-NK"),
])
def test_inflected_cliticised_and_vowelled_names_find_their_subdivision(
    multilingual: Multilingual, language: str, text: str, subdivision: str
) -> None:
    assert subdivision in tags(multilingual, language, text)[1]


def test_a_colombian_armed_group_places_a_sentence_in_colombia(multilingual: Multilingual) -> None:
    assert tags(multilingual, "es", "Disidencias de las FARC atacaron una patrulla durante la noche.")[0] == {"CO"}


def test_a_village_takes_the_department_named_after_it(multilingual: Multilingual) -> None:
    # Argelia is also Spanish for Algeria, and three Colombian departments have an Argelia
    countries, subdivisions = tags(multilingual, "es", "El ataque ocurrió en zona rural de Argelia, Cauca.")
    assert (countries, subdivisions) == ({"CO"}, {"CO-CAU"})


def test_a_village_tags_only_with_support_from_the_story(multilingual: Multilingual) -> None:
    assert tags(multilingual, "es", "El festival de Saravena reunió a cientos de músicos.") == (set(), set())
    assert tags(multilingual, "es", "El ELN atacó la base militar de Saravena.") == ({"CO"}, {"CO-ARA"})


def test_a_club_named_after_a_city_tags_nothing(multilingual: Multilingual) -> None:
    assert tags(multilingual, "es", "El Real Madrid ganó el partido con dos goles.") == (set(), set())


def test_a_neighbourhood_named_after_a_country_is_not_that_country(multilingual: Multilingual) -> None:
    countries, _ = tags(multilingual, "es", "Un joven fue herido en el barrio Panamá de Tumaco, Nariño.")
    assert "PA" not in countries


def test_a_demonym_naming_a_language_tags_nothing(multilingual: Multilingual) -> None:
    assert tags(multilingual, "es", "El comunicado fue publicado en ruso y en inglés.")[0] == set()


def test_a_common_arabic_word_that_is_also_a_town_tags_nothing(multilingual: Multilingual) -> None:
    # "كان" (was) is an Arabic name of Cannes; "مدينة" (city) one of Medina
    assert tags(multilingual, "ar", "كان الوضع هادئا في مدينة كبيرة.")[0] == set()
