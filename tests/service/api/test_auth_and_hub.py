"""Tokens, rate limits and the per-client SSE buffer bound (no Redis, no server)."""

from __future__ import annotations

import hashlib

from flashpoint.service.api.auth import RateLimiter, TokenAuthority, fingerprint
from flashpoint.service.api.hub import Subscriber, sse_frame
from flashpoint.service.api.query import AlertQuery, StreamId


async def test_a_configured_token_authenticates_and_is_known_by_its_fingerprint_only() -> None:
    authority = TokenAuthority("alpha-secret, beta-secret")
    who = await authority.authenticate("beta-secret")
    assert who is not None
    assert who.id == "tok-" + hashlib.sha256(b"beta-secret").hexdigest()[:12]
    assert "secret" not in who.id
    assert await authority.authenticate("gamma") is None


def test_the_fingerprint_does_not_contain_the_token() -> None:
    assert "hunter2" not in fingerprint("hunter2")


def test_the_rate_limiter_allows_a_burst_then_refills_over_time() -> None:
    limiter = RateLimiter(60)  # one a second, bursts of 60
    assert all(limiter.allow("t", now=0.0)[0] for _ in range(60))
    allowed, wait = limiter.allow("t", now=0.0)
    assert not allowed
    assert 0.9 < wait <= 1.0
    assert limiter.allow("t", now=1.01)[0]
    assert limiter.allow("other", now=0.0)[0]


def test_a_subscriber_whose_buffer_is_full_is_closed_as_slow_and_its_buffer_freed() -> None:
    sub = Subscriber(AlertQuery(), queue_max=3)
    frames = [(StreamId(i, 0), sse_frame(StreamId(i, 0), "{}")) for i in range(4)]
    assert all(sub.offer(*f) for f in frames[:3])
    assert not sub.offer(*frames[3])
    assert sub.closed_reason == "slow"
    assert len(sub.frames) == 0


def test_an_sse_frame_carries_the_stream_id_as_event_id() -> None:
    assert sse_frame(StreamId(17, 2), '{"a": 1}') == b'id: 17-2\nevent: alert\ndata: {"a": 1}\n\n'
