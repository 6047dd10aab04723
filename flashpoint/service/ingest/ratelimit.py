"""Pacing a backfill so a replay of a large archive does not flood the broker or the workers."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flashpoint.service.ingest.errors import RateParseError

_UNITS: dict[str, float] = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "m": 60.0,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
}
_RATE_RE = re.compile(r"^\s*(?P<count>\d+(?:\.\d+)?)\s*(?:/\s*(?P<unit>[a-z]+))?\s*$", re.IGNORECASE)


def parse_rate(value: str) -> float:
    """``"100/s"`` -> 100.0, ``"6000/m"`` -> 100.0, ``"36/h"`` -> 0.01 (events per second).

    A bare number is per second. Zero and negative rates are refused rather than read as
    "unlimited": an unlimited run is spelled by not passing ``--rate`` at all.
    """
    match = _RATE_RE.match(value)
    if match is None:
        raise RateParseError(f"rate {value!r} is not of the form N/s, N/m or N/h (e.g. 100/s, 6000/m)")
    unit = (match.group("unit") or "s").lower()
    if unit not in _UNITS and len(unit) > 2 and unit.endswith("s") and unit[:-1] in _UNITS:
        unit = unit[:-1]  # "secs", "mins", "hours"; but never "ms", which is not per minute
    if unit not in _UNITS:
        raise RateParseError(f"rate {value!r}: unknown unit {unit!r}; use s, m or h")
    count = float(match.group("count"))
    if count <= 0:
        raise RateParseError(f"rate {value!r} must be greater than zero")
    return count / _UNITS[unit]


@dataclass
class RateLimiter:
    """Spaces events at ``1/rate`` seconds, catching up after short stalls but never bursting
    more than ``burst`` events: a slow disk read must not turn into a spike at the broker."""

    rate: float
    burst: int = 1
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _next: float | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise RateParseError(f"rate must be greater than zero, got {self.rate}")
        if self.burst < 1:
            raise RateParseError(f"burst must be at least 1, got {self.burst}")

    def wait(self) -> None:
        """Block until the next event may go."""
        interval = 1.0 / self.rate
        now = self.clock()
        if self._next is None:
            self._next = now
        earliest = now - (self.burst - 1) * interval
        self._next = max(self._next, earliest)
        delay = self._next - now
        if delay > 0:
            self.sleep(delay)
        self._next += interval
