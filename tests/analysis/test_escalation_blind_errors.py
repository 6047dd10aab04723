"""The error classes found on the blind development set (tests/fixtures/escalation/
blind-devset.jsonl), each on sentences written for the test (not taken from the set): words that
wrongly excluded real events, actors the role checks did not know, places the gazetteer does not
know, ways of reporting each kind that no rule read, and look-alikes that fired."""

from __future__ import annotations

import pytest

from flashpoint.analysis.analyzer import Analyzer
from tests.analysis.escalation_support import analyzer, kinds, signals

__all__ = ["analyzer"]  # the shared module-scoped fixture


# ---------------------------------------------------------------- one stray word excluded events

@pytest.mark.parametrize(("text", "kind"), [
    ("Unknown assailants threw a grenade into a restaurant in Kumba, wounding several customers.",
     "bombing"),
    ("A rocket fired from Lebanon hit a football pitch in the Golan Heights, killing ten children.",
     "shelling"),
    ("Rebels captured most of Hama in a lightning offensive, a war monitor said.",
     "territory_seized"),
    ("The army used chlorine gas against rebel positions near the oil refinery, sources said.",
     "chemical_weapons"),
])
def test_one_weak_exclusion_word_does_not_drop_an_armed_event(analyzer: Analyzer, text: str,
                                                               kind: str) -> None:
    assert kind in kinds(analyzer, text)


def test_a_disaster_with_soldiers_rescuing_people_stays_calm(analyzer: Analyzer) -> None:
    text = ("Floods forced 30,000 people from their homes, and the army was deployed to help "
            "evacuate residents from submerged villages.")
    assert "mass_displacement" not in kinds(analyzer, text)


# ---------------------------------------------------------------- territory

def test_a_named_army_regaining_control_regains_territory(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "The FARDC regained control of several villages in Masisi territory "
                            "after fierce fighting with the rebels.")
    assert "territory_regained" in found and "armed_clash" not in found


def test_a_place_the_gazetteer_does_not_know_can_be_recaptured(analyzer: Analyzer) -> None:
    assert "territory_regained" in kinds(analyzer, "Nigerian troops recaptured Gubio from Boko Haram.")


def test_capturing_a_commander_is_not_capturing_territory(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Iraqi forces captured a senior Islamic State commander in Kirkuk.")
    assert not found & {"territory_seized", "territory_regained"}


@pytest.mark.parametrize(("text", "kind"), [
    ("Government troops drove the militants out of the village of Kashali on Monday.",
     "territory_regained"),
    ("Soldiers cleared the insurgents from Damasak and restored state control of the town.",
     "territory_regained"),
    ("Rebels drove government troops out of Bunagana after a night of fighting.",
     "territory_seized"),
])
def test_driving_an_armed_side_out_of_a_place_changes_who_holds_it(analyzer: Analyzer, text: str,
                                                                   kind: str) -> None:
    assert kind in kinds(analyzer, text)


def test_driving_villagers_from_their_homes_is_not_a_change_of_territory(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Militants drove villagers out of their homes in Djibo.")
    assert not found & {"territory_seized", "territory_regained"}


def test_a_forceful_capture_after_the_defenders_fled_is_still_a_seizure(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Jihadist fighters seized the town of Arbinda after soldiers fled.")
    assert "territory_seized" in found


def test_taking_control_without_a_fight_is_a_handover(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Rebels took control of the town after the army withdrew without a fight.")
    assert not found & {"territory_seized", "territory_regained"}


def test_storming_a_checkpoint_is_an_attack_not_a_capture(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Militants stormed a checkpoint near Bannu, sparking a gunfight in "
                            "which six soldiers were killed.")
    assert "territory_seized" not in found and "armed_clash" in found


# ---------------------------------------------------------------- remote violence

def test_riot_agents_dropped_on_trenches_are_chemical_weapons_not_an_air_strike(
    analyzer: Analyzer,
) -> None:
    found = kinds(analyzer, "Russian forces dropped K-51 grenades with CS gas from drones on "
                            "Ukrainian trenches near Robotyne.")
    assert "chemical_weapons" in found and "air_strike" not in found


def test_tear_gas_fired_at_protesters_is_not_a_chemical_weapon(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Police fired tear gas from drones at protesting farmers at the border.")
    assert not found & {"chemical_weapons", "air_strike"}


@pytest.mark.parametrize("text", [
    "An Israeli strike on a house in Khan Younis killed six people, medics said.",
    "Russia launched 90 Shahed drones at Ukraine overnight, hitting power plants.",
    "The Colombian military bombed a guerrilla camp in Guaviare, killing seven rebels.",
    "Cartel gunmen used drones to drop explosives on a village in Michoacan.",
])
def test_air_and_drone_strikes_without_the_word_air(analyzer: Analyzer, text: str) -> None:
    assert "air_strike" in kinds(analyzer, text)


def test_a_national_teachers_strike_is_no_air_strike(analyzer: Analyzer) -> None:
    assert not kinds(analyzer, "Israeli teachers began a national strike over pay on Sunday.")


def test_air_defences_downing_drones_is_an_interception_not_a_strike(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Russian air defences destroyed 25 Ukrainian drones over Belgorod.")
    assert "air_strike" not in found and "intercepted" in found


@pytest.mark.parametrize("text", [
    "A minibus hit a landmine near Djibo, killing seven passengers.",
    "Four soldiers were killed by an explosive device near the border, the army said.",
    "A motorcycle rigged with explosives blew up at a market in Azaz, killing three people.",
    "Two suicide attackers blew themselves up at the gate of an army base.",
])
def test_bombings_reported_by_their_device(analyzer: Analyzer, text: str) -> None:
    assert "bombing" in kinds(analyzer, text)


def test_a_grenade_exploding_is_a_bombing_not_shelling(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "A hand grenade exploded outside a bar in Bujumbura, wounding four.")
    assert "bombing" in found and "shelling" not in found


@pytest.mark.parametrize("text", [
    "The Pentagon announced a new package of artillery shells and missiles for Ukraine.",
    "South Korean forces fired artillery into the sea during a live-fire drill.",
    "North Korea test-fired a ballistic missile into the sea, Japan said.",
])
def test_weapons_delivered_drilled_or_tested_are_no_shelling(analyzer: Analyzer, text: str) -> None:
    assert "shelling" not in kinds(analyzer, text)


# ---------------------------------------------------------------- look-alikes and modality

def test_a_kidnapping_gang_arrested_is_no_abduction(analyzer: Analyzer) -> None:
    assert "abduction" not in kinds(analyzer, "Police arrested the leader of a kidnapping gang.")


def test_agreeing_to_halt_fighting_is_no_clash(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Hours after the two armies agreed to halt fighting over the disputed "
                            "region, peacekeepers began deploying.")
    assert "armed_clash" not in found


def test_denied_accusations_of_chemical_weapons_are_denied(analyzer: Analyzer) -> None:
    found = [s for s in signals(analyzer, "The ministry denied accusations that its troops had "
                                          "used chemical weapons in the east.")
             if s.kind == "chemical_weapons"]
    assert found and all(s.modality == "denied" for s in found)


def test_a_gunbattle_between_cartels_is_a_clash(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Members of the Sinaloa Cartel and the CJNG fought a gun battle in "
                            "Chihuahua, leaving 19 dead.")
    assert "armed_clash" in found


# ---------------------------------------------------------------- time and clauses

@pytest.mark.parametrize(("text", "kind"), [
    ("An inquiry heard evidence about the 2017 Manchester Arena suicide bombing.", "bombing"),
    ("Hiroshima marked the anniversary of the atomic bombing with a minute of silence.", "bombing"),
    ("Families marked ten years since the abduction of the Chibok schoolgirls.", "abduction"),
    ("Ten years after Islamic State seized Mosul, much of the old city is in ruins.",
     "territory_seized"),
])
def test_an_event_dated_years_back_or_commemorated_is_background(analyzer: Analyzer, text: str,
                                                                 kind: str) -> None:
    found = [s for s in signals(analyzer, text) if s.kind == kind]
    assert all(s.when == "background" and s.severity == "none" for s in found)


def test_a_recapture_outweighs_the_seizure_told_in_its_after_clause(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Security forces regained control of Macomia after insurgents "
                            "occupied the town for three days.")
    assert "territory_regained" in found and "territory_seized" not in found
