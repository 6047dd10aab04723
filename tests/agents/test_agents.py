"""The Faust agents in isolation (faust's ``test_context``): the input topic is replaced by an
in-memory channel and the output topics by recorders, while the analysis and Redis are real."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
import redis
from prometheus_client import CollectorRegistry

from agents.worker import Worker, build_worker
from flashpoint.devenv.processes import redis_answers
from flashpoint.service.records import WIRE_VERSION, AnalyzedArticle
from flashpoint.service.stories import StorySignature
from flashpoint.settings import Settings
from streams import patches

PREFIX = f"flashpoint-test:agents-{uuid.uuid4().hex[:8]}:"
# One event loop for the module: the worker's Redis client is bound to the loop it first ran on.
pytestmark = [pytest.mark.skipif(not redis_answers("redis://127.0.0.1:6379/0"), reason="needs Redis"),
              pytest.mark.asyncio(loop_scope="module")]


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
def worker() -> Iterator[Worker]:
    """A worker built as ``flashpoint worker`` builds it, on a private Redis key prefix."""
    settings = Settings(_env_file=None, redis_key_prefix=PREFIX, app_id="flashpoint-agents-test")
    built = build_worker(settings, registry=CollectorRegistry())
    yield built
    patches.uninstall()
    built.executor.shutdown()
    client = redis.Redis(decode_responses=True)
    keys = list(client.scan_iter(f"{PREFIX}*"))
    if keys:
        client.delete(*keys)
    client.close()


async def test_malformed_message_goes_to_dead_letters_with_its_reason(worker: Worker) -> None:
    dead, analyzed = RecordingTopic(), RecordingTopic()
    with mock.patch.object(worker.topics.dead, "send", dead.send), \
            mock.patch.object(worker.topics.analyzed, "send", analyzed.send):
        async with worker.agents["analyze_articles"].test_context() as agent:
            await agent.put(b'{"id": "broken", "text": ', key=b"broken")
            await eventually(lambda: dead.sent)
    assert analyzed.sent == []
    record = json.loads(dead.sent[0][1])
    assert record["reason"] == "invalid_json"
    assert record["raw"] == '{"id": "broken", "text": '


async def test_article_is_analysed_onto_the_analyzed_topic_as_a_typed_record(worker: Worker) -> None:
    dead, analyzed = RecordingTopic(), RecordingTopic()
    article = {"id": "mali-1", "text": "Mali's government ordered the mobilization of 5,000 reservists "
                                       "after jihadist fighters seized three towns in the Mopti region."}
    with mock.patch.object(worker.topics.dead, "send", dead.send), \
            mock.patch.object(worker.topics.analyzed, "send", analyzed.send):
        async with worker.agents["analyze_articles"].test_context() as agent:
            await agent.put(json.dumps(article).encode(), key=b"mali-1")
            await eventually(lambda: analyzed.sent)
    assert dead.sent == []
    key, value = analyzed.sent[0]
    record = AnalyzedArticle.from_bytes(value)
    assert key == b"mali-1"
    assert (record.id, json.loads(value)["v"]) == ("mali-1", WIRE_VERSION)
    assert "mobilization" in record.kinds


async def test_the_analysed_record_carries_the_story_signature_instead_of_the_text(worker: Worker) -> None:
    analyzed = RecordingTopic()
    article = {"id": "mali-2", "text": "Mali's government ordered the mobilization of 5,000 reservists "
                                       "after jihadist fighters seized three towns in the Mopti region."}
    with mock.patch.object(worker.topics.analyzed, "send", analyzed.send):
        async with worker.agents["analyze_articles"].test_context() as agent:
            await agent.put(json.dumps(article).encode(), key=b"mali-2")
            await eventually(lambda: analyzed.sent)
    record = json.loads(analyzed.sent[0][1])
    assert "cleaned_text" not in record
    assert StorySignature.decode(record["signature"]) == StorySignature.of(article["text"])


def wire_record(article_id: str) -> AnalyzedArticle:
    return AnalyzedArticle(
        id=article_id, severity="urgent", title="Troops desert", source="t", primary_country="UA",
        countries=("UA",), signature=StorySignature.of("Two hundred soldiers deserted near Kharkiv on Monday."),
        signals=({"kind": "desertion", "country": "UA", "modality": "asserted",
                  "evidence": {"start": 0, "end": 10, "text": "Two hundre"}},
                 {"kind": "air_strike", "country": "UA", "modality": "threatened",
                  "evidence": {"start": 0, "end": 3, "text": "Two"}}),
    )


async def test_analysis_with_signals_becomes_an_alert_and_surge_observations(worker: Worker) -> None:
    observations = RecordingTopic()
    client = redis.Redis(decode_responses=True)
    try:
        with mock.patch.object(worker.topics.observations, "send", observations.send):
            async with worker.agents["publish_alerts"].test_context() as agent:
                await agent.put(wire_record("a-1").to_bytes(), key=b"a-1")
                await eventually(lambda: observations.sent)
        entries = client.xrange(f"{PREFIX}alerts")
    finally:
        client.close()
    assert "a-1" in [json.loads(f["alert"])["article_id"] for _i, f in entries]
    # Only asserted signals count towards surges.
    assert observations.sent == [("UA|desertion", b"1")]


async def test_a_record_of_the_previous_wire_version_still_alerts(worker: Worker) -> None:
    version_1 = {
        "id": "v1-1", "title": "Troops desert", "url": None, "source": "t", "published_at": None,
        "severity": "urgent",
        "cleaned_text": "Three hundred conscripts left their posts outside Zaporizhzhia overnight, officials said.",
        "regions": {"primary_country": "UA", "countries": [{"code": "UA"}], "subdivisions": [],
                    "macro_regions": []},
        "topics": [], "source_timestamp": None,
        "signals": [{"kind": "desertion", "country": "UA", "modality": "asserted",
                     "evidence": {"start": 0, "end": 10, "text": "Three hund"}}],
    }
    observations = RecordingTopic()
    with mock.patch.object(worker.topics.observations, "send", observations.send):
        async with worker.agents["publish_alerts"].test_context() as agent:
            await agent.put(json.dumps(version_1).encode(), key=b"v1-1")
            await eventually(lambda: observations.sent)
    client = redis.Redis(decode_responses=True)
    try:
        alerts = [json.loads(f["alert"]) for _i, f in client.xrange(f"{PREFIX}alerts")]
    finally:
        client.close()
    assert any(a["article_id"] == "v1-1" and a["countries"] == ["UA"] for a in alerts)


async def test_an_unreadable_record_is_dead_lettered_not_dropped(worker: Worker) -> None:
    dead = RecordingTopic()
    with mock.patch.object(worker.topics.dead, "send", dead.send):
        async with worker.agents["publish_alerts"].test_context() as agent:
            await agent.put(json.dumps({"v": 99, "id": "future"}).encode(), key=b"future")
            await eventually(lambda: dead.sent)
    record = json.loads(dead.sent[0][1])
    assert record["reason"] == "invalid_record"
    assert "wire version 99" in record["detail"]
