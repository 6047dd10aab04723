"""Table declarations: signal counts per ``country|kind`` in tumbling windows (surge detection)."""

from __future__ import annotations

from datetime import timedelta

from streams.app import app, settings

signal_counts = app.Table(
    "signal-counts", default=int, partitions=settings.topic_partitions,
).tumbling(
    timedelta(seconds=settings.surge_window_seconds),
    expires=timedelta(seconds=settings.surge_window_seconds * (settings.surge_baseline_windows + 2)),
)
