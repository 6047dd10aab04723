"""Helpers for end-to-end tests: waiting on Redis streams and reading Kafka topics back."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import redis
from kafka import KafkaConsumer, TopicPartition

from flashpoint.producer import bootstrap_servers
from flashpoint.settings import Settings


def stream_alerts(client: redis.Redis, prefix: str) -> list[dict[str, Any]]:
    return [json.loads(fields["alert"]) for _id, fields in client.xrange(f"{prefix}alerts")]


def wait_for(predicate: Callable[[], Any], *, timeout: float, interval: float = 0.2, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")


def read_topic(
    settings: Settings, topic: str, *, expect: int, timeout: float = 30.0,
    until: Callable[[list[dict[str, Any]]], bool] | None = None,
) -> list[dict[str, Any]]:
    """Read JSON values from every partition of ``topic`` from the start until ``expect`` arrived
    (or ``until(values)`` holds, when given)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers(settings.broker_url), enable_auto_commit=False)
    try:
        partitions = wait_for(lambda: consumer.partitions_for_topic(topic), timeout=timeout, what=topic)
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        consumer.seek_to_beginning()
        values: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        done = until or (lambda vs: len(vs) >= expect)
        while not done(values) and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                values.extend(json.loads(r.value) for r in records)
        return values
    finally:
        consumer.close()
