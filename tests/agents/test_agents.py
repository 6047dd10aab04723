"""The Faust agents in isolation (faust's ``test_context``): the input topic is replaced by an
in-memory channel and the output topics by recorders, while the analysis and Redis are real."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import uuid
from collections.abc import Iterator
from types import ModuleType
from typing import Any
from unittest import mock

import pytest
import redis

from flashpoint.devenv.processes import redis_answers

PREFIX = f"flashpoint-test:agents-{uuid.uuid4().hex[:8]}:"
pytestmark = pytest.mark.skipif(not redis_answers("redis://127.0.0.1:6379/0"), reason="needs Redis")


async def eventually(condition: Any, within: float = 20.0) -> None:
    """A non-yielding agent's ``put`` returns once the event entered the stream, not once it was
    processed: wait for the effect instead."""
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the agent did not produce the expected effect in time")
        await asyncio.sleep(0.02)


class RecordingTopic:
    """Stands in for ``Topic.send``: records what an agent sends, delivers at once."""

    def __init__(self) -> None:
        self.sent: list[tuple[Any, Any]] = []

    async def send(self, *, key: Any = None, value: Any = None, **_: Any) -> asyncio.Future[None]:
        self.sent.append((key, value))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


@pytest.fixture(scope="module")
def agents_package() -> Iterator[ModuleType]:
    """Import the agents with settings pointing at a private Redis key prefix."""
    saved = dict(os.environ)
    os.environ.update({"FLASHPOINT_REDIS_KEY_PREFIX": PREFIX, "FLASHPOINT_APP_ID": "flashpoint-agents-test"})
    try:
        package = importlib.import_module("agents")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    # Another test may have imported streams.app (and so read the settings) first; point the
    # worker's sink at the private prefix whatever the import order was.
    from agents.runtime import context

    default_prefix = context.sink.keys.prefix
    context.sink.keys.prefix = PREFIX
    yield package
    context.sink.keys.prefix = default_prefix
    client = redis.Redis(decode_responses=True)
    keys = list(client.scan_iter(f"{PREFIX}*"))
    if keys:
        client.delete(*keys)
    client.close()


async def test_malformed_message_goes_to_dead_letters_with_its_reason(agents_package: ModuleType) -> None:
    from agents.analyze import analyze_articles
    from streams import topics

    dead, analyzed = RecordingTopic(), RecordingTopic()
    with mock.patch.object(topics.dead_letters, "send", dead.send), \
            mock.patch.object(topics.analyzed_articles, "send", analyzed.send):
        async with analyze_articles.test_context() as agent:
            await agent.put(b'{"id": "broken", "text": ', key=b"broken")
            await eventually(lambda: dead.sent)
    assert analyzed.sent == []
    record = json.loads(dead.sent[0][1])
    assert record["reason"] == "invalid_json"
    assert record["raw"] == '{"id": "broken", "text": '


async def test_article_is_analysed_onto_the_analyzed_topic(agents_package: ModuleType) -> None:
    from agents.analyze import analyze_articles
    from streams import topics

    dead, analyzed = RecordingTopic(), RecordingTopic()
    article = {"id": "mali-1", "text": "Mali's government ordered the mobilization of 5,000 reservists "
                                       "after jihadist fighters seized three towns in the Mopti region."}
    with mock.patch.object(topics.dead_letters, "send", dead.send), \
            mock.patch.object(topics.analyzed_articles, "send", analyzed.send):
        async with analyze_articles.test_context() as agent:
            await agent.put(json.dumps(article).encode(), key=b"mali-1")
            await eventually(lambda: analyzed.sent)
    assert dead.sent == []
    key, value = analyzed.sent[0]
    record = json.loads(value)
    assert key == b"mali-1"
    assert record["id"] == "mali-1"
    assert "mobilization" in {s["kind"] for s in record["signals"]}


async def test_analysis_with_signals_becomes_an_alert_and_surge_observations(agents_package: ModuleType) -> None:
    from agents.publish import publish_alerts
    from streams import topics

    observations = RecordingTopic()
    analysis = {
        "id": "a-1", "title": "Troops desert", "url": None, "source": "t", "published_at": None,
        "severity": "urgent", "cleaned_text": "Two hundred soldiers deserted near Kharkiv on Monday.",
        "regions": {"primary_country": "UA", "countries": [{"code": "UA"}], "subdivisions": [],
                    "macro_regions": []},
        "topics": [], "source_timestamp": None,
        "signals": [{"kind": "desertion", "country": "UA", "modality": "asserted",
                     "evidence": {"start": 0, "end": 10, "text": "Two hundre"}},
                    {"kind": "air_strike", "country": "UA", "modality": "threatened",
                     "evidence": {"start": 0, "end": 3, "text": "Two"}}],
    }
    client = redis.Redis(decode_responses=True)
    try:
        with mock.patch.object(topics.signal_observations, "send", observations.send):
            async with publish_alerts.test_context() as agent:
                await agent.put(json.dumps(analysis).encode(), key=b"a-1")
                await eventually(lambda: observations.sent)
        entries = client.xrange(f"{PREFIX}alerts")
    finally:
        client.close()
    assert [json.loads(f["alert"])["article_id"] for _i, f in entries] == ["a-1"]
    # Only asserted signals count towards surges.
    assert observations.sent == [("UA|desertion", b"1")]
