"""The request counter sees every answer once, the 500 of an unhandled error included: the
FlashpointApiErrorsHigh rule reads it (no Redis, no server: the middleware on a small app)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from flashpoint.service.api.app import AccessLog, ApiError, _install_error_handlers
from flashpoint.service.api.metrics import ApiMetrics


@pytest.fixture
def metrics() -> ApiMetrics:
    return ApiMetrics()


@pytest.fixture
async def client(metrics: ApiMetrics) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    _install_error_handlers(app)
    app.add_middleware(AccessLog, metrics=metrics)

    @app.get("/v1/kinds")
    async def bug() -> None:
        raise RuntimeError("a bug")

    @app.get("/v1/stories/{story_id}")
    async def missing(story_id: str) -> None:
        raise ApiError(404, "not_found", f"no story {story_id}")

    @app.get("/v1/alerts")
    async def breaks_mid_stream() -> StreamingResponse:
        def chunks() -> Iterator[bytes]:
            yield b"{"
            raise RuntimeError("a bug after the headers went out")

        return StreamingResponse(chunks(), media_type="application/json")

    # As uvicorn does: the error propagates to the server, the client gets what was sent.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        yield client


def _requests(metrics: ApiMetrics) -> dict[tuple[str, str], float]:
    return {
        (sample.labels["route"], sample.labels["status"]): sample.value
        for metric in metrics.requests.collect()
        for sample in metric.samples
        if sample.name.endswith("_total")
    }


async def test_an_unhandled_error_is_counted_as_a_500_of_its_route(
    client: httpx.AsyncClient, metrics: ApiMetrics
) -> None:
    assert (await client.get("/v1/kinds")).status_code == 500
    assert _requests(metrics) == {("/v1/kinds", "500"): 1.0}


async def test_an_unhandled_error_answers_the_json_error_shape_without_its_details(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/kinds")
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": {"status": 500, "code": "internal_error",
                                         "message": "the server failed to answer; the error is logged"}}
    assert "a bug" not in response.text


async def test_a_handled_error_is_counted_once_with_its_status(
    client: httpx.AsyncClient, metrics: ApiMetrics
) -> None:
    assert (await client.get("/v1/stories/s-1")).status_code == 404
    assert _requests(metrics) == {("/v1/stories/{story_id}", "404"): 1.0}


async def test_an_error_after_the_answer_started_is_not_counted_again(
    client: httpx.AsyncClient, metrics: ApiMetrics
) -> None:
    await client.get("/v1/alerts")  # the headers (200) went out, then the body broke off
    assert _requests(metrics) == {("/v1/alerts", "200"): 1.0}
