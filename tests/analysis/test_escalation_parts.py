"""The parts of the escalation engine on their own: tolls, event time, actor types, precedence."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashpoint.analysis.escalation.casualties import fatalities_in
from flashpoint.analysis.escalation.when import time_cues

PUBLISHED = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "dead"), [
    ("Gunmen killed 14 villagers in Kaduna.", 14),
    ("Three soldiers were killed.", 3),
    ("The attack left at least 4 people dead.", 4),
    ("The death toll rose to 30 on Monday.", 30),
    ("The clashes killed 3 soldiers and 5 militants.", 8),
    ("Between 10 and 15 people were killed.", 10),
    ("Officials said 12 were killed, while local sources put the toll at 15.", 12),
    ("Five people were killed and 12 wounded.", 5),
    ("No one was hurt in the blast.", 0),
    # a second fact joined by "and" is not part of the toll
    ("Police opened fire, killing one person and arresting 12, witnesses said.", 1),
    ("Troops neutralised 21 terrorists near Bama, the army said.", 21),
    ('The army said it had "neutralised" around 30 terrorists in air strikes.', 30),
])
def test_tolls_are_the_lowest_figure_reported(text: str, dead: int) -> None:
    assert fatalities_in(text) == dead


@pytest.mark.parametrize("text", [
    "12 people were injured in the blast.",
    "A 60-year-old man was killed.",
    "Reservists under the age of 60 were killed.",
    "KADUNA, Jan 11 (Reuters) - Gunmen attacked a village.",
])
def test_wounded_ages_and_dates_are_not_tolls(text: str) -> None:
    assert fatalities_in(text) is None


@pytest.mark.parametrize(("text", "days"), [
    ("Rebels seized the town on Monday.", 0),
    ("40,000 had fled in the past 48 hours.", 2),
    ("The rebels seized the town last week.", 10),
    ("Fighting has raged in recent weeks.", 21),
    ("The city fell last year.", 400),
    ("The rebels captured Goma on 27 January.", 42),
    ("The rebels captured Goma in January 2025.", 419),
])
def test_time_expressions_give_the_age_of_the_event_in_days(text: str, days: int) -> None:
    cues = time_cues(text, PUBLISHED)
    assert cues and min(c.days_ago for c in cues if c.days_ago is not None) == days


def test_without_a_publication_time_dates_cannot_be_placed() -> None:
    assert [c.days_ago for c in time_cues("The rebels captured Goma on 27 January.", None)] == [None]


def test_a_trigger_with_no_time_stated_is_current() -> None:
    from flashpoint.analysis.escalation.when import event_when
    from flashpoint.analysis.nlp import load_model

    doc = load_model()("Rebels seized the town.")
    assert event_when(doc[1], doc, []) == "current"
