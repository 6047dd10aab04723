"""Reading a one-partition topic back from the broker, to see exactly what ingest sent."""

from __future__ import annotations

import time

from kafka import KafkaConsumer, TopicPartition

from flashpoint.service.producer import bootstrap_servers
from flashpoint.settings import Settings


def read_topic(settings: Settings, *, expect: int, timeout: float = 10.0, settle: float = 0.7) -> list[bytes]:
    """Every message on the (one-partition) raw topic: wait for ``expect``, then a little longer
    to catch any extra copy."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers(settings.broker_url),
        enable_auto_commit=False,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=1_000,
        consumer_timeout_ms=200,
    )
    try:
        tp = TopicPartition(settings.topic_raw, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        values: list[bytes] = []
        deadline = time.monotonic() + timeout
        settle_until: float | None = None
        while time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=200).values():
                values.extend(r.value for r in records)
            if len(values) >= expect:
                settle_until = settle_until or time.monotonic() + settle
                if time.monotonic() >= settle_until:
                    break
        return values
    finally:
        consumer.close()
