"""Each error class of issue 17, on short wire sentences through the whole analysis: actors,
figures of speech, numbers that are not quantities, time, missed events, and where events happen.
Each of these failed before typed actors, ACLED's decisions and event time were built."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.models import Analysis, RawArticle, Signal

PUBLISHED = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load(source_profiles=False)


def analyze(analyzer: Analyzer, text: str, published: datetime = PUBLISHED) -> Analysis:
    return analyzer.analyze(RawArticle(id="t", text=text, published_at=published), published)


def kinds(analyzer: Analyzer, text: str) -> set[str]:
    return {s.kind for s in analyze(analyzer, text).signals}


def one(analyzer: Analyzer, text: str, kind: str) -> Signal:
    found = [s for s in analyze(analyzer, text).signals if s.kind == kind]
    assert found, f"no {kind} in {text!r}"
    return found[0]


# ---------------------------------------------------------------- actors decide the kind

def test_security_forces_clashing_with_protesters_is_a_protest_event_not_a_clash(
    analyzer: Analyzer,
) -> None:
    found = kinds(analyzer, "Security forces clashed with protesters in Nairobi on Monday, "
                            "firing live rounds at the crowds and killing three.")
    assert "armed_clash" not in found and "protest_violence" in found


def test_police_breaking_up_a_protest_with_tear_gas_raise_no_signal(analyzer: Analyzer) -> None:
    # ACLED's "protest with intervention": no deaths, no live fire, no arson
    found = kinds(analyzer, "Riot police clashed with protesters in Tbilisi overnight, using "
                            "tear gas and water cannon; dozens were detained.")
    assert not found


def test_a_clash_names_both_armed_sides_with_their_types(analyzer: Analyzer) -> None:
    s = one(analyzer, "Malian soldiers clashed with jihadist fighters near Boni on Tuesday.",
            "armed_clash")
    assert {a.type for a in s.actors} == {"state_forces", "non_state_armed_group"}


def test_armed_men_killing_villagers_is_an_attack_on_civilians(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Gunmen killed 14 villagers in an attack on a village in Kaduna state.")
    assert "attack" in found and "armed_clash" not in found


def test_government_troops_capturing_a_neighbourhood_regain_it(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Government troops captured the neighbourhood of Dar Saad in Aden "
                            "from separatist fighters on Thursday.")
    assert "territory_regained" in found and "territory_seized" not in found


def test_foreign_forces_capturing_a_village_seize_it(analyzer: Analyzer) -> None:
    s = one(analyzer, "Russian forces captured the village of Novoselivka in Ukraine's Donetsk "
                      "region on Tuesday.", "territory_seized")
    assert s.actors[0].type == "foreign_forces"


def test_warplanes_striking_a_depot_held_by_rebels_is_not_a_territory_change(
    analyzer: Analyzer,
) -> None:
    found = kinds(analyzer, "Government warplanes destroyed an arms depot captured by the rebels "
                            "near the town of Masyaf.")
    assert "air_strike" in found and not found & {"territory_seized", "territory_regained"}


def test_a_mutiny_that_ended_by_agreement_is_not_a_desertion(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "A mutiny at a military camp outside Conakry ended on Wednesday after "
                            "the soldiers reached an agreement with the government.")
    assert "desertion" not in found


def test_a_prisoner_exchange_between_rebels_and_the_army_is_not_a_clash(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Rebels and government forces exchanged 150 prisoners on Thursday, "
                            "months after clashes between the two sides.")
    assert "armed_clash" not in found


def test_an_offensive_by_a_rwanda_backed_group_in_congo_has_the_group_as_actor(
    analyzer: Analyzer,
) -> None:
    s = one(analyzer, "Rwanda-backed M23 rebels launched a new offensive inside Congo on Monday.",
            "offensive")
    assert s.actor == "M23"


# ---------------------------------------------------------------- figures of speech

@pytest.mark.parametrize("text", [
    "We are on the offensive in digital industries, the chief executive told analysts.",
    "Arsenal stormed to a 4-1 win as Saka led the attack and fired two shots into the net.",
    "The two candidates clashed in a televised debate as the challenger went on the offensive.",
    "Rival bidders were fighting over the company as the board fought off a hostile takeover.",
])
def test_figurative_uses_in_business_sport_and_politics_raise_no_signal(
    analyzer: Analyzer, text: str
) -> None:
    assert analyze(analyzer, text).signals == ()


# ---------------------------------------------------------------- numbers that are not quantities

def test_an_age_limit_is_not_the_size_of_a_mobilisation(analyzer: Analyzer) -> None:
    s = one(analyzer, "Russia ordered the mobilisation of reservists under the age of 60 on "
                      "Wednesday.", "mobilization")
    assert s.quantity is None


@pytest.mark.parametrize("text", [
    "Authorities imposed a curfew from 6 a.m. Thursday.",
    "Authorities declared a curfew from 6 in the evening until dawn in Khartoum.",
])
def test_a_clock_time_is_not_a_quantity(analyzer: Analyzer, text: str) -> None:
    assert one(analyzer, text, "state_of_emergency").quantity is None


def test_tens_of_thousands_is_a_lower_bound_marked_approximate(analyzer: Analyzer) -> None:
    s = one(analyzer, "Russia has massed tens of thousands of troops near its border with "
                      "Ukraine.", "troop_buildup")
    assert (s.quantity, s.approximate) == (10000, True)


def test_fatalities_are_the_dead_of_the_event_separate_from_the_quantity(
    analyzer: Analyzer,
) -> None:
    s = one(analyzer, "A suicide bomber killed at least 12 people at a checkpoint in Mogadishu.",
            "bombing")
    assert s.fatalities == 12


# ---------------------------------------------------------------- time

def test_fleeing_in_the_past_48_hours_is_current_news(analyzer: Analyzer) -> None:
    s = one(analyzer, "More than 40,000 people had fled their homes in eastern Congo in the past "
                      "48 hours, the U.N. said.", "mass_displacement")
    assert (s.modality, s.when) == ("asserted", "current") and s.severity != "none"


def test_a_capture_restated_as_background_is_background_and_the_new_one_current(
    analyzer: Analyzer,
) -> None:
    an = analyze(analyzer, "M23 rebels took control of the town of Kamanyola on Monday. The "
                           "rebels, who captured Goma in January last year, met little resistance.")
    seized = sorted((s.when, s.severity == "none") for s in an.signals
                    if s.kind == "territory_seized")
    assert seized == [("background", True), ("current", False)]


def test_only_current_and_recent_events_raise_the_article_severity(analyzer: Analyzer) -> None:
    an = analyze(analyzer, "Islamic State fighters seized the city of Mosul in June 2014.")
    assert an.severity == "none"


# ---------------------------------------------------------------- events missed before

@pytest.mark.parametrize(("kind", "text"), [
    ("armed_clash", "Gunfire erupted between rival militias in Tripoli overnight, leaving four "
                    "people dead."),
    ("border_closure", "Sudan closed Khartoum airport on Sunday as fighting spread across the "
                       "capital."),
    ("border_closure", "Several airlines suspended flights to Tel Aviv after a missile attack near "
                       "the city's airport."),
    ("diplomatic_closure", "The U.S. Embassy in Beirut suspended routine consular services on "
                           "Monday."),
    ("evacuation", "The embassy told its citizens to leave Lebanon while commercial flights remain "
                   "available."),
])
def test_events_missed_before_are_found(analyzer: Analyzer, kind: str, text: str) -> None:
    assert kind in kinds(analyzer, text)


def test_gunfire_with_four_killed_carries_its_toll(analyzer: Analyzer) -> None:
    s = one(analyzer, "Gunfire erupted between rival militias in Tripoli overnight, leaving four "
                      "people dead.", "armed_clash")
    assert s.fatalities == 4


# ---------------------------------------------------------------- where events happen

def test_an_embassy_closed_abroad_happens_where_the_embassy_is(analyzer: Analyzer) -> None:
    an = analyze(analyzer, "Germany closes embassy in Niamey")
    s = next(s for s in an.signals if s.kind == "diplomatic_closure")
    assert (s.actor, s.country, an.regions.primary_country) == ("DE", "NE", "NE")


# ---------------------------------------------------------------- how ACLED notes phrase events

@pytest.mark.parametrize(("kind", "text"), [
    ("territory_regained", "The army took back the town of Damboa from Boko Haram on Sunday."),
    ("territory_regained", "The army announced the recapture of the town of Palmyra from "
                           "Islamic State."),
    ("territory_seized", "The capture of Goma by M23 rebels forced thousands to flee."),
    ("armed_clash", "Troops launched an operation against al Shabaab militants in Lower "
                    "Shabelle, killing 12 militants."),
    ("armed_clash", "Security forces killed five militants in a raid on a hideout in Diyala."),
    ("shelling", "Houthi forces attacked Marib city with ballistic missiles, killing seven "
                 "civilians."),
])
def test_acled_note_phrasings_name_the_kind(analyzer: Analyzer, kind: str, text: str) -> None:
    assert kind in kinds(analyzer, text)


def test_the_weapon_decides_an_attack_with_missiles(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Houthi forces attacked Marib city with ballistic missiles, killing "
                            "seven civilians.")
    assert "attack" not in found
