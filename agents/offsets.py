"""Timer ``heal_offset_holes``: a partition whose commit waits behind a hole is sought back to its
committed offset, and a partition never committed gets its earliest offset as the start of its
first commit (see streams/offsets.py for why holes happen and why commits wait)."""

from __future__ import annotations

import faust

from streams.offsets import OffsetHoleHealer


def register(app: faust.App) -> None:
    healer = OffsetHoleHealer(grace_seconds=3.0)

    async def heal_offset_holes() -> None:
        await healer.record_start_offsets(app.consumer)
        await healer.heal(app.consumer)

    app.timer(interval=2.0, name="heal_offset_holes")(heal_offset_holes)
