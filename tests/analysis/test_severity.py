"""Article severity: tiers from kinds, quantities, modality and co-occurrence in one country."""

from __future__ import annotations

import pytest

from flashpoint.analysis.models import Modality, Severity, Signal, Span
from flashpoint.analysis.severity import score_article


def sig(kind: str, severity: Severity = "urgent", modality: Modality = "asserted",
        country: str | None = "AF", quantity: int | None = None) -> Signal:
    return Signal(kind=kind, rule_id=f"{kind}-rule", evidence=Span(0, 1, "x"), modality=modality,
                  severity=severity, country=country, quantity=quantity)


def test_no_signal_is_none() -> None:
    assert score_article([]) == ("none", "no escalation signal")


def test_only_denied_or_historical_signals_page_nobody() -> None:
    tier, reason = score_article([sig("coup", "none", "denied"), sig("bombing", "none", "historical")])
    assert tier == "none" and "denied" in reason


def test_a_single_routine_signal_is_routine() -> None:
    assert score_article([sig("armed_clash", "routine")])[0] == "routine"


def test_a_single_urgent_signal_is_urgent() -> None:
    assert score_article([sig("shelling", "urgent")])[0] == "urgent"


def test_two_asserted_routine_kinds_in_one_country_are_urgent() -> None:
    assert score_article([sig("armed_clash", "routine"), sig("border_closure", "routine")])[0] == "urgent"


def test_three_concurrent_kinds_in_one_country_are_flash_and_the_reason_names_them() -> None:
    tier, reason = score_article(
        [sig("desertion"), sig("territory_seized"), sig("diplomatic_closure"),
         sig("offensive", "routine", "planned")]
    )
    assert tier == "flash" and "AF" in reason and "desertion" in reason


def test_kinds_in_different_countries_do_not_add_up() -> None:
    tier, _ = score_article(
        [sig("shelling", "routine", country="UA"), sig("coup", "routine", country="NE"),
         sig("bombing", "routine", country="SO")]
    )
    assert tier == "routine"


def test_threats_count_for_less_than_events() -> None:
    asserted = score_article([sig("shelling", "routine"), sig("offensive", "routine")])[0]
    threatened = score_article(
        [sig("shelling", "routine", "threatened"), sig("offensive", "routine", "threatened")]
    )[0]
    assert (asserted, threatened) == ("urgent", "routine")


@pytest.mark.parametrize("tier", ["flash", "urgent", "routine"])
def test_the_strongest_signal_sets_the_floor(tier: Severity) -> None:
    assert score_article([sig("coup", tier)])[0] == tier
