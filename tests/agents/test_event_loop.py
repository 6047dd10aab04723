"""The worker's event loops: uvloop unless ``FLASHPOINT_EVENT_LOOP=asyncio``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import uvloop

from agents.worker import install_event_loop
from flashpoint.settings import Settings


@pytest.fixture
def restored_policy() -> Iterator[None]:
    before = asyncio.get_event_loop_policy()
    yield
    asyncio.set_event_loop_policy(before)


@pytest.mark.usefixtures("restored_policy")
def test_the_worker_runs_its_loops_on_uvloop_by_default() -> None:
    install_event_loop(Settings(_env_file=None))
    loop = asyncio.new_event_loop()  # as Faust's consumer thread makes its own
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()


@pytest.mark.usefixtures("restored_policy")
def test_the_asyncio_loop_can_be_chosen() -> None:
    install_event_loop(Settings(_env_file=None, event_loop="asyncio"))
    loop = asyncio.new_event_loop()
    try:
        assert not isinstance(loop, uvloop.Loop)
    finally:
        loop.close()
