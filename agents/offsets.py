"""Timer ``heal_offset_holes``: a partition whose commit waits behind a hole is sought back to its
committed offset (see streams/offsets.py for why holes happen and why commits wait)."""

from __future__ import annotations

from streams.app import app
from streams.offsets import OffsetHoleHealer

_healer = OffsetHoleHealer(grace_seconds=3.0)


@app.timer(interval=2.0)  # type: ignore[untyped-decorator]  # faust timers are untyped
async def heal_offset_holes() -> None:
    await _healer.heal(app.consumer)
