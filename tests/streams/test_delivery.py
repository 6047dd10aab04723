"""A record whose delivery failed is sent again until the broker has it: never dropped."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka.errors import KafkaTimeoutError

from streams.delivery import deliver


class FlakyChannel:
    """Fails the first ``failures`` deliveries the way aiokafka does: the send is accepted and
    the delivery future then raises (a batch that expired in the accumulator)."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[tuple[Any, Any]] = []

    async def send(self, *, key: Any, value: Any) -> asyncio.Future[None]:
        self.sent.append((key, value))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if len(self.sent) <= self.failures:
            done.set_exception(KafkaTimeoutError())
        else:
            done.set_result(None)
        return done


async def test_a_delivery_that_times_out_is_sent_again_until_it_is_delivered() -> None:
    channel, retries = FlakyChannel(failures=2), []
    await deliver(channel, key=b"k", value=b"record", on_retry=lambda: retries.append(1),  # type: ignore[arg-type]
                  backoff=0.01)
    assert channel.sent == [(b"k", b"record")] * 3
    assert len(retries) == 2


async def test_a_delivered_record_is_sent_once() -> None:
    channel = FlakyChannel(failures=0)
    await deliver(channel, key=None, value=b"record")  # type: ignore[arg-type]
    assert channel.sent == [(None, b"record")]
