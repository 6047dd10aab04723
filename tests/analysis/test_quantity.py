"""Counts as news writes them, normalised to integers."""

from __future__ import annotations

import pytest

from flashpoint.analysis.quantity import VAGUE_COUNTS, parse_count


@pytest.mark.parametrize(
    ("words", "value", "exact"),
    [
        (["1,037"], 1037, True),
        (["20,000"], 20000, True),
        (["six"], 6, True),
        (["a", "thousand"], 1000, False),
        (["five", "hundred"], 500, True),
        (["two", "hundred", "and", "fifty"], 250, True),
        (["1.5", "million"], 1_500_000, True),
        (["dozens"], 12, False),
        (["hundreds"], 100, False),
        (["thousands"], 1000, False),
        (["tens", "of", "thousands"], 10000, False),
        (["hundreds", "of", "thousands"], 100_000, False),
        (["several", "hundred"], 300, False),
    ],
)
def test_counts_are_normalised_to_integers(words: list[str], value: int, exact: bool) -> None:
    count = parse_count(words)
    assert count is not None and (count.value, count.exact) == (value, exact)


@pytest.mark.parametrize("words", [["troops"], [], ["several"], ["the"]])
def test_words_that_are_not_counts_give_none(words: list[str]) -> None:
    assert parse_count(words) is None


@pytest.mark.parametrize(
    ("words", "approximate"),
    [
        (["tens", "of", "thousands"], True),
        (["dozens"], True),
        (["several", "hundred"], True),
        (["a", "thousand"], False),
        (["20,000"], False),
    ],
)
def test_vague_counts_are_marked_approximate_and_round_ones_are_not(
    words: list[str], approximate: bool
) -> None:
    count = parse_count(words)
    assert count is not None and count.approximate is approximate


def test_vague_plurals_give_their_lower_bound() -> None:
    assert (VAGUE_COUNTS["dozens"], VAGUE_COUNTS["hundreds"], VAGUE_COUNTS["thousands"]) == (
        12, 100, 1000)


def test_vague_plurals_stay_below_the_next_precise_order_of_magnitude() -> None:
    assert VAGUE_COUNTS["dozens"] < 100 and VAGUE_COUNTS["hundreds"] < 1000
    assert VAGUE_COUNTS["thousands"] < 10000
