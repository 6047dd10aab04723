"""Strict offset commits: a commit never passes an offset the agent did not finish."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from streams.offsets import OffsetHoleHealer, strict_new_offset


class FakeConsumer:
    """The three pieces of Faust consumer state the commit rule reads, and seek."""

    def __init__(self, committed: int | None, acked: list[int]) -> None:
        self._committed_offset: dict[str, int | None] = {"tp": committed}
        self._acked: defaultdict[str, list[int]] = defaultdict(list, {"tp": list(acked)})
        self._acked_index: defaultdict[str, set[int]] = defaultdict(set, {"tp": set(acked)})
        self.sought: list[tuple[str, int]] = []

    def assignment(self) -> set[str]:
        return {"tp"}

    async def seek(self, tp: str, offset: int) -> None:
        self.sought.append((tp, offset))


def new_offset(consumer: Any) -> int | None:
    return strict_new_offset(consumer, "tp")


def test_a_contiguous_run_from_the_committed_offset_is_committed() -> None:
    assert new_offset(FakeConsumer(10, [10, 11, 12])) == 13


def test_a_hole_at_the_head_is_never_committed_over_even_of_one_offset() -> None:
    assert new_offset(FakeConsumer(10, [11, 12])) is None


def test_the_commit_stops_before_a_hole_in_the_middle() -> None:
    consumer = FakeConsumer(10, [10, 11, 14, 15])
    assert new_offset(consumer) == 12
    assert consumer._acked["tp"] == [14, 15]


def test_a_partition_never_committed_commits_its_first_run() -> None:
    assert new_offset(FakeConsumer(None, [5, 6])) == 7


async def test_the_healer_seeks_back_only_after_the_hole_outlived_the_grace_period() -> None:
    consumer = FakeConsumer(10, [12, 13])
    healer = OffsetHoleHealer(grace_seconds=3.0)
    assert await healer.heal(consumer, now=100.0) == []
    assert await healer.heal(consumer, now=102.0) == []
    assert await healer.heal(consumer, now=103.5) == ["tp"]
    assert consumer.sought == [("tp", 10)]
    assert consumer._acked["tp"] == []


async def test_the_healer_forgets_a_hole_that_closed_by_itself() -> None:
    consumer = FakeConsumer(10, [12])
    healer = OffsetHoleHealer(grace_seconds=3.0)
    await healer.heal(consumer, now=100.0)
    consumer._acked["tp"] = [10, 11, 12]
    assert await healer.heal(consumer, now=104.0) == []
    consumer._acked["tp"] = [12]
    assert await healer.heal(consumer, now=105.0) == []
    assert consumer.sought == []

