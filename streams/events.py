"""What an agent learns about a Faust message for tracing: topic, partition, offset, time, key."""

from __future__ import annotations

from typing import Any

from flashpoint.service.pipeline import MessageMeta


def message_meta(message: Any) -> MessageMeta:
    """The provenance of a Faust ``Message`` (copied into dead letters)."""
    key = message.key.decode("utf-8", "replace") if isinstance(message.key, bytes) else message.key
    return MessageMeta(message.topic, message.partition, message.offset, message.timestamp,
                       None if key is None else str(key))
