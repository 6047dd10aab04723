"""The error classes found on the wire-copy development set (tests/fixtures/escalation/
blind-wire.jsonl), each on sentences written for the test (not taken from the set): speakers of an
attribution read as sides, withdrawal and handover words that were not about the event, coalitions
of soldiers and militias, generic armed actors, ways of reporting territory and shelling that no
rule read, and look-alikes (sport, arms orders, accidents, money, "military rule")."""

from __future__ import annotations

import pytest

from flashpoint.analysis.analyzer import Analyzer
from tests.analysis.escalation_support import analyzer, kinds, signals

__all__ = ["analyzer"]  # the shared module-scoped fixture


# ---------------------------------------------------------------- actors: who said it is no side

@pytest.mark.parametrize("text", [
    "Gunmen shot dead 12 farmers in an attack on Kauru in Kaduna state, police and local "
    "officials said.",
    "Militants killed 15 worshippers in an attack on a mosque near Tera, soldiers and witnesses "
    "told Reuters.",
])
def test_the_speakers_of_an_attribution_are_not_a_side_of_the_attack(analyzer: Analyzer,
                                                                     text: str) -> None:
    found = kinds(analyzer, text)
    assert "attack" in found and "armed_clash" not in found


# ---------------------------------------------------------------- actors: who gains territory

def test_soldiers_and_allied_militiamen_regain_territory(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Wazalendo militiamen and Congolese soldiers retook the town of "
                            "Masisi from M23 rebels on Monday, a provincial official said.")
    assert "territory_regained" in found and "territory_seized" not in found


@pytest.mark.parametrize("text", [
    # the people who fled are residents, not the defenders
    "ISWAP fighters took over the town of Gajiram on Friday, burning the police station as "
    "residents fled, a local official said.",
    # the attackers left later: the capture still happened
    "Islamist militants took over a police post in Tank district for several hours before "
    "reinforcements arrived and the militants fled, officials said.",
    # a deal named in the speaker's comment is not a handover
    "Al-Shabaab militants overran a government base in Galgaduud on Monday, the defence ministry "
    "said, calling it a breach of the agreement with clan elders.",
])
def test_flight_or_deals_outside_the_handover_do_not_make_a_capture_peaceful(
    analyzer: Analyzer, text: str,
) -> None:
    assert "territory_seized" in kinds(analyzer, text)


@pytest.mark.parametrize("text", [
    "Armed groups fought with machine guns in the Abu Salim district of Tripoli overnight, the "
    "interior ministry said.",
    "Armed men and soldiers exchanged gunfire for two hours near the market in Zawiya, residents "
    "said.",
])
def test_armed_groups_and_armed_men_are_armed_sides(analyzer: Analyzer, text: str) -> None:
    assert "armed_clash" in kinds(analyzer, text)


# ---------------------------------------------------------------- territory reported other ways

@pytest.mark.parametrize(("text", "kind"), [
    ("Iraqi troops cleared the Hamrin mountains of Islamic State fighters after a two-week "
     "operation, the joint operations command said.", "territory_regained"),
    ("Syrian army soldiers hoisted the national flag over the citadel of Palmyra on Sunday, state "
     "television showed.", "territory_regained"),
    ("M23 rebels raised their flag over the governor's office in Bukavu on Friday, residents "
     "said.", "territory_seized"),
])
def test_clearing_a_place_of_fighters_and_raising_a_flag_over_it(analyzer: Analyzer, text: str,
                                                                 kind: str) -> None:
    assert kind in kinds(analyzer, text)


# ---------------------------------------------------------------- shelling reported by its weapon

@pytest.mark.parametrize("text", [
    "Russian Grad launchers fired on the centre of Marhanets overnight, wounding two residents, "
    "the governor said.",
    "Heavy weapons fire from rebel positions struck a school in Kadugli on Sunday, killing five "
    "pupils, a local official said.",
])
def test_shelling_told_by_the_launcher_or_the_fire(analyzer: Analyzer, text: str) -> None:
    assert "shelling" in kinds(analyzer, text)


# ---------------------------------------------------------------- chemical weapons

def test_a_kitchen_gas_cylinder_blast_is_no_chemical_weapon(analyzer: Analyzer) -> None:
    text = ("A gas cylinder exploded in a restaurant kitchen in Lahore, killing two cooks, rescue "
            "officials said.")
    assert "chemical_weapons" not in kinds(analyzer, text)


def test_a_poison_gas_attack_on_a_besieged_town_reported_by_rescuers(analyzer: Analyzer) -> None:
    text = ("Doctors said dozens died in a poison gas attack on the besieged suburb of Zamalka, "
            "with rescue workers reporting victims suffocating.")
    assert "chemical_weapons" in kinds(analyzer, text)


# ---------------------------------------------------------------- figures of speech, look-alikes

@pytest.mark.parametrize("text", [
    "Vinicius fired a hat-trick as Real Madrid bombarded the Sevilla goal from the opening "
    "whistle on Sunday.",
    "Arms maker Nammo reported record orders for artillery shells from European governments on "
    "Thursday.",
    "Kenyan police arrested a suspected al-Shabaab recruiter, describing him as the planner of "
    "several bombings in Mandera.",
    "Students in Mandalay marched against military rule on Saturday, holding candles and "
    "singing.",
    "Robbers escaped with millions of shillings after holding up a bank in Eldoret, police said.",
])
def test_look_alikes_in_calm_wire_copy_raise_nothing(analyzer: Analyzer, text: str) -> None:
    assert kinds(analyzer, text) == set()


def test_police_firing_to_disperse_demonstrators_is_force_against_protesters(
    analyzer: Analyzer,
) -> None:
    found = kinds(analyzer, "Riot police opened fire to disperse opposition demonstrators in "
                            "Maputo on Tuesday, killing two people, a rights group said.")
    assert "protest_violence" in found and "armed_clash" not in found


def test_soldiers_and_a_named_clan_militia_as_one_subject_regain(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Somali soldiers and Ma'awisley clan fighters recaptured the village "
                            "of Buq Aqable from al-Shabaab on Thursday, an officer said.")
    assert "territory_regained" in found and "territory_seized" not in found


def test_fighting_named_in_the_speakers_comment_is_no_clash_of_its_own(analyzer: Analyzer) -> None:
    text = ("A drone strike on a bus near Bahir Dar killed nine passengers, doctors said, blaming "
            "the army, which is fighting Fano militiamen in the region.")
    found = kinds(analyzer, text)
    assert "air_strike" in found and "armed_clash" not in found


def test_the_opcw_reporting_a_chlorine_attack_reports_a_chemical_weapon(analyzer: Analyzer) -> None:
    text = ("The OPCW said chlorine was probably used as a weapon in an attack on the town of "
            "Kafr Zita, where government forces were advancing.")
    assert "chemical_weapons" in kinds(analyzer, text)


@pytest.mark.parametrize(("text", "kind"), [
    ("Residents of Saraqeb reported choking and fainting after barrels released a yellow cloud, "
     "a monitor said, accusing government helicopters of chemical attacks.", "chemical_weapons"),
    ("Shells hit the market in Kadugli on Monday, killing six, witnesses said, accusing the "
     "army of shelling civilian areas.", "shelling"),
])
def test_the_deed_a_comment_charges_someone_with_is_the_news(analyzer: Analyzer, text: str,
                                                             kind: str) -> None:
    assert kind in kinds(analyzer, text)


def test_inspectors_destroying_declared_chemical_weapons_is_no_attack(analyzer: Analyzer) -> None:
    text = "The OPCW said it had destroyed the last of the chemical weapons declared by Damascus."
    assert "chemical_weapons" not in kinds(analyzer, text)


def test_foreign_troops_taking_an_unknown_village_in_the_storys_country_seize_it(
    analyzer: Analyzer,
) -> None:
    text = ("Russian forces captured the village of Ocheretyne on Tuesday, Ukraine's general staff "
            "said in its morning update.")
    found = [s for s in signals(analyzer, text) if s.kind.startswith("territory")]
    assert [s.kind for s in found] == ["territory_seized"]
    assert found[0].actors[0].type == "foreign_forces"


def test_troops_massing_as_the_subject_are_a_build_up(analyzer: Analyzer) -> None:
    text = ("Tens of thousands of Eritrean troops are massing near the border with Ethiopia, "
            "diplomats said on Monday.")
    found = [s for s in signals(analyzer, text) if s.kind == "troop_buildup"]
    assert found and found[0].approximate and found[0].quantity is not None


def test_fans_gathering_outside_a_stadium_are_no_build_up(analyzer: Analyzer) -> None:
    assert kinds(analyzer, "Thousands of supporters were gathering outside the stadium before "
                           "kickoff on Sunday.") == set()


# ---------------------------------------------------------------- more ways of reporting battles

@pytest.mark.parametrize(("text", "kind"), [
    ("Troops neutralised 21 terrorists during clearance operations near Bama, the army said.",
     "armed_clash"),
    ("A police patrol came under fire near Gao on Tuesday, and one officer was wounded, the "
     "police said.", "armed_clash"),
    ("Fierce fighting raged for a third day in the streets of Bakhmut, a regional official said.",
     "armed_clash"),
    ("Syrian troops entered the centre of Raqqa on Sunday after a month-long offensive, state "
     "television said.", "territory_regained"),
    ("Houthi fighters swept into the town of Harib on Friday after days of fighting, tribal "
     "sources said.", "territory_seized"),
    ("Kenyan soldiers have pushed al-Shabaab fighters out of the village of Bur Gabo, the "
     "defence ministry said.", "territory_regained"),
    ("Ukrainian forces have pushed Russian troops out of the village of Robotyne, the defence "
     "ministry said.", "territory_regained"),
])
def test_battles_reported_the_way_military_communiques_and_wires_do(analyzer: Analyzer, text: str,
                                                                   kind: str) -> None:
    assert kind in kinds(analyzer, text)


def test_neutralised_fighters_are_fatalities(analyzer: Analyzer) -> None:
    text = "Troops neutralised 21 terrorists during clearance operations near Bama, the army said."
    assert [s.fatalities for s in signals(analyzer, text) if s.kind == "armed_clash"] == [21]


@pytest.mark.parametrize("text", [
    "Israeli troops entered Lebanon on Tuesday in what the army called a limited operation.",
    "Peace talks entered a second week in Doha on Monday, mediators said.",
    "Heavy fighting between police and protesters left 20 people injured in Nairobi.",
])
def test_entering_a_country_talks_or_protests_change_no_territory(analyzer: Analyzer,
                                                                  text: str) -> None:
    assert not kinds(analyzer, text) & {"territory_seized", "territory_regained", "armed_clash"}


def test_soldiers_killing_civilians_at_a_checkpoint_is_an_attack(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Soldiers killed four civilians at a checkpoint outside Gao, "
                            "witnesses said.")
    assert "attack" in found and "armed_clash" not in found


def test_a_fierce_battle_for_customers_is_no_clash(analyzer: Analyzer) -> None:
    assert kinds(analyzer, "Airtel faces fierce fighting for customers from new mobile money "
                           "entrants in Uganda.") == set()


# ---------------------------------------------------------------- several events in one sentence

@pytest.mark.parametrize(("text", "expected"), [
    ("Palestinian militants fired a barrage of rockets at Ashkelon on Thursday, and Israel "
     "responded with air strikes on Rafah, killing nine people.", {"shelling", "air_strike"}),
    ("Two people were killed when Russian artillery hit a bus stop in Kherson, and drones "
     "struck a substation in Odesa, officials said.", {"shelling", "air_strike"}),
])
def test_each_clause_of_a_sentence_keeps_its_own_event(analyzer: Analyzer, text: str,
                                                       expected: set[str]) -> None:
    assert expected <= kinds(analyzer, text)


def test_one_event_read_twice_in_its_clause_is_still_one_kind(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "A drone attack on a market in Nyala killed 12 people, activists said.")
    assert "air_strike" in found and not found & {"attack", "armed_clash"}


@pytest.mark.parametrize(("text", "kind"), [
    ("M23 rebels claimed control of the town of Nyabiondo on Tuesday, a rebel spokesman said.",
     "territory_seized"),
    ("The army claimed control of the hilltop overlooking Hajin after a day of fighting, a "
     "military source said.", "territory_regained"),
])
def test_claiming_control_of_a_place_changes_who_holds_it(analyzer: Analyzer, text: str,
                                                         kind: str) -> None:
    assert kind in kinds(analyzer, text)


def test_claiming_control_of_parliament_is_politics(analyzer: Analyzer) -> None:
    assert kinds(analyzer, "Opposition parties claimed control of parliament after the final "
                           "vote count on Friday.") == set()


def test_the_weapon_a_claim_names_is_the_news(analyzer: Analyzer) -> None:
    text = ("An explosion at a mosque in Kunduz killed at least 40 worshippers; Islamic State "
            "claimed the attack, saying a suicide bomber had carried it out.")
    assert "bombing" in kinds(analyzer, text)


# ---------------------------------------------------------------- an older event restated

@pytest.mark.parametrize("text", [
    "Rebels, who captured the town of Ber in April, attacked the army base in Lere on Tuesday, "
    "residents said.",
    "Jihadists captured the town of Boni last month, and on Tuesday they attacked the army camp "
    "in Hombori, residents said.",
])
def test_a_capture_restated_from_before_does_not_swallow_todays_clash(analyzer: Analyzer,
                                                                       text: str) -> None:
    found = {(s.kind, s.when) for s in signals(analyzer, text)}
    assert ("armed_clash", "current") in found
    assert any(k == "territory_seized" and w != "current" for k, w in found)


def test_seizing_a_ship_is_not_seizing_territory(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Houthi fighters seized a cargo ship off the port of Hodeidah on "
                            "Sunday, the group said.")
    assert not found & {"territory_seized", "territory_regained"}


@pytest.mark.parametrize("text", [
    "Residents said a helicopter dropped a barrel bomb that released a greenish gas over Kafr "
    "Zita, and dozens had trouble breathing.",
    "Artillery shells that released choking smoke hit the village of Al-Lataminah, a doctor said.",
])
def test_a_munition_told_by_the_gas_it_released_is_a_chemical_weapon(analyzer: Analyzer,
                                                                     text: str) -> None:
    assert "chemical_weapons" in kinds(analyzer, text)


@pytest.mark.parametrize("text", [
    "A fire at a chemical plant released toxic smoke over the city, and residents were told to "
    "stay indoors.",
    "Police fired tear gas canisters that released thick white smoke over the protesters.",
])
def test_smoke_from_a_fire_or_tear_gas_is_no_chemical_weapon(analyzer: Analyzer,
                                                             text: str) -> None:
    assert "chemical_weapons" not in kinds(analyzer, text)


def test_a_toll_participle_stays_with_its_shelling_whatever_its_date(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "On 3 March 2026, Russian forces shelled Kupiansk (Kharkivska), "
                            "killing 2 civilians.")
    assert "shelling" in found and "attack" not in found


def test_recapturing_a_village_from_foreign_forces_is_a_regain(analyzer: Analyzer) -> None:
    text = ("On 1 March 2026, Ukrainian forces recaptured the village of Krynky (Khersonska) from "
            "Russian forces.")
    assert "territory_regained" in kinds(analyzer, text)


def test_a_toll_participle_takes_the_date_of_its_clause(analyzer: Analyzer) -> None:
    text = "On 20 February 2026, gunmen attacked the village of Kauru, killing 12 villagers."
    assert {s.when for s in signals(analyzer, text) if s.kind == "attack"} == {"recent"}


# ---------------------------------------------------------------- who fought, told another way

def test_soldiers_dying_in_an_attack_by_jihadists_is_a_clash(analyzer: Analyzer) -> None:
    text = ("At least 12 soldiers died in an attack by jihadists on an army post near Tessit, the "
            "army said.")
    found = [s for s in signals(analyzer, text) if s.kind in ("armed_clash", "attack")]
    assert [s.kind for s in found] == ["armed_clash"]
    assert found[0].actors[0].type == "non_state_armed_group"


def test_clashes_that_killed_people_are_a_clash_not_an_attack(analyzer: Analyzer) -> None:
    found = kinds(analyzer, "Clashes in Jonglei state between government troops and the White "
                            "Army killed at least 14 people, a local official said.")
    assert "armed_clash" in found and "attack" not in found


def test_two_sides_trading_heavy_weapons_fire_clash(analyzer: Analyzer) -> None:
    assert "armed_clash" in kinds(analyzer, "The army and M23 rebels traded heavy weapons fire "
                                            "around the town of Kitshanga on Wednesday.")


def test_a_speaker_who_reports_a_clause_of_their_own_is_its_actor(analyzer: Analyzer) -> None:
    text = ("Soldiers repelled an attack near Gao, the army said, while rebels said they had "
            "captured the town of Ber.")
    found = [s for s in signals(analyzer, text) if s.kind.startswith("territory")]
    assert [s.kind for s in found] == ["territory_seized"]
    assert found[0].actors[0].type == "non_state_armed_group"


def test_rebels_claiming_control_after_a_comma_are_the_actor_not_a_speaker(
    analyzer: Analyzer,
) -> None:
    text = ("Residents fled the fighting overnight, and M23 rebels claimed control of the town of "
            "Kitshanga on Monday.")
    found = [s for s in signals(analyzer, text) if s.kind == "territory_seized"]
    assert found and found[0].actors[0].type == "non_state_armed_group"


def test_a_takeover_joined_to_the_defenders_withdrawal_is_a_handover(analyzer: Analyzer) -> None:
    text = ("Government troops withdrew from the area overnight, and M23 rebels took control of "
            "the town of Kitshanga on Monday.")
    assert not kinds(analyzer, text) & {"territory_seized", "territory_regained"}


@pytest.mark.parametrize(("text", "kind", "actor_type"), [
    ("Russia's defence ministry said its forces had liberated the village of Novomykhailivka in "
     "the Donetsk region.", "territory_seized", "foreign_forces"),
    ("The Houthis said their fighters had seized several positions in Al Jawf province.",
     "territory_seized", "non_state_armed_group"),
    ("Sudan's army said its troops had recaptured the town of Dinder in Sennar state.",
     "territory_regained", "state_forces"),
])
def test_its_forces_belong_to_the_speaker(analyzer: Analyzer, text: str, kind: str,
                                          actor_type: str) -> None:
    found = [s for s in signals(analyzer, text) if s.kind.startswith("territory")]
    assert [s.kind for s in found] == [kind]
    assert found[0].actors[0].type == actor_type


@pytest.mark.parametrize(("text", "kind"), [
    ("Israeli strikes kill 25 in Khan Younis, health officials say", "air_strike"),
    ("Sudan army retakes key Omdurman bridge from RSF", "territory_regained"),
])
def test_headlines_in_the_present_tense(analyzer: Analyzer, text: str, kind: str) -> None:
    assert kind in kinds(analyzer, text)
