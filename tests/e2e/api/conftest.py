"""Fixtures for ``flashpoint api`` end-to-end tests: real Redis (own key prefix, cleaned up) and
the real ``flashpoint api`` process. No broker: the API only reads Redis."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
import redis

from flashpoint.devenv.api_process import ApiProcess

TOKEN = "test-token-0a1b2c3d4e5f"


@pytest.fixture
def api_prefix(redis_url: str) -> Iterator[str]:
    prefix = f"flashpoint-apitest:{uuid.uuid4().hex[:8]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def rclient(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


@pytest.fixture
def start_api(redis_url: str, api_prefix: str) -> Iterator[Callable[..., ApiProcess]]:
    """Start ``flashpoint api`` with extra FLASHPOINT_* settings; stopped after the test."""
    started: list[ApiProcess] = []

    def start(**settings: str) -> ApiProcess:
        env = {
            "FLASHPOINT_REDIS_URL": redis_url,
            "FLASHPOINT_REDIS_KEY_PREFIX": api_prefix,
            "FLASHPOINT_API_TOKENS": TOKEN,
            "FLASHPOINT_API_RATE_LIMIT_PER_MINUTE": "100000",
            **{f"FLASHPOINT_{k.upper()}": v for k, v in settings.items()},
        }
        api = ApiProcess(env).start()
        started.append(api)
        api.wait_ready()
        return api

    yield start
    for api in started:
        api.stop()
