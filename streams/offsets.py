"""Offset commits that can never pass an article the agent did not finish.

faust-streaming 0.15.3 fills "gaps" in fetched offsets (meant for compacted topics and
transaction markers) by counting the missing offsets as processed, and its guard against a hole
at the head of a partition lets a one-offset hole through. Our topics are neither compacted nor
transactional, so a gap can only be a fetch anomaly; on Tansu a chaos run saw the fetch resume
past the committed offset after a restart, and Faust then committed over 39 raw articles that
were never analysed.

Here the commit rule is strict: a partition's commit only advances over a run of acknowledged
offsets that starts exactly at the committed offset. A hole therefore stalls the commit instead
of skipping articles, and :class:`OffsetHoleHealer` seeks such a partition back to its committed
offset after a grace period, so the missed articles are fetched again (re-processing the ones
after them is harmless: alert writes are idempotent).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from faust.transport import consumer as faust_consumer
from faust.utils.functional import consecutive_numbers

log = logging.getLogger("flashpoint.offsets")


def _strict_new_offset(self: Any, tp: Any) -> int | None:
    """The offset to commit for ``tp``: one past the run of acknowledged offsets that starts at
    the committed offset, or None when the head of that run is missing (never skip it)."""
    acked = self._acked[tp]
    if not acked:
        return None
    acked.sort()
    committed = self._committed_offset[tp]
    if committed is not None and acked[0] > committed:
        return None
    batch = next(consecutive_numbers(acked))
    acked[: len(batch)] = []
    self._acked_index[tp].difference_update(batch)
    return int(batch[-1]) + 1


async def _no_gap_filling(self: Any, tp: Any, offset_from: int, offset_to: int) -> None:
    """Offsets missing from a fetch are not processed; they are not counted as such."""
    log.warning("fetch skipped offsets %d..%d of %s; the commit waits for them", offset_from,
                offset_to - 1, tp)


def install_strict_commits() -> None:
    faust_consumer.Consumer._new_offset = _strict_new_offset  # type: ignore[method-assign]
    faust_consumer.Consumer._add_gap = _no_gap_filling  # type: ignore[method-assign]


@dataclass
class OffsetHoleHealer:
    """Seeks a partition back to its committed offset when processed offsets have stood beyond
    a hole for ``grace_seconds`` (the hole's articles were never delivered to the agent)."""

    grace_seconds: float = 10.0
    _since: dict[Any, float] = field(default_factory=dict)

    def holes(self, consumer: Any, partitions: Iterable[Any]) -> list[tuple[Any, int]]:
        found = []
        for tp in partitions:
            acked = consumer._acked.get(tp)
            committed = consumer._committed_offset.get(tp)
            if acked and committed is not None and min(acked) > committed:
                found.append((tp, int(committed)))
        return found

    async def heal(self, consumer: Any, now: float | None = None) -> list[Any]:
        now = time.monotonic() if now is None else now
        healed = []
        current = self.holes(consumer, consumer.assignment())
        for tp in list(self._since):
            if tp not in {hole_tp for hole_tp, _ in current}:
                del self._since[tp]
        for tp, committed in current:
            since = self._since.setdefault(tp, now)
            if now - since >= self.grace_seconds:
                log.warning("offset hole on %s: seeking back to committed offset %d", tp, committed)
                consumer._acked[tp].clear()
                consumer._acked_index[tp].clear()
                await consumer.seek(tp, committed)
                del self._since[tp]
                healed.append(tp)
        return healed


@dataclass
class StallWatchdog:
    """Seeks an assigned input partition back to its committed offset when it has had work waiting
    (lag > 0) and its committed offset has not moved for ``stall_seconds``.

    Why: on Tansu a worker sometimes joins, recovers, reports ready and then never receives a
    message on some or all of its partitions (no error, no rebalance: the fetch position is lost
    between the consumer and the broker). Seen in e2e runs, mostly under CPU load, and once after a
    rebalance. The watchdog puts the partition back in Faust's active set and seeks it to its
    committed offset; if the partition is still stalled one period later, :attr:`gave_up` is set
    and ``/healthz`` fails, so the orchestrator restarts the worker (which resumes from the
    committed offset; nothing is lost). In the stalls reproduced so far Faust's state was sound
    (flow active, partition active and not paused) and the seek did not help: the fetch itself
    returns nothing, and a restart is what works. A partition that is merely slow still commits
    every few seconds and is left alone. The lag and committed offsets come from
    :class:`flashpoint.lag.LagProbe`, measured from outside the consumer."""

    stall_seconds: float = 30.0
    _seen: dict[int, tuple[int, float]] = field(default_factory=dict)
    _attempts: dict[int, int] = field(default_factory=dict)
    # a partition still stalled after a seek: the worker should be restarted (/healthz says so)
    gave_up: bool = False

    def reset(self) -> None:
        """Start every period again: the worker is busy (an article is being analysed), so a
        committed offset that stands still says nothing."""
        self._seen.clear()

    def stalled(self, lag: Mapping[int, int], committed: Mapping[int, int], now: float | None = None) -> list[int]:
        """Partitions with lag whose committed offset stood still for ``stall_seconds``."""
        now = time.monotonic() if now is None else now
        out = []
        for partition, waiting in lag.items():
            position = committed.get(partition, 0)
            seen = self._seen.get(partition)
            if waiting <= 0 or seen is None or seen[0] != position:
                self._seen[partition] = (position, now)
                self._attempts.pop(partition, None)
                continue
            if now - seen[1] >= self.stall_seconds:
                out.append(partition)
                self._seen[partition] = (position, now)  # give the seek a full period to work
                self._attempts[partition] = self._attempts.get(partition, 0) + 1
                if self._attempts[partition] >= 2:
                    self.gave_up = True
        return out

    async def unstick(
        self, consumer: Any, topic: str, partitions: Iterable[int], committed: Mapping[int, int]
    ) -> list[Any]:
        """Seek the stalled partitions this worker holds (others belong to other workers)."""
        assigned = {tp.partition: tp for tp in consumer.assignment() if tp.topic == topic}
        sought = []
        for partition in partitions:
            tp = assigned.get(partition)
            if tp is None:
                continue
            offset = int(committed.get(partition, 0))
            active = getattr(consumer, "_active_partitions", None)
            log.warning(
                "partition %s has waiting messages and made no progress; resuming it and seeking to %d "
                "(flow active: %s, paused: %s, in the active set: %s)",
                tp, offset, getattr(consumer, "flow_active", None),
                tp in getattr(consumer, "_paused_partitions", ()), None if active is None else tp in active,
            )
            # the fetcher only asks for partitions in its active set: put it back there, then
            # fetch again from the committed offset
            if hasattr(consumer, "resume_partitions"):
                consumer.resume_partitions([tp])
            consumer._acked[tp].clear()
            consumer._acked_index[tp].clear()
            await consumer.seek(tp, offset)
            sought.append(tp)
        return sought
