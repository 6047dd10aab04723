"""The surge policy: current window against the moving baseline."""

from __future__ import annotations

import pytest

from flashpoint.service.surge import SurgePolicy, split_observation_key, window_start


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (30, [0, 0, 0], True),     # a silent country suddenly busy
        (9, [0, 0, 0], False),     # below the minimum count
        (30, [10, 12, 11], False),  # busy, but as busy as usual
        (40, [10, 12, 11], True),  # above 3x the usual
        (10, [], True),            # no history yet: the floor baseline applies
    ],
)
def test_surge_needs_min_count_and_factor_over_baseline(current: int, previous: list[int], expected: bool) -> None:
    assert SurgePolicy(factor=3.0, min_count=10).is_surge(current, previous) is expected


def test_observation_keys_round_trip() -> None:
    assert split_observation_key("AF|desertion") == ("AF", "desertion")


def test_window_start_aligns_to_window() -> None:
    assert window_start(1_000_123.4, 600) == 999_600
