"""Strict offset commits: a commit never passes an offset the agent did not finish."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from streams.offsets import OffsetHoleHealer, StallWatchdog, _strict_new_offset


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
    return _strict_new_offset(consumer, "tp")


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


# --- the stall watchdog -------------------------------------------------------------------------


class TP:
    def __init__(self, topic: str, partition: int) -> None:
        self.topic, self.partition = topic, partition

    def __repr__(self) -> str:
        return f"{self.topic}[{self.partition}]"


class AssignedConsumer:
    def __init__(self, assigned: list[TP]) -> None:
        self.assigned = assigned
        self._acked: defaultdict[Any, list[int]] = defaultdict(list)
        self._acked_index: defaultdict[Any, set[int]] = defaultdict(set)
        self.sought: list[tuple[int, int]] = []

    def assignment(self) -> set[TP]:
        return set(self.assigned)

    async def seek(self, tp: TP, offset: int) -> None:
        self.sought.append((tp.partition, offset))


def test_a_partition_with_waiting_work_and_no_progress_is_stalled_after_the_period() -> None:
    dog = StallWatchdog(stall_seconds=30.0)
    assert dog.stalled({0: 5, 1: 0}, {0: 100, 1: 7}, now=0.0) == []
    assert dog.stalled({0: 9, 1: 0}, {0: 100, 1: 7}, now=20.0) == []  # more waiting, no commit yet
    assert dog.stalled({0: 9, 1: 0}, {0: 100, 1: 7}, now=31.0) == [0]  # partition 1 has no work
    assert dog.stalled({0: 9, 1: 0}, {0: 100, 1: 7}, now=40.0) == []  # re-armed after the seek
    assert not dog.gave_up
    assert dog.stalled({0: 9, 1: 0}, {0: 100, 1: 7}, now=62.0) == [0]  # the seek did not help
    assert dog.gave_up  # /healthz fails: restart the worker


def test_progress_after_a_seek_clears_the_attempts() -> None:
    dog = StallWatchdog(stall_seconds=30.0)
    dog.stalled({0: 9}, {0: 100}, now=0.0)
    assert dog.stalled({0: 9}, {0: 100}, now=31.0) == [0]
    dog.stalled({0: 5}, {0: 104}, now=40.0)  # the seek worked
    dog.stalled({0: 5}, {0: 104}, now=41.0)
    assert dog.stalled({0: 5}, {0: 104}, now=72.0) == [0]
    assert not dog.gave_up


def test_a_slow_partition_that_commits_is_never_stalled() -> None:
    dog = StallWatchdog(stall_seconds=30.0)
    for step in range(20):
        assert dog.stalled({0: 5000 - step}, {0: 100 + step}, now=step * 10.0) == []


def test_a_partition_that_emptied_is_forgotten() -> None:
    dog = StallWatchdog(stall_seconds=30.0)
    dog.stalled({0: 5}, {0: 100}, now=0.0)
    dog.stalled({0: 0}, {0: 100}, now=20.0)  # drained: lag 0
    assert dog.stalled({0: 3}, {0: 100}, now=35.0) == []  # new work: a new period starts


async def test_unstick_seeks_only_the_partitions_this_worker_holds() -> None:
    consumer = AssignedConsumer([TP("raw", 0), TP("raw", 2), TP("other", 1)])
    consumer._acked[consumer.assigned[0]] = [7, 8]
    sought = await StallWatchdog().unstick(consumer, "raw", [0, 1], {0: 100, 1: 50})
    assert [tp.partition for tp in sought] == [0]
    assert consumer.sought == [(0, 100)]
    assert consumer._acked[consumer.assigned[0]] == []


def test_a_busy_worker_restarts_the_period() -> None:
    dog = StallWatchdog(stall_seconds=30.0)
    dog.stalled({0: 9}, {0: 100}, now=0.0)
    dog.reset()  # an article in flight for a while
    assert dog.stalled({0: 9}, {0: 100}, now=31.0) == []
    assert dog.stalled({0: 9}, {0: 100}, now=62.0) == [0]
