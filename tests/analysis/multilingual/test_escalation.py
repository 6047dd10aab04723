"""Escalation in es, fr, ru, uk and ar: the same English kinds, from rules kept as data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashpoint.analysis.multilingual.pack import Multilingual

PUBLISHED = datetime(2026, 11, 30, tzinfo=UTC)


def signals(multilingual: Multilingual, language: str, text: str) -> list[tuple[str, str, int | None]]:
    found = multilingual.pack(language).analyze(text, PUBLISHED).signals
    return [(s.signal.kind, s.signal.modality, s.fatalities) for s in found]


def kinds(multilingual: Multilingual, language: str, text: str) -> set[str]:
    return {k for k, _m, _f in signals(multilingual, language, text)}


@pytest.mark.parametrize(("language", "text", "kind"), [
    ("es", "Combates entre el ELN y el Clan del Golfo dejaron cinco muertos en el sur de Bolívar.", "armed_clash"),
    ("es", "Hombres armados asesinaron a un líder social en Tumaco.", "attack"),
    ("es", "Un carro bomba explotó frente a la brigada del Ejército en Cúcuta.", "bombing"),
    ("es", "Disidencias atacaron con drones la estación de policía de Jamundí.", "air_strike"),
    ("es", "El ELN secuestró a un ingeniero de una empresa petrolera en Pelaya, Cesar.", "abduction"),
    ("fr", "Des jihadistes ont tendu une embuscade à une patrouille de l'armée, tuant dix soldats.", "armed_clash"),
    ("fr", "Les rebelles du M23 ont pris le contrôle de la ville de Rubaya.", "territory_seized"),
    ("fr", "Une frappe de drone a tué cinq civils dans un marché.", "air_strike"),
    ("ru", "В результате ракетного удара по Харькову погибли три человека.", "shelling"),
    ("ru", "Силы ПВО сбили восемь беспилотников.", "intercepted"),
    ("uk", "Сили оборони звільнили село Роботине в Запорізькій області.", "territory_regained"),
    ("uk", "Російські окупанти захопили село Новоселівка на Донеччині.", "territory_seized"),
    ("ar", "اندلعت اشتباكات عنيفة بين الجيش السوداني وقوات الدعم السريع في الفاشر.", "armed_clash"),
    ("ar", "شنت طائرات حربية غارات جوية على مدينة إدلب.", "air_strike"),
    ("ar", "انفجرت عبوة ناسفة بدورية للشرطة في بنغازي.", "bombing"),
])
def test_each_language_reports_the_english_kind(
    multilingual: Multilingual, language: str, text: str, kind: str
) -> None:
    assert kind in kinds(multilingual, language, text)


@pytest.mark.parametrize(("language", "text"), [
    ("es", "El Real Madrid lanzó un ataque demoledor y ganó el partido con dos goles."),
    ("es", "El presidente lanzó una ofensiva política en el Congreso y atacó a la oposición."),
    ("es", "Miles de personas marcharon pacíficamente en Bogotá contra la reforma."),
    ("fr", "Le constructeur lance une offensive commerciale en Afrique de l'Ouest."),
    ("fr", "Le PSG a lancé une attaque éclair et a marqué deux buts."),
    ("ru", "Центробанк провел атаку на инфляцию, повысив ключевую ставку."),
    ("ru", "Футболисты «Спартака» провели яркую атаку и забили два гола."),
    ("uk", "Футболісти «Динамо» провели гостру атаку і забили два голи."),
    ("ar", "سجل ريال مدريد هدفاً في هجمة مرتدة سريعة."),
])
def test_look_alikes_in_sport_business_and_politics_raise_nothing(
    multilingual: Multilingual, language: str, text: str
) -> None:
    assert kinds(multilingual, language, text) == set()


@pytest.mark.parametrize(("language", "text"), [
    ("es", "El Gobierno y el ELN firmaron un acuerdo para poner fin a los combates en el Catatumbo."),
    ("fr", "Les belligérants ont signé un accord de cessez-le-feu pour mettre fin aux combats."),
    ("ru", "Стороны подписали соглашение о прекращении огня, чтобы остановить бои."),
    ("ar", "وقعت الحكومة والفصائل المسلحة اتفاقاً لوقف إطلاق النار وإنهاء الاشتباكات."),
])
def test_an_agreement_in_the_clause_stops_violent_kinds(multilingual: Multilingual, language: str, text: str) -> None:
    assert kinds(multilingual, language, text) == set()


def test_a_negated_event_raises_nothing(multilingual: Multilingual) -> None:
    text = "Transportadores bloquearon vías en Cali, sin que se registraran disturbios."
    assert kinds(multilingual, "es", text) == set()


@pytest.mark.parametrize(("language", "text", "modality"), [
    ("es", "El ELN negó haber atacado la base militar de Saravena.", "denied"),
    ("es", "Las disidencias amenazaron con atacar las estaciones de policía del Cauca.", "threatened"),
    ("fr", "L'armée a démenti avoir bombardé un mariage dans la région de Tombouctou.", "denied"),
    ("ru", "Кремль опроверг сообщения о подготовке новой волны мобилизации.", "denied"),
])
def test_modality_follows_each_language(multilingual: Multilingual, language: str, text: str, modality: str) -> None:
    assert modality in {m for _k, m, _f in signals(multilingual, language, text)}


@pytest.mark.parametrize(("language", "text", "fatalities"), [
    ("es", "Cinco personas fueron asesinadas en una masacre en zona rural de Tumaco.", 5),
    ("fr", "Au moins douze soldats ont été tués dans une attaque jihadiste.", 12),
    ("ru", "Боевики напали на блокпост, убив пятерых военнослужащих.", 5),
    ("uk", "Унаслідок ракетного удару по Харкову загинули троє людей, ще 12 поранені.", 3),
    ("ar", "قُتل خمسة جنود وأصيب ثلاثة آخرون في هجوم شنه مسلحون.", 5),
])
def test_fatalities_are_read_from_numbers_written_in_words(
    multilingual: Multilingual, language: str, text: str, fatalities: int
) -> None:
    assert fatalities in {f for _k, _m, f in signals(multilingual, language, text)}


def test_an_earlier_year_makes_the_event_background(multilingual: Multilingual) -> None:
    found = multilingual.pack("uk").analyze(
        "У 2022 році російська авіабомба зруйнувала драмтеатр у Маріуполі, загинули сотні людей.", PUBLISHED
    ).signals
    assert found and all(s.signal.when == "background" and s.signal.severity == "none" for s in found)


def test_evidence_is_the_original_wording(multilingual: Multilingual) -> None:
    text = "Disidencias atacaron con drones la estación de policía de Jamundí."
    signal = multilingual.pack("es").analyze(text).signals[0].signal
    assert signal.kind == "air_strike"
    assert text[signal.evidence.start:signal.evidence.end] == signal.evidence.text
    assert "drones" in signal.evidence.text


def test_a_foreign_army_taking_a_village_seizes_it(multilingual: Multilingual) -> None:
    found = multilingual.pack("ru").analyze("Российские войска заняли село Новоселовка в Донецкой области.").signals
    assert [(s.signal.kind, s.signal.country) for s in found] == [("territory_seized", "UA")]


def test_two_armed_sides_make_a_clash_and_armed_men_against_civilians_an_attack(multilingual: Multilingual) -> None:
    clash = "Guerrilleros del ELN atacaron una patrulla del Ejército en Arauca."
    assert kinds(multilingual, "es", clash) == {"armed_clash"}
    assert kinds(multilingual, "es", "Hombres armados atacaron a un grupo de campesinos en Arauca.") == {"attack"}
