"""Timer ``share_publisher_homes``: publisher homes shared through Redis
(flashpoint.service.sinks.publisher_homes). They are loaded before the Faust app starts
(flashpoint.service.worker); then this worker's new counts are added and the pooled totals read
back on a timer. No start-up task: a Faust task that talks to Redis while the consumer joins its
group made fresh workers stall far more often on Tansu (see docs/operations.md)."""

from __future__ import annotations

import faust

from flashpoint.service.sinks.publisher_homes import sync_publisher_homes
from flashpoint.service.worker import WorkerContext


def register(app: faust.App, context: WorkerContext) -> None:
    async def share_publisher_homes() -> None:
        learner = context.analyzer.sources
        if learner is not None:
            await sync_publisher_homes(learner, context.publisher_homes)

    app.timer(interval=context.settings.source_profile_sync_seconds, name="share_publisher_homes")(
        share_publisher_homes)
