"""Auth, rate limits, CORS and the ops endpoints of a running ``flashpoint api``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import httpx
import pytest
import redis

from flashpoint.devenv.api_process import ApiProcess
from tests.e2e.api.conftest import TOKEN

pytestmark = pytest.mark.e2e


def test_every_v1_route_requires_a_known_bearer_token(start_api: Callable[..., ApiProcess]) -> None:
    api = start_api()
    for path in ("/v1/alerts", "/v1/alerts/stream", "/v1/stories/s-1", "/v1/countries/AF", "/v1/countries",
                 "/v1/kinds"):
        for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": f"Basic {TOKEN}"}):
            response = httpx.get(api.base_url + path, headers=headers, timeout=10)
            assert response.status_code == 401, (path, headers)
            assert response.json()["error"]["code"] == "unauthorized"
            assert response.headers["www-authenticate"] == "Bearer"
    ok = httpx.get(api.base_url + "/v1/kinds", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert ok.status_code == 200


def test_tokens_never_appear_in_the_log_only_their_fingerprint(start_api: Callable[..., ApiProcess]) -> None:
    api = start_api()
    wrong = "wrong-secret-9f8e7d6c"
    httpx.get(api.base_url + "/v1/alerts", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    httpx.get(api.base_url + "/v1/alerts", headers={"Authorization": f"Bearer {wrong}"}, timeout=10)
    # a token pasted into a URL by mistake
    httpx.get(api.base_url + f"/v1/alerts?access_token={TOKEN}", timeout=10)
    api.stop()
    log = api.log_text()
    assert TOKEN not in log
    assert wrong not in log
    assert "tok-" + hashlib.sha256(TOKEN.encode()).hexdigest()[:12] in log
    assert "access_token=***" in log


def test_tokens_listed_as_digests_in_a_redis_set_are_accepted(
    start_api: Callable[..., ApiProcess], rclient: redis.Redis, api_prefix: str
) -> None:
    key = f"{api_prefix}api-tokens"
    extra = "set-token-1234567890"
    rclient.sadd(key, hashlib.sha256(extra.encode()).hexdigest())
    api = start_api(api_tokens="", api_tokens_redis_set=key)
    headers = {"Authorization": f"Bearer {extra}"}
    assert httpx.get(api.base_url + "/v1/kinds", headers=headers, timeout=10).status_code == 200


def test_anonymous_access_works_only_when_turned_on(start_api: Callable[..., ApiProcess]) -> None:
    api = start_api(api_allow_anonymous="true")
    assert httpx.get(api.base_url + "/v1/kinds", timeout=10).status_code == 200
    wrong = httpx.get(api.base_url + "/v1/kinds", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert wrong.status_code == 401


def test_a_token_over_its_rate_limit_gets_429_with_retry_after(start_api: Callable[..., ApiProcess]) -> None:
    api = start_api(api_rate_limit_per_minute="20")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    statuses = [httpx.get(api.base_url + "/v1/kinds", headers=headers, timeout=10) for _ in range(25)]
    assert [r.status_code for r in statuses[:20]] == [200] * 20
    limited = statuses[-1]
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) >= 1
    assert api.metric_sum("flashpoint_api_rate_limited_total") >= 5


def test_cors_allows_only_the_configured_origins(start_api: Callable[..., ApiProcess]) -> None:
    api = start_api(api_cors_origins="https://desk.example")
    preflight = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"}
    ok = httpx.options(api.base_url + "/v1/alerts", headers={"Origin": "https://desk.example", **preflight}, timeout=10)
    assert ok.headers["access-control-allow-origin"] == "https://desk.example"
    other = httpx.options(api.base_url + "/v1/alerts", headers={"Origin": "https://evil.example", **preflight},
                          timeout=10)
    assert "access-control-allow-origin" not in other.headers


def test_ops_endpoints_answer_without_a_token(start_api: Callable[..., ApiProcess]) -> None:
    api = start_api()
    assert httpx.get(api.base_url + "/healthz", timeout=10).json() == {"status": "ok"}
    ready = httpx.get(api.base_url + "/readyz", timeout=10).json()
    assert ready["ready"] is True
    openapi = httpx.get(api.base_url + "/openapi.json", timeout=10).json()
    assert {"/v1/alerts", "/v1/alerts/stream", "/v1/stories/{story_id}", "/v1/countries/{cc}"} <= set(openapi["paths"])
    limit = next(p for p in openapi["paths"]["/v1/alerts"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 500
    # Swagger UI would load its scripts from a CDN: it is off
    assert httpx.get(api.base_url + "/docs", timeout=10).status_code == 404
    metrics = httpx.get(api.base_url + "/metrics", timeout=10).text
    assert "flashpoint_api_requests_total" in metrics
