"""The library patches: installed only on request, only on supported versions, and the aiokafka
metadata fix against a real Tansu broker.

The stall it fixes: aiokafka tracks a topic's metadata only when a send had to look the topic up.
A topic known from the all-topics answer at bootstrap (``articles.analyzed``) is never tracked;
once another topic is (the surge topics), metadata answers list only tracked topics and replace
the client's view, so the first topic's partitions vanish and a batch waiting for it at that
moment never finds a leader. The worker then sends Metadata requests for only the surge topics
in a tight loop, which is what was seen on stalled workers (docs/operations.md).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaTimeoutError, NotLeaderForPartitionError
from aiokafka.structs import TopicPartition
from faust.transport import consumer as faust_consumer

from flashpoint.devenv.broker import TansuBroker
from flashpoint.settings import Settings
from streams import patches
from streams.offsets import strict_new_offset

SETTINGS = Settings(_env_file=None)


@pytest.fixture
def installed() -> Iterator[None]:
    patches.install(SETTINGS)
    yield
    patches.uninstall()


def test_an_unsupported_library_version_is_refused_with_the_supported_ones_named() -> None:
    with pytest.raises(patches.UnsupportedLibraryError) as raised:
        patches.check_versions({"faust-streaming": "0.16.0", "aiokafka": "0.14.0"})
    message = str(raised.value)
    assert "faust-streaming 0.16.0" in message
    assert "faust-streaming 0.15.3" in message and "aiokafka 0.14" in message


def test_a_patch_release_of_a_supported_series_is_accepted() -> None:
    patches.check_versions({"faust-streaming": "0.15.3", "aiokafka": "0.14.7"})


def test_install_replaces_and_uninstall_restores_the_library_methods() -> None:
    original = faust_consumer.Consumer.__dict__["_new_offset"]
    patches.install(SETTINGS)
    try:
        assert faust_consumer.Consumer.__dict__["_new_offset"] is strict_new_offset
        assert patches.is_installed()
    finally:
        patches.uninstall()
    assert faust_consumer.Consumer.__dict__["_new_offset"] is original
    assert not patches.is_installed()


def test_installing_twice_keeps_the_true_originals() -> None:
    original = faust_consumer.Consumer.__dict__["_add_gap"]
    patches.install(SETTINGS)
    patches.install(SETTINGS)
    patches.uninstall()
    assert faust_consumer.Consumer.__dict__["_add_gap"] is original


# --- the aiokafka metadata stall, against Tansu -------------------------------------------------


@pytest.fixture(scope="module")
def broker() -> Iterator[TansuBroker]:
    with TansuBroker() as b:
        yield b


@pytest.fixture
async def producer(broker: TansuBroker) -> AsyncIterator[tuple[AIOKafkaProducer, str]]:
    """A producer that knows one topic from its bootstrap metadata only, like the worker's
    producer knows ``articles.analyzed`` (created before the worker started)."""
    known = f"known-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(known, 4, 1)])
    finally:
        await admin.close()
    p = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, request_timeout_ms=4000, linger_ms=0)
    await p.start()
    yield p, known
    await p.stop()


async def send_to_known_then_to_a_new_topic(producer: AIOKafkaProducer, known: str) -> None:
    await (await producer.send(known, b"first"))
    await (await producer.send(f"later-{uuid.uuid4().hex[:8]}", b"first"))  # like the surge topics


@pytest.mark.usefixtures("installed")
async def test_a_topic_sent_to_keeps_its_partitions_after_another_topic_is_looked_up(
    producer: tuple[AIOKafkaProducer, str],
) -> None:
    client, known = producer[0].client, producer[1]
    await send_to_known_then_to_a_new_topic(producer[0], known)
    assert client.cluster.partitions_for_topic(known) == {0, 1, 2, 3}


@pytest.mark.usefixtures("installed")
async def test_a_batch_waiting_when_another_topic_is_looked_up_is_still_delivered(
    producer: tuple[AIOKafkaProducer, str],
) -> None:
    p, known = producer
    await send_to_known_then_to_a_new_topic(p, known)
    # A batch enqueued for the first topic as the other topic's metadata answer arrives.
    delivered = await p._message_accumulator.add_message(TopicPartition(known, 1), None, b"waiting", timeout=4)
    assert (await delivered).offset >= 0


async def test_without_the_patch_that_batch_finds_no_leader_until_it_expires(
    producer: tuple[AIOKafkaProducer, str],
) -> None:
    """The defect itself, so the two tests above prove the patch and not a changed library."""
    p, known = producer
    await send_to_known_then_to_a_new_topic(p, known)
    assert p.client.cluster.partitions_for_topic(known) is None
    waiting = await p._message_accumulator.add_message(TopicPartition(known, 1), None, b"waiting", timeout=4)
    # after request_timeout_ms in the accumulator without a leader (Faust's default: 20 minutes)
    with pytest.raises((KafkaTimeoutError, NotLeaderForPartitionError)):
        await waiting
