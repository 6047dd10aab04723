from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from flashpoint.analysis.language import identify_language, text_script
from flashpoint.analysis.models import RawArticle
from flashpoint.analysis.multilingual.analysis import analyze_other_language, looks_english, route
from flashpoint.analysis.multilingual.pack import Multilingual

NOW = datetime(2026, 11, 30, tzinfo=UTC)


@pytest.mark.parametrize(("text", "language", "script"), [
    ("Al menos cinco soldados murieron en un ataque atribuido a disidencias en zona rural del Cauca.", "es", "Latn"),
    ("Au moins douze soldats ont été tués dans une attaque jihadiste dans l'ouest du Niger.", "fr", "Latn"),
    ("Российские войска обстреляли Харьков, погибли три человека, сообщил глава области.", "ru", "Cyrl"),
    ("Російські війська обстріляли Харків, загинули троє людей, повідомив голова області.", "uk", "Cyrl"),
    ("قتل خمسة جنود في هجوم شنه مسلحون على نقطة تفتيش في محافظة ديالى شرقي العراق.", "ar", "Arab"),
    ("At least five soldiers were killed in an attack on a checkpoint in Diyala province.", "en", "Latn"),
])
def test_news_sentences_are_identified_with_their_script(text: str, language: str, script: str) -> None:
    guess = identify_language(text)
    assert (guess.language, guess.script) == (language, script)


def test_a_short_spanish_sentence_read_as_aragonese_goes_to_spanish() -> None:
    # the model ranks Aragonese first for this one; Spanish is close behind and is analysed
    guess = identify_language("El ELN atacó con explosivos un oleoducto y una patrulla militar en Arauquita, Arauca.")
    assert guess.language == "es"


def test_a_feed_declared_language_is_used_only_when_the_text_is_too_short() -> None:
    assert identify_language("Kyiv", declared="uk-UA").language == "uk"
    spanish = "Dos soldados murieron en un ataque con explosivos en el Cauca."
    assert identify_language(spanish, declared="en").language == "es"


@pytest.mark.parametrize("headline", [
    "Tanker explosion kills 70 in northern Nigeria",
    "Thousands march in Nairobi against femicide",
    "Nigerian troops recaptured Gubio from Boko Haram.",
])
def test_a_short_english_headline_read_as_nigerian_pidgin_goes_to_english(headline: str) -> None:
    # the model ranks Nigerian Pidgin (English-lexified, not analysed) first for these, and
    # Igbo before English for the last one
    assert route(RawArticle(id="x", text=headline), headline).language == "en"


def test_english_with_many_names_is_kept_english() -> None:
    text = "The army said that the attack on the base in Kandahar was carried out by the Taliban on Monday."
    assert looks_english(text)
    assert route(RawArticle(id="x", text=text), text).language == "en"


def test_text_script_is_the_script_of_most_letters() -> None:
    assert text_script("ЗСУ звільнили село (UA-14)") == "Cyrl"
    assert text_script("12345 --") is None


def test_an_unanalysed_language_passes_through_with_its_language_and_no_tags(multilingual: Multilingual) -> None:
    text = ("Almeno cinque soldati sono morti in un attacco contro un posto di blocco nel nord del paese, "
            "ha detto l'esercito.")
    article = RawArticle(id="it-1", text=text)
    guess = route(article, text)
    analysis, regions = analyze_other_language(multilingual, article, text, guess, NOW, {})
    assert analysis.language == "it"
    assert analysis.script == "Latn"
    assert (analysis.signals, analysis.topics, regions.countries) == ((), (), ())
    assert analysis.severity == "none"


@pytest.fixture(scope="module")
def english_word() -> Callable[[str], bool]:
    from flashpoint.analysis.nlp import load_model
    from flashpoint.analysis.regions import RegionTagger

    return RegionTagger(load_model()).knowledge.ordinary_word


@pytest.mark.parametrize(
    "headline",
    [
        "M23 rebels seize eastern Congo town",  # West Frisian to the character model
        "Israeli strikes kill 25 in Gaza",  # Estonian
        "Sudan army retakes Wad Madani",  # Central Bikol
        "Arakan Army captures Buthidaung",  # Malay: half the words are names
        "Fano militia captures Gondar",  # Latin
    ],
)
def test_a_headline_of_english_dictionary_words_goes_to_english(
    headline: str, english_word: Callable[[str], bool]
) -> None:
    assert route(RawArticle(id="h", text=headline), headline, english_word).language == "en"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Rebellen veroveren stad in oostelijk Congo", "nl"),
        ("Soldados atacan una base militar en el Cauca", "es"),
        ("Les rebelles attaquent Goma et Bukavu", "fr"),
        ("Bundeswehr verlegt Truppen nach Litauen", "de"),
        ("Armee erobert Stadt Bachmut", "de"),
        # WordNet knows "base", "en", "la", "de": without its names it would be two-thirds English
        ("Disidencias atacan base militar en Cauca", "es"),
        ("Disidencias lanzaron explosivos contra la base militar de Argelia", "es"),
        ("Exército retoma Palma em Moçambique", "pt"),
    ],
)
def test_a_short_text_in_another_language_keeps_its_language(
    text: str, language: str, english_word: Callable[[str], bool]
) -> None:
    assert route(RawArticle(id="h", text=text), text, english_word).language == language


def test_plainly_english_text_is_english_without_asking_the_model() -> None:
    # the caller's English rule settles it: the model's answer could not change the route
    spanish = "Dos soldados murieron en un ataque con explosivos en el Cauca, dijo el ejército."
    guess = identify_language(spanish, plainly_english=lambda _text: True)
    assert (guess.language, guess.script, guess.source) == ("en", "Latn", "text")
    assert identify_language(spanish, plainly_english=lambda _text: False).language == "es"


@pytest.mark.parametrize("text", [
    "The army said that the attack on the base in Kandahar was carried out by the Taliban on Monday.",
    "Nigerian troops recaptured Gubio from Boko Haram.",
    "Al menos cinco soldados murieron en un ataque atribuido a disidencias en zona rural del Cauca.",
    "Российские войска обстреляли Харьков, погибли три человека, сообщил глава области.",
    "Kyiv",
])
def test_routing_skips_the_model_only_where_it_would_not_change_the_answer(text: str) -> None:
    article = RawArticle(id="x", text=text)
    guess = identify_language(text)
    routed = route(article, text)
    if guess.language == "en" or looks_english(text):
        assert routed.language == "en"
    assert (routed.script, routed.source) == (guess.script, guess.source)
