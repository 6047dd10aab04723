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
after them is harmless: alert writes are idempotent). ``streams/patches.py`` installs the two
replacements on Faust's consumer.

A partition nobody has committed yet has no committed offset to start the run from, and the
hole can be at its very head (a chaos run committed over 11 raw articles that way). Such a
partition commits nothing until :meth:`OffsetHoleHealer.record_start_offsets` has set its
committed offset to the partition's earliest offset, where the consumer starts
(``auto_offset_reset="earliest"``); from there the rule above applies as everywhere else.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiokafka.errors import KafkaError
from faust.utils.functional import consecutive_numbers

log = logging.getLogger("flashpoint.offsets")


def strict_new_offset(self: Any, tp: Any) -> int | None:
    """The offset to commit for ``tp``: one past the run of acknowledged offsets that starts at
    the committed offset, or None when the head of that run is missing (never skip it)."""
    acked = self._acked[tp]
    committed = self._committed_offset.get(tp)
    if not acked or committed is None:  # None: start not known yet (record_start_offsets)
        return None
    acked.sort()
    if acked[0] > committed:
        return None
    batch = next(consecutive_numbers(acked))
    acked[: len(batch)] = []
    self._acked_index[tp].difference_update(batch)
    return int(batch[-1]) + 1


async def no_gap_filling(self: Any, tp: Any, offset_from: int, offset_to: int) -> None:
    """Offsets missing from a fetch are not processed; they are not counted as such."""
    log.warning("fetch skipped offsets %d..%d of %s; the commit waits for them", offset_from,
                offset_to - 1, tp)


@dataclass
class OffsetHoleHealer:
    """Seeks a partition back to its committed offset when processed offsets have stood beyond
    a hole for ``grace_seconds`` (the hole's articles were never delivered to the agent)."""

    grace_seconds: float = 10.0
    lookup_timeout_seconds: float = 5.0
    _since: dict[Any, float] = field(default_factory=dict)

    async def record_start_offsets(self, consumer: Any) -> list[Any]:
        """Give each assigned partition with no committed offset its earliest offset as the
        committed one, so its first commit must start there; returns those partitions."""
        unknown = [tp for tp in consumer.assignment() if consumer._committed_offset.get(tp) is None]
        if not unknown:
            return []
        try:
            earliest = await asyncio.wait_for(consumer.earliest_offsets(*unknown),
                                              self.lookup_timeout_seconds)
        except (TimeoutError, KafkaError) as e:  # the broker is away: commits wait, try again
            log.warning("earliest offsets of %d partitions unknown (%s); their commits wait",
                        len(unknown), type(e).__name__)
            return []
        recorded = []
        for tp, offset in earliest.items():
            if consumer._committed_offset.get(tp) is None:
                consumer._committed_offset[tp] = int(offset)
                recorded.append(tp)
        return recorded

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

