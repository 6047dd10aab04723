"""Strict offset commits: a commit never passes an offset the agent did not finish."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from aiokafka.errors import KafkaConnectionError

from streams.offsets import OffsetHoleHealer, strict_new_offset


class FakeConsumer:
    """The three pieces of Faust consumer state the commit rule reads, and seek."""

    def __init__(self, committed: int | None, acked: list[int], earliest: int = 0,
                 broker_away: bool = False) -> None:
        self._committed_offset: dict[str, int | None] = {"tp": committed}
        self.earliest = earliest
        self.broker_away = broker_away
        self._acked: defaultdict[str, list[int]] = defaultdict(list, {"tp": list(acked)})
        self._acked_index: defaultdict[str, set[int]] = defaultdict(set, {"tp": set(acked)})
        self.sought: list[tuple[str, int]] = []

    def assignment(self) -> set[str]:
        return {"tp"}

    async def seek(self, tp: str, offset: int) -> None:
        self.sought.append((tp, offset))

    async def earliest_offsets(self, *tps: str) -> dict[str, int]:
        if self.broker_away:
            raise KafkaConnectionError("broker away")
        return dict.fromkeys(tps, self.earliest)


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


def test_a_partition_never_committed_commits_nothing_until_its_start_is_known() -> None:
    assert new_offset(FakeConsumer(None, [5, 6])) is None


async def test_a_never_committed_partition_commits_from_its_earliest_offset() -> None:
    consumer = FakeConsumer(None, [0, 1, 2], earliest=0)
    assert await OffsetHoleHealer().record_start_offsets(consumer) == ["tp"]
    assert consumer._committed_offset["tp"] == 0
    assert new_offset(consumer) == 3


async def test_a_hole_at_the_head_of_a_never_committed_partition_is_sought_back() -> None:
    consumer = FakeConsumer(None, [2, 3], earliest=0)
    healer = OffsetHoleHealer(grace_seconds=3.0)
    await healer.record_start_offsets(consumer)
    assert new_offset(consumer) is None
    assert await healer.heal(consumer, now=100.0) == []
    assert await healer.heal(consumer, now=104.0) == ["tp"]
    assert consumer.sought == [("tp", 0)]


async def test_a_known_committed_offset_is_never_replaced_by_the_earliest() -> None:
    consumer = FakeConsumer(7, [7], earliest=0)
    assert await OffsetHoleHealer().record_start_offsets(consumer) == []
    assert consumer._committed_offset["tp"] == 7


async def test_the_start_stays_unknown_while_the_broker_is_away() -> None:
    consumer = FakeConsumer(None, [0, 1], broker_away=True)
    assert await OffsetHoleHealer().record_start_offsets(consumer) == []
    assert new_offset(consumer) is None


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

