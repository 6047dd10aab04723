"""``--rate`` parsing and pacing."""

from __future__ import annotations

import pytest

from flashpoint.service.ingest import RateParseError, parse_rate
from flashpoint.service.ingest.ratelimit import RateLimiter


@pytest.mark.parametrize(
    ("text", "per_second"),
    [
        ("100/s", 100.0),
        ("6000/m", 100.0),
        ("36/h", 0.01),
        ("100", 100.0),
        ("2.5/s", 2.5),
        (" 120 / min ", 2.0),
        ("60/minutes", 1.0),
        ("10/sec", 10.0),
        ("7200/hours", 2.0),
        ("100/S", 100.0),
    ],
)
def test_rates_are_read_as_events_per_second(text: str, per_second: float) -> None:
    assert parse_rate(text) == pytest.approx(per_second)


@pytest.mark.parametrize("text", ["", "fast", "0/s", "-5/s", "100/ms", "100/d", "100/", "/s", "1e3/s"])
def test_unreadable_or_non_positive_rates_are_refused(text: str) -> None:
    with pytest.raises(RateParseError):
        parse_rate(text)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_events_are_spaced_at_one_over_the_rate() -> None:
    fake = FakeClock()
    limiter = RateLimiter(10.0, clock=fake.clock, sleep=fake.sleep)

    for _ in range(5):
        limiter.wait()

    assert fake.now == pytest.approx(0.4)
    assert fake.sleeps == pytest.approx([0.1] * 4)


def test_a_stall_does_not_turn_into_a_burst() -> None:
    fake = FakeClock()
    limiter = RateLimiter(10.0, clock=fake.clock, sleep=fake.sleep)
    limiter.wait()
    fake.now += 5.0  # the disk was slow

    for _ in range(3):
        limiter.wait()

    assert fake.sleeps == pytest.approx([0.1, 0.1])
