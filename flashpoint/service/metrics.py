"""Prometheus metrics (prometheus/client_python conventions: base units, ``_total`` on counters).

Labels come only from bounded sets: rejection reasons, severities, signal kinds, ISO country
codes (or ``unknown``), stage names, partitions of our own topics, configured publishers. Known label values are
pre-initialised so that dashboards and alert rules see zeros instead of absent series.
"""

from __future__ import annotations

import platform
import re

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

from flashpoint.analysis.models import REJECTION_REASONS, SEVERITIES, SIGNAL_KINDS, Analysis
from flashpoint.service.records import PUBLISH_REJECTION_REASONS
from flashpoint.service.source_labels import UNKNOWN, SourceLabels
from flashpoint.service.surge import SURGE_SEVERITY
from flashpoint.settings import flashpoint_version

STAGES = ("cleaning", "regions", "topics", "escalation")
ARTICLE_ALERT_TYPES = ("new", "update")
SINK_OPERATIONS = ("publish", "surge")
SUPPRESSION_REASONS = ("reprint", "replay")
# The topics the agents produce to, as the label of delivery retries.
DELIVERY_TOPICS = ("analyzed", "dead", "observations")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")

# Analysis takes milliseconds; end-to-end includes broker hops and batching.
PROCESSING_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


def country_label(code: str | None) -> str:
    """An ISO 3166-1 alpha-2 code or ``unknown``: never free text."""
    return code if code and _COUNTRY_RE.match(code) else "unknown"


class FlashpointMetrics:
    """All worker metrics on one registry (the default one in the worker, a fresh one in tests)."""

    def __init__(
        self, registry: CollectorRegistry, *, worker_id: str = "worker-1", sources: SourceLabels | None = None
    ) -> None:
        self.registry = registry
        self.sources = sources or SourceLabels.load()
        # Declared in this order so the exposition keeps its order: analysis, delivery, health.
        self._declare_analysis_metrics()
        self._declare_delivery_metrics()
        self._declare_health_metrics()
        self.build_info.labels(flashpoint_version(), platform.python_version(), worker_id).set(1)
        self.sink_up.set(1)
        self.broker_up.set(1)  # until a probe fails: start-up is not an outage
        self._preinitialise()

    def _counter(self, name: str, documentation: str, labels: tuple[str, ...] = ()) -> Counter:
        return Counter(name, documentation, list(labels), registry=self.registry)

    def _gauge(self, name: str, documentation: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, documentation, list(labels), registry=self.registry)

    def _histogram(
        self, name: str, documentation: str, buckets: tuple[float, ...], labels: tuple[str, ...] = ()
    ) -> Histogram:
        return Histogram(name, documentation, list(labels), buckets=buckets, registry=self.registry)

    def _declare_analysis_metrics(self) -> None:
        """What comes in and what the analysis makes of it."""
        self.articles_consumed = self._counter(
            "flashpoint_articles_consumed_total",
            "Raw articles read from the input topic, by source: the configured publishers "
            "(flashpoint/service/metric_sources.yaml), 'other', or 'unknown' when the article has none.",
            ("source",),
        )
        self.articles_rejected = self._counter(
            "flashpoint_articles_rejected_total",
            "Raw messages rejected to the dead-letter topic, by reason.",
            ("reason",),
        )
        self.articles_analyzed = self._counter(
            "flashpoint_articles_analyzed_total",
            "Articles analysed, by the article's severity tier.",
            ("severity",),
        )
        self.processing_seconds = self._histogram(
            "flashpoint_article_processing_seconds",
            "Time to analyse one article (cleaning to severity), in seconds.",
            PROCESSING_BUCKETS,
        )
        self.analysis_cpu = self._counter(
            "flashpoint_analysis_cpu_seconds_total",
            "CPU time the analysis itself used (cleaning to severity), in seconds: the worker's "
            "process_cpu_seconds_total minus this is what the pipeline around it costs.",
        )
        self.stage_seconds = self._histogram(
            "flashpoint_analysis_stage_seconds",
            "Time spent in each analysis stage per article, in seconds.",
            PROCESSING_BUCKETS,
            ("stage",),
        )
        self.end_to_end_latency = self._histogram(
            "flashpoint_end_to_end_latency_seconds",
            "From the article's publish time on the input topic to its alert written in Redis.",
            LATENCY_BUCKETS,
        )
        self.signals = self._counter(
            "flashpoint_escalation_signals_total",
            "Escalation signals detected, by kind and country (ISO alpha-2 or 'unknown').",
            ("kind", "country"),
        )

    def _declare_delivery_metrics(self) -> None:
        """What leaves the worker: alerts to Redis, records to the broker, and their failures."""
        self.alerts_published = self._counter(
            "flashpoint_alerts_published_total",
            "Domain alerts written to Redis, by severity and type (new, update, surge).",
            ("severity", "type"),
        )
        self.alerts_suppressed = self._counter(
            "flashpoint_alerts_suppressed_total",
            "Alerts not written because they repeat a known story (reprints, replays).",
            ("reason",),
        )
        self.sink_errors = self._counter(
            "flashpoint_alert_sink_errors_total",
            "Failed Redis operations (each failed attempt counts), by operation.",
            ("operation",),
        )
        self.sink_retries = self._counter(
            "flashpoint_alert_sink_retries_total",
            "Retries of Redis operations after a failure, by operation.",
            ("operation",),
        )
        self.delivery_retries = self._counter(
            "flashpoint_delivery_retries_total",
            "Records sent again because a send to the broker failed or timed out, by topic.",
            ("topic",),
        )

    def _declare_health_metrics(self) -> None:
        """The state of the worker and of what it depends on (Redis, the broker, its input)."""
        self.redis_memory_used = self._gauge(
            "flashpoint_redis_memory_used_bytes",
            "Memory Redis reports in use (INFO memory used_memory), in bytes.",
        )
        self.redis_memory_max = self._gauge(
            "flashpoint_redis_memory_max_bytes",
            "Redis maxmemory, in bytes (0: no limit). At the limit, with the noeviction policy, "
            "writes fail and the publishing agent waits: nothing is dropped, alerts stop.",
        )
        self.broker_up = self._gauge(
            "flashpoint_broker_up",
            "1 if the Kafka broker answered the worker's last Metadata probe in time, 0 if not.",
        )
        self.sink_up = self._gauge(
            "flashpoint_alert_sink_up",
            "1 if the last Redis operation succeeded, 0 while Redis is failing.",
        )
        self.consumer_lag = self._gauge(
            "flashpoint_consumer_lag_messages",
            "Messages between the committed/consumed position and the end of each input partition.",
            ("topic", "partition"),
        )
        self.last_processed = self._gauge(
            "flashpoint_last_processed_timestamp_seconds",
            "Unix time at which this worker last finished an article.",
        )
        self.in_flight = self._gauge(
            "flashpoint_articles_in_flight",
            "Articles this worker is analysing right now (the analysis agent handles one at a time).",
        )
        self.build_info = self._gauge(
            "flashpoint_build_info",
            "Build information; the value is always 1.",
            ("version", "python", "worker"),
        )

    def _preinitialise(self) -> None:
        for reason in (*REJECTION_REASONS, *PUBLISH_REJECTION_REASONS):
            self.articles_rejected.labels(reason)
        for severity in SEVERITIES:
            self.articles_analyzed.labels(severity)
            if severity != "none":
                for alert_type in ARTICLE_ALERT_TYPES:
                    self.alerts_published.labels(severity, alert_type)
        self.alerts_published.labels(SURGE_SEVERITY, "surge")
        for stage in STAGES:
            self.stage_seconds.labels(stage)
        for operation in SINK_OPERATIONS:
            self.sink_errors.labels(operation)
            self.sink_retries.labels(operation)
        for reason in SUPPRESSION_REASONS:
            self.alerts_suppressed.labels(reason)
        for topic in DELIVERY_TOPICS:
            self.delivery_retries.labels(topic)
        for kind in SIGNAL_KINDS:
            self.signals.labels(kind, "unknown")
        for source in self.sources.labels:
            self.articles_consumed.labels(source)

    def source_label(self, source: str | None) -> str:
        """The bounded ``source`` label (flashpoint.service.source_labels)."""
        return self.sources.label(source)


def observe_analysis(metrics: FlashpointMetrics, analysis: Analysis, *, seconds: float, cpu_seconds: float) -> None:
    """Record what one analysed article contributes to the metrics."""
    metrics.analysis_cpu.inc(cpu_seconds)
    metrics.articles_consumed.labels(metrics.source_label(analysis.source)).inc()
    metrics.articles_analyzed.labels(analysis.severity).inc()
    metrics.processing_seconds.observe(seconds)
    for stage, value in analysis.stage_seconds.items():
        metrics.stage_seconds.labels(stage).observe(value)
    for signal in analysis.signals:
        metrics.signals.labels(signal.kind, country_label(signal.country)).inc()


def observe_rejection(metrics: FlashpointMetrics, reason: str) -> None:
    metrics.articles_consumed.labels(UNKNOWN).inc()
    metrics.articles_rejected.labels(reason).inc()


def disable_created_series() -> None:
    """No ``*_created`` series (38% of flashpoint's series, read by no rule or dashboard). The
    switch is process-wide in prometheus_client: the worker's entry point calls it."""
    disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped in prometheus_client
