"""Prometheus metrics of ``flashpoint api`` (its own registry; labels from bounded sets only:
route templates, status classes, disconnect reasons)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from flashpoint.settings import flashpoint_version

ROUTES = (
    "/v1/alerts", "/v1/alerts/stream", "/v1/stories/{story_id}", "/v1/countries/{cc}", "/v1/countries",
    "/v1/kinds", "/", "/static", "/openapi.json", "/metrics", "/healthz", "/readyz", "other",
)
DISCONNECT_REASONS = ("client", "slow", "until", "shutdown", "redis")
REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class ApiMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.requests = Counter(
            "flashpoint_api_requests_total",
            "HTTP requests answered by flashpoint api, by route template and status code.",
            ["route", "status"], registry=self.registry,
        )
        self.request_seconds = Histogram(
            "flashpoint_api_request_duration_seconds",
            "Time to answer a request (to the first byte for SSE), in seconds.",
            ["route"], buckets=REQUEST_BUCKETS, registry=self.registry,
        )
        self.sse_clients = Gauge(
            "flashpoint_api_sse_clients", "Server-Sent Events clients connected now.", registry=self.registry,
        )
        self.sse_events = Counter(
            "flashpoint_api_sse_events_total", "Alert events sent to SSE clients.", registry=self.registry,
        )
        self.sse_disconnects = Counter(
            "flashpoint_api_sse_disconnects_total",
            "SSE streams ended, by reason (client left, slow client dropped, until reached, shutdown, "
            "Redis failed).",
            ["reason"], registry=self.registry,
        )
        self.rate_limited = Counter(
            "flashpoint_api_rate_limited_total", "Requests refused with 429 by the per-token rate limit.",
            registry=self.registry,
        )
        self.auth_failures = Counter(
            "flashpoint_api_auth_failures_total", "Requests refused with 401 (missing or unknown token).",
            registry=self.registry,
        )
        self.redis_up = Gauge(
            "flashpoint_api_redis_up", "1 if the last Redis read of the live hub succeeded.", registry=self.registry,
        )
        build = Gauge("flashpoint_api_build_info", "Version of flashpoint api.", ["version"], registry=self.registry)
        build.labels(flashpoint_version()).set(1)
        for reason in DISCONNECT_REASONS:
            self.sse_disconnects.labels(reason)
