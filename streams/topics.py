"""Topic declarations. Values are raw bytes: agents validate them, so a malformed message becomes
a dead letter instead of a deserialisation crash inside Faust."""

from __future__ import annotations

from streams.app import app, settings

raw_articles = app.topic(
    settings.topic_raw, key_type=bytes, value_type=bytes, value_serializer="raw",
    partitions=settings.topic_partitions,
)
analyzed_articles = app.topic(
    settings.topic_analyzed, key_type=bytes, value_type=bytes, value_serializer="raw",
    partitions=settings.topic_partitions,
)
dead_letters = app.topic(
    settings.topic_dead, key_type=bytes, value_type=bytes, value_serializer="raw",
    partitions=settings.topic_partitions,
)
# Signal observations re-keyed by "country|kind" so one worker owns each surge counter.
signal_observations = app.topic(
    f"{settings.app_id}-signal-observations", key_type=str, value_type=bytes,
    value_serializer="raw", partitions=settings.topic_partitions,
)
