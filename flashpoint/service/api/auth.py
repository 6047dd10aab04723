"""Bearer tokens and per-token rate limits for ``flashpoint api``.

Tokens come from ``FLASHPOINT_API_TOKENS`` (comma-separated) and, optionally, from a Redis set
of their SHA-256 hex digests (``FLASHPOINT_API_TOKENS_REDIS_SET``), so tokens can be added or
revoked without a restart and Redis never holds them in clear. Every token has the read-only
scope: the API has no write route. A token is never logged; logs and rate-limit state use its
fingerprint, the first 12 hex digits of its digest.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

READ_SCOPE = "alerts:read"
REDIS_SET_CACHE_SECONDS = 10.0


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def fingerprint(token: str) -> str:
    return "tok-" + token_digest(token)[:12]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a token's fingerprint, or ``anon:<address>`` when anonymous access is on."""

    id: str
    scopes: frozenset[str]
    anonymous: bool = False


class TokenAuthority:
    def __init__(self, tokens: str, *, redis_client: Any = None, redis_set: str = "") -> None:
        self._digests = frozenset(token_digest(t.strip()) for t in tokens.split(",") if t.strip())
        self._redis = redis_client
        self._redis_set = redis_set
        self._cached: frozenset[str] = frozenset()
        self._cached_at = -REDIS_SET_CACHE_SECONDS

    @property
    def configured(self) -> bool:
        return bool(self._digests or self._redis_set)

    async def _redis_digests(self) -> frozenset[str]:
        if not self._redis_set or self._redis is None:
            return frozenset()
        now = time.monotonic()
        if now - self._cached_at >= REDIS_SET_CACHE_SECONDS:
            try:
                self._cached = frozenset(await self._redis.smembers(self._redis_set))
                self._cached_at = now
            except RedisError:
                pass  # keep the last known set; the env tokens still work
        return self._cached

    async def authenticate(self, token: str) -> Principal | None:
        digest = token_digest(token)
        known = self._digests | await self._redis_digests()
        # constant-time comparison against each known digest
        if any(hmac.compare_digest(digest, d) for d in known):
            return Principal(fingerprint(token), frozenset({READ_SCOPE}))
        return None


class RateLimiter:
    """A token bucket per principal: ``per_minute`` requests, bursting up to the same number."""

    def __init__(self, per_minute: int, *, max_buckets: int = 100_000) -> None:
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / 60.0
        self.max_buckets = max_buckets
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str, now: float | None = None) -> tuple[bool, float]:
        """(allowed, seconds until the next request would be allowed)."""
        t = time.monotonic() if now is None else now
        level, last = self._buckets.get(key, (self.capacity, t))
        level = min(self.capacity, level + (t - last) * self.refill_per_second)
        if level >= 1.0:
            self._store(key, (level - 1.0, t))
            return True, 0.0
        self._store(key, (level, t))
        return False, (1.0 - level) / self.refill_per_second

    def _store(self, key: str, value: tuple[float, float]) -> None:
        if key not in self._buckets and len(self._buckets) >= self.max_buckets:
            # anonymous addresses could grow this without bound: forget the oldest bucket
            self._buckets.pop(next(iter(self._buckets)))
        self._buckets[key] = value
