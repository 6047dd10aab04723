"""``flashpoint api``: the subscriber API and the live page, a FastAPI app reading Redis.

Separate from the workers on purpose: it scales with the readers, not with the Kafka partitions,
and a burst of subscribers never slows the analysis down. Every error is JSON
(``{"error": {"status", "code", "message", "param"?}}``) with a 4xx status, except 503 when Redis
does not answer.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flashpoint.analysis.models import SIGNAL_KINDS
from flashpoint.service.api.auth import READ_SCOPE, Principal, RateLimiter, TokenAuthority
from flashpoint.service.api.hub import LiveHub
from flashpoint.service.api.metrics import ROUTES, ApiMetrics
from flashpoint.service.api.query import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    AlertQuery,
    InvalidQueryError,
    StreamId,
)
from flashpoint.service.api.sse import AlertStreamResponse
from flashpoint.service.api.store import AlertStore, StoreUnavailableError
from flashpoint.service.logs import redact
from flashpoint.settings import Settings, flashpoint_version

log = logging.getLogger("flashpoint.api")
STATIC_DIR = Path(__file__).parent / "static"
_STORY_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
_CC = re.compile(r"^[A-Za-z]{2}$")
Severity = Literal["routine", "urgent", "flash"]


class AlertItem(BaseModel):
    stream_id: str = Field(description="Redis stream id: the cursor, and the SSE event id.")
    alert: dict[str, Any] = Field(description="The alert (schema in the README).")


class AlertPageOut(BaseModel):
    alerts: list[AlertItem]
    next_cursor: str | None = Field(description="Pass as cursor for older alerts; null at the end.")
    limit: int


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, param: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.param, self.headers = status, code, message, param, headers


def error_response(status: int, code: str, message: str, *, param: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if param:
        body["param"] = param
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def alert_query(
    country: Annotated[list[str] | None, Query(
        description="ISO 3166-1 alpha-2 code, repeatable or comma-separated; matches the primary "
                    "country or any country the alert names.", max_length=50)] = None,
    kind: Annotated[list[str] | None, Query(
        description="Signal kind (GET /v1/kinds), repeatable or comma-separated; any of them matches.",
        max_length=50)] = None,
    min_severity: Annotated[Severity | None, Query(description="routine < urgent < flash.")] = None,
    since: Annotated[datetime | None, Query(
        description="ISO 8601 (UTC if no offset): alerts written at or after this time.")] = None,
    until: Annotated[datetime | None, Query(description="ISO 8601: alerts written at or before this time.")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words that must all be in the title.")] = None,
) -> AlertQuery:
    return AlertQuery.build(country=country, kind=kind, min_severity=min_severity, since=since, until=until, q=q)


def _parse_cursor(value: str | None, param: str) -> StreamId | None:
    return StreamId.parse(value, param=param) if value else None


def create_app(settings: Settings, *, metrics: ApiMetrics | None = None) -> FastAPI:
    metrics = metrics or ApiMetrics()
    store = AlertStore.from_url(settings.redis_dsn, settings.redis_key_prefix)
    hub = LiveHub(store, metrics=metrics)
    authority = TokenAuthority(settings.api_tokens.get_secret_value(), redis_client=store.redis,
                               redis_set=settings.api_tokens_redis_set)
    limiter = RateLimiter(settings.api_rate_limit_per_minute)

    app = FastAPI(
        title="flashpoint api", version=flashpoint_version(), redirect_slashes=False,
        lifespan=_lifespan(settings, authority, store, hub),
        # Swagger UI and ReDoc load their scripts from a CDN: nothing here may need the internet.
        docs_url=None, redoc_url=None,
        description="Escalation alerts from flashpoint: filtered pages, a live Server-Sent Events stream "
                    "with resume, stories and per-country summaries. Send `Authorization: Bearer <token>`.",
    )
    origins = [o.strip() for o in settings.api_cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET"],
                           allow_headers=["Authorization", "Last-Event-ID"], max_age=600)
    _install_error_handlers(app)
    app.add_middleware(AccessLog, metrics=metrics)

    principal = _principal_dependency(settings, authority, limiter, metrics)
    v1 = APIRouter(prefix="/v1", dependencies=[Depends(principal)])
    v1.include_router(_alerts_router(settings, store, hub, metrics))
    v1.include_router(_stories_router(store))
    v1.include_router(_countries_router(store))
    v1.include_router(_kinds_router())
    app.include_router(v1)
    _install_ops_routes(app, metrics, store, hub)
    return app


def _lifespan(
    settings: Settings, authority: TokenAuthority, store: AlertStore, hub: LiveHub
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if not authority.configured and not settings.api_allow_anonymous:
            log.warning("no API token configured and anonymous access is off: every /v1 request gets 401")
        hub.start()
        try:
            yield
        finally:
            await hub.stop()
            await store.close()

    return lifespan


def _principal_dependency(
    settings: Settings, authority: TokenAuthority, limiter: RateLimiter, metrics: ApiMetrics
) -> Callable[..., Awaitable[Principal]]:
    """The dependency of every /v1 route: who is asking (bearer token or anonymous), within its rate."""

    async def principal(request: Request, authorization: Annotated[str | None, Header(
            description="Bearer <token>", include_in_schema=False)] = None) -> Principal:
        token = ""
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                metrics.auth_failures.inc()
                raise ApiError(401, "unauthorized", "use Authorization: Bearer <token>",
                               headers={"WWW-Authenticate": "Bearer"})
        who: Principal | None
        if token:
            who = await authority.authenticate(token.strip())
            if who is None:
                metrics.auth_failures.inc()
                raise ApiError(401, "unauthorized", "unknown token", headers={"WWW-Authenticate": "Bearer"})
        elif settings.api_allow_anonymous:
            who = Principal(f"anon:{request.client.host if request.client else '-'}", frozenset({READ_SCOPE}), True)
        else:
            metrics.auth_failures.inc()
            raise ApiError(401, "unauthorized", "a bearer token is required",
                           headers={"WWW-Authenticate": "Bearer"})
        request.state.principal = who.id
        allowed, wait = limiter.allow(who.id)
        if not allowed:
            metrics.rate_limited.inc()
            raise ApiError(429, "rate_limited", "too many requests for this token",
                           headers={"Retry-After": str(max(1, round(wait)))})
        return who

    return principal


def _alerts_router(settings: Settings, store: AlertStore, hub: LiveHub, metrics: ApiMetrics) -> APIRouter:
    router = APIRouter()

    @router.get("/alerts", tags=["alerts"], summary="Alerts, newest first, filtered over the whole stream",
                response_model=AlertPageOut)
    async def list_alerts(
        query: Annotated[AlertQuery, Depends(alert_query)],
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE,
                                    description=f"Page size, at most {MAX_PAGE_SIZE}.")] = DEFAULT_PAGE_SIZE,
        cursor: Annotated[str | None, Query(
            max_length=41, description="next_cursor of the previous page (a stream id): older alerts.")] = None,
    ) -> Response:
        page = await store.page(query, cursor=_parse_cursor(cursor, "cursor"), limit=limit)
        # The alerts are spliced in as the sink wrote them: decoding and re-encoding 500 alerts
        # would cost more than finding them.
        items = b",".join(b'{"stream_id":"%s","alert":%s}' % (str(e.id).encode(), e.raw.encode()) for e in page.entries)
        tail = orjson.dumps({"next_cursor": str(page.next_cursor) if page.next_cursor else None, "limit": limit})
        return Response(b'{"alerts":[' + items + b"]," + tail[1:], media_type="application/json")

    @router.get("/alerts/stream", tags=["alerts"], response_class=AlertStreamResponse, status_code=200,
                summary="Live alerts as Server-Sent Events; resume with Last-Event-ID",
                responses={200: {"content": {"text/event-stream": {}},
                                 "description": "`event: alert`, `id: <stream id>`, `data: <alert JSON>`; "
                                                "`: heartbeat` comments while idle."}})
    async def stream_alerts(
        query: Annotated[AlertQuery, Depends(alert_query)],
        last_event_id: Annotated[str | None, Header(
            alias="Last-Event-ID", max_length=41, description="Resume right after this stream id.")] = None,
        after: Annotated[str | None, Query(
            max_length=41, description="Like Last-Event-ID, for clients that cannot set headers.")] = None,
    ) -> AlertStreamResponse:
        resume = _parse_cursor(last_event_id, "Last-Event-ID") or _parse_cursor(after, "after")
        return AlertStreamResponse(
            store=store, hub=hub, metrics=metrics, query=query, resume_after=resume,
            heartbeat_seconds=settings.api_sse_heartbeat_seconds, queue_max=settings.api_sse_queue_max,
            send_timeout=settings.api_sse_send_timeout_seconds,
        )

    return router


def _stories_router(store: AlertStore) -> APIRouter:
    router = APIRouter()

    @router.get("/stories/{story_id}", tags=["stories"], summary="A story's latest state and its alerts")
    async def get_story(
        story_id: Annotated[str, PathParam(max_length=128, description="e.g. s-0123456789abcdef")],
    ) -> dict[str, Any]:
        if not _STORY_ID.match(story_id):
            raise ApiError(400, "invalid_query", "not a story id", param="story_id")
        story = await store.story(story_id)
        if story is None:
            raise ApiError(404, "not_found", f"no story {story_id}")
        return story

    return router


def _countries_router(store: AlertStore) -> APIRouter:
    router = APIRouter()

    @router.get("/countries", tags=["countries"], summary="Highest severity per country over recent stories")
    async def severity_map(
        hours: Annotated[float, Query(gt=0, le=24 * 7, description="Look-back window.")] = 24.0,
    ) -> dict[str, Any]:
        return await store.severity_map(hours=hours)

    @router.get("/countries/{cc}", tags=["countries"],
                summary="Hot stories and signal counts by kind over 1 h, 24 h, 7 d for one country")
    async def get_country(cc: Annotated[str, PathParam(max_length=2)]) -> dict[str, Any]:
        if not _CC.match(cc):
            raise ApiError(400, "invalid_query", "not an ISO 3166-1 alpha-2 code", param="cc")
        return await store.country(cc.upper())

    return router


def _kinds_router() -> APIRouter:
    router = APIRouter()

    @router.get("/kinds", tags=["alerts"], summary="The signal kinds that the kind filter accepts")
    async def kinds() -> dict[str, Any]:
        return {"kinds": list(SIGNAL_KINDS)}

    return router


def _install_ops_routes(app: FastAPI, metrics: ApiMetrics, store: AlertStore, hub: LiveHub) -> None:
    @app.get("/metrics", include_in_schema=False)
    async def metrics_view() -> Response:
        metrics.redis_up.set(1 if hub.healthy else 0)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST.split(";")[0])

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        redis_ok = await store.ping()
        indexed = store.index.ready.is_set()
        ready = redis_ok and hub.healthy and indexed
        return JSONResponse({"ready": ready, "redis": redis_ok, "live": hub.healthy, "indexed": indexed,
                             "alerts_indexed": len(store.index)}, status_code=200 if ready else 503)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, param=exc.param, headers=exc.headers)

    @app.exception_handler(InvalidQueryError)
    async def invalid_query(_request: Request, exc: InvalidQueryError) -> JSONResponse:
        return error_response(400, "invalid_query", exc.message, param=exc.param)

    @app.exception_handler(RequestValidationError)
    async def validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "header")]
        return error_response(400, "invalid_query", str(first.get("msg", "invalid request")),
                              param=".".join(loc) or None)

    @app.exception_handler(StoreUnavailableError)
    async def unavailable(_request: Request, exc: StoreUnavailableError) -> JSONResponse:
        log.warning("redis unavailable: %s", exc)
        return error_response(503, "unavailable", "Redis does not answer; try again", headers={"Retry-After": "2"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def internal_error(_request: Request, _exc: Exception) -> JSONResponse:
        # Starlette's outermost middleware answers with this, then re-raises to the server, which
        # logs the traceback; the client gets the same JSON error shape as every other error.
        return error_response(500, "internal_error", "the server failed to answer; the error is logged")


def _route_label(scope: Scope) -> str:
    path = getattr(scope.get("route"), "path", None)
    if path in ROUTES:
        return str(path)
    return "/static" if str(scope.get("path", "")).startswith("/static/") else "other"


class AccessLog:
    """Pure ASGI (a BaseHTTPMiddleware would buffer the SSE stream through a memory channel and
    hide the client's back-pressure): counts and times each request, logs one line."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answered = False

        async def send_wrapper(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                answered = True
                self._observe(scope, int(message["status"]), started)
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            # An unhandled error: Starlette's ServerErrorMiddleware, outside this one, answers 500
            # and logs the traceback. Counted here, or the error ratio would never see a bug.
            if not answered:
                self._observe(scope, 500, started)
            raise

    def _observe(self, scope: Scope, status: int, started: float) -> None:
        route = _route_label(scope)
        self.metrics.requests.labels(route, str(status)).inc()
        self.metrics.request_seconds.labels(route).observe(time.perf_counter() - started)
        self._log(scope, status, started)

    @staticmethod
    def _log(scope: Scope, status: int, started: float) -> None:
        if _route_label(scope) in ("/metrics", "/healthz", "/readyz", "/static"):
            return
        query = scope.get("query_string", b"").decode("latin-1")
        # the query string is redacted (a token pasted into a URL); the Authorization header is
        # never logged; the principal is a token fingerprint
        principal = (scope.get("state") or {}).get("principal", "-")
        log.info("%s %s%s %d %.1fms principal=%s", scope.get("method"), scope.get("path"),
                 redact("?" + query) if query else "", status, (time.perf_counter() - started) * 1000, principal)
