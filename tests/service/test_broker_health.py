"""The broker probe against a real Tansu broker: up while it answers, down within the timeout
when the process is frozen (SIGSTOP), up again when it resumes (SIGCONT)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from flashpoint.devenv.broker import TansuBroker, free_port
from flashpoint.service.broker_health import BrokerHealth, BrokerProbe
from flashpoint.settings import Settings


@pytest.fixture(scope="module")
def broker() -> Iterator[TansuBroker]:
    with TansuBroker() as b:
        yield b


def _settings(url: str, **overrides: float) -> Settings:
    return Settings(broker_url=url, broker_probe_timeout_seconds=1.0, broker_unready_after_seconds=3.0, **overrides)


async def test_a_running_broker_is_up_and_reported_once(broker: TansuBroker) -> None:
    changes: list[bool] = []
    probe = BrokerProbe(_settings(broker.url), on_change=changes.append)
    try:
        assert await probe.check() and await probe.check()
    finally:
        await probe.close()
    assert changes == [True] and probe.health.down_since is None and probe.ready()


async def test_nothing_listening_is_down_within_the_timeout() -> None:
    probe = BrokerProbe(_settings(f"kafka://127.0.0.1:{free_port()}"))
    started = time.monotonic()
    assert not await probe.check()
    assert time.monotonic() - started < 1.5
    assert probe.health.down_since is not None


async def test_a_frozen_broker_is_down_within_the_timeout_and_up_again_after_it_resumes(broker: TansuBroker) -> None:
    changes: list[bool] = []
    probe = BrokerProbe(_settings(broker.url), on_change=changes.append)
    assert broker.pid is not None
    try:
        assert await probe.check()
        os.kill(broker.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            assert not await probe.check()
            assert time.monotonic() - started < 1.5, "the probe waits no longer than its timeout"
            assert probe.ready(), "one failed probe is not yet an outage"
        finally:
            os.kill(broker.pid, signal.SIGCONT)
        assert await probe.check()
    finally:
        await probe.close()
    assert changes == [True, False, True]


def test_readiness_fails_only_after_the_broker_was_unreachable_longer_than_the_setting() -> None:
    now = [100.0]
    probe = BrokerProbe(_settings("kafka://127.0.0.1:1"), clock=lambda: now[0],
                        health=BrokerHealth(up=False, down_since=100.0))
    now[0] = 103.0
    assert probe.ready()
    now[0] = 103.5
    assert not probe.ready()
