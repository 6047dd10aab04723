"""The error classes found on the wire-copy development set (tests/fixtures/escalation/
blind-wire.jsonl), each on sentences written for the test (not taken from the set): speakers of an
attribution read as sides, withdrawal and handover words that were not about the event, coalitions
of soldiers and militias, generic armed actors, ways of reporting territory and shelling that no
rule read, and look-alikes (sport, arms orders, accidents, money, "military rule")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.models import RawArticle, Signal

PUBLISHED = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load(source_profiles=False)


def signals(analyzer: Analyzer, text: str) -> tuple[Signal, ...]:
    return analyzer.analyze(RawArticle(id="t", text=text, published_at=PUBLISHED), PUBLISHED).signals


def kinds(analyzer: Analyzer, text: str) -> set[str]:
    return {s.kind for s in signals(analyzer, text)}


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
