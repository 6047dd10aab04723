"""Consumer lag: measured against a real broker, refreshed without blocking or overlapping."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator, Mapping

import pytest

from flashpoint.devenv.broker import TansuBroker
from flashpoint.service.lag import LagProbe, LagRefresher
from flashpoint.service.producer import ArticleProducer, ensure_topics
from flashpoint.settings import Settings


@pytest.fixture(scope="module")
def broker() -> Iterator[TansuBroker]:
    with TansuBroker() as b:
        yield b


def test_lag_is_every_message_of_a_group_that_committed_nothing(broker: TansuBroker) -> None:
    run = uuid.uuid4().hex[:8]
    settings = Settings(broker_url=broker.url, topic_raw=f"lag-{run}", topic_analyzed=f"lag-a-{run}",
                        topic_dead=f"lag-d-{run}", topic_partitions=1, app_id=f"lag-{run}")
    ensure_topics(settings)
    with ArticleProducer(settings) as producer:
        for n in range(3):  # one record per send: Tansu's end offset is exact for single-record batches
            producer.send({"id": f"a{n}", "text": "x"})
            producer.flush()
    probe = LagProbe(settings, settings.topic_raw)
    try:
        assert probe.measure() == {0: 3}
    finally:
        probe.close()


class SlowProbe:
    """A probe whose measurement waits until released, counting how many ran."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def measure(self) -> dict[int, int]:
        self.calls += 1
        self.release.wait(5)
        return {0: 7}

    def close(self) -> None:
        pass


async def test_a_tick_returns_at_once_and_never_starts_a_second_measurement_while_one_runs() -> None:
    probe, published = SlowProbe(), []
    refresher = LagRefresher(probe, published.append)  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    started = loop.time()
    first = refresher.tick()
    assert first is not None and refresher.tick() is None and refresher.tick() is None
    assert loop.time() - started < 0.5, "the timer never waits on the broker"
    probe.release.set()
    await first
    await asyncio.sleep(0)
    assert (probe.calls, refresher.skipped, published) == (1, 2, [{0: 7}])
    refresher.close()


async def test_no_measurement_starts_while_the_broker_is_known_to_be_down() -> None:
    probe, published = SlowProbe(), []
    up = [False]
    refresher = LagRefresher(probe, published.append, broker_up=lambda: up[0])  # type: ignore[arg-type]
    assert refresher.tick() is None and probe.calls == 0
    up[0] = True
    probe.release.set()
    future = refresher.tick()
    assert future is not None
    await future
    await asyncio.sleep(0)
    assert published == [{0: 7}]
    refresher.close()


def test_a_failed_measurement_publishes_nothing_so_the_last_values_stay() -> None:
    published: list[Mapping[int, int]] = []
    settings = Settings(broker_url="kafka://127.0.0.1:1")
    refresher = LagRefresher(LagProbe(settings, "t"), published.append)

    async def run() -> None:
        future = refresher.tick()
        assert future is not None
        assert await future == {}
        await asyncio.sleep(0)

    asyncio.run(run())
    refresher.close()
    assert published == []
