"""Topic declarations. Values are raw bytes: agents validate them, so a malformed message becomes
a dead letter instead of a deserialisation crash inside Faust."""

from __future__ import annotations

from dataclasses import dataclass

import faust
from faust.types import TopicT

from flashpoint.settings import Settings


@dataclass(frozen=True)
class Topics:
    raw: TopicT
    analyzed: TopicT
    dead: TopicT
    # Signal observations re-keyed by "country|kind" so one worker owns each surge counter.
    observations: TopicT


def declare_topics(app: faust.App, settings: Settings) -> Topics:
    def raw_bytes(name: str, key_type: type = bytes) -> TopicT:
        return app.topic(name, key_type=key_type, value_type=bytes, value_serializer="raw",
                         partitions=settings.topic_partitions)

    return Topics(
        raw=raw_bytes(settings.topic_raw),
        analyzed=raw_bytes(settings.topic_analyzed),
        dead=raw_bytes(settings.topic_dead),
        observations=raw_bytes(f"{settings.app_id}-signal-observations", key_type=str),
    )
