"""Readiness: named checks, all of which must pass before the worker takes traffic.

``/readyz`` answers 200 only when every check passes, and names each one in its body, so an
operator sees which one failed. A new condition (the broker, a model, a disk) is one more entry
in the mapping the worker builds (``agents/web.py``); nothing else changes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

log = logging.getLogger(__name__)

Check = Callable[[], Awaitable[bool]]


@dataclass(frozen=True)
class Readiness:
    checks: Mapping[str, Check]
    timeout: float = 2.0  # a check that does not answer in time has failed

    async def evaluate(self) -> tuple[bool, dict[str, bool]]:
        results = await asyncio.gather(*(self._run(name, check) for name, check in self.checks.items()))
        by_name = dict(zip(self.checks, results, strict=True))
        return all(results), by_name

    async def _run(self, name: str, check: Check) -> bool:
        try:
            return bool(await asyncio.wait_for(check(), self.timeout))
        except Exception as e:  # a failing check is a "not ready", never a crashed view
            log.warning("readiness check %s failed: %s: %s", name, type(e).__name__, e)
            return False
