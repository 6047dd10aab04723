"""Sending a record and waiting until the broker has it, again and again if it must.

Agents await delivery before they finish an event, so an offset is never committed ahead of a
record it produced. A send can still fail: the broker is away longer than the producer's request
timeout, or a batch could not find its partition's leader in time. Such a failure is sent again
(with backoff) rather than dropped or allowed to crash the agent: the event stays unfinished
until its record is delivered, which is at-least-once (a record may appear twice; the publishing
side is idempotent).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiokafka.errors import KafkaError
from faust.exceptions import ProducerSendError
from faust.types import ChannelT

log = logging.getLogger("flashpoint.delivery")
_RETRYABLE = (KafkaError, ProducerSendError, asyncio.TimeoutError)


async def deliver(
    channel: ChannelT[Any],
    *,
    key: Any,
    value: Any,
    on_retry: Callable[[], None] | None = None,
    backoff: float = 0.5,
    max_backoff: float = 10.0,
) -> None:
    """Send ``value`` to ``channel`` and return once the broker acknowledged it."""
    attempt = 0
    while True:
        try:
            await (await channel.send(key=key, value=value))
            if attempt:
                log.info("delivered to %s after %d failed attempts", channel, attempt)
            return
        except _RETRYABLE as e:
            attempt += 1
            if on_retry is not None:
                on_retry()
            log.warning("delivery to %s failed (attempt %d), sending again: %s: %s",
                        channel, attempt, type(e).__name__, e)
            await asyncio.sleep(min(backoff * 2 ** (attempt - 1), max_backoff))
