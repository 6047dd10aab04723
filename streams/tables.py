"""Table declarations: signal counts per ``country|kind`` in tumbling windows (surge detection)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import faust

from flashpoint.settings import Settings


def declare_signal_counts(app: faust.App, settings: Settings) -> Any:
    """The windowed counting table (Faust's WindowWrapper, untyped)."""
    window = settings.surge_window_seconds
    return app.Table("signal-counts", default=int, partitions=settings.topic_partitions).tumbling(
        timedelta(seconds=window),
        expires=timedelta(seconds=window * (settings.surge_baseline_windows + 2)),
    )
