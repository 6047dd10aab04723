"""What a worker process holds: settings, the loaded analyzer, the alert sink and the metrics.

Built once, by the worker's entry point (``agents.worker.run_worker``), and handed to the agents,
which stay thin loops. Nothing here runs at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client import REGISTRY, CollectorRegistry

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.lexicon import SAMPLES_DIR
from flashpoint.analysis.models import RawArticle
from flashpoint.service.metrics import FlashpointMetrics
from flashpoint.service.sinks.publisher_homes import PublisherHomeStore, load_publisher_homes
from flashpoint.service.sinks.redis_sink import RedisAlertSink
from flashpoint.service.source_labels import SourceLabels
from flashpoint.service.surge import SurgePolicy
from flashpoint.settings import Settings


def load_analyzer(settings: Settings) -> Analyzer:
    """The analyzer as configured (the worker and ``flashpoint analyze`` load it the same way)."""
    return Analyzer.load(
        settings.spacy_model,
        max_text_chars=settings.max_text_chars,
        source_profiles=settings.source_profiles,
        source_profile_min_articles=settings.source_profile_min_articles,
    )


@dataclass
class WorkerContext:
    settings: Settings
    analyzer: Analyzer
    sink: RedisAlertSink
    metrics: FlashpointMetrics
    surge_policy: SurgePolicy
    publisher_homes: PublisherHomeStore

    @classmethod
    def build(cls, settings: Settings, registry: CollectorRegistry = REGISTRY) -> WorkerContext:
        metrics = FlashpointMetrics(
            registry, worker_id=settings.worker_id, sources=SourceLabels.load(settings.metric_sources_file)
        )
        analyzer = load_analyzer(settings)
        warm_up(analyzer)
        sink = RedisAlertSink.from_settings(settings, metrics=metrics)
        if analyzer.sources is not None:
            # the homes other workers (and this one before a restart) learned, before any story
            load_publisher_homes(analyzer.sources, settings)
        return cls(settings, analyzer, sink, metrics, SurgePolicy.from_settings(settings),
                   PublisherHomeStore(sink.redis, settings))


def warm_up(analyzer: Analyzer) -> None:
    """Analyse the bundled sample once before the worker reports ready: the first analysis pays
    for lazily built pipes and caches (about 1.5 s here), which would otherwise land on the first
    live articles' latency."""
    sample = SAMPLES_DIR / "afghan-troops-flee-to-tajikistan.txt"
    analyzer.analyze(RawArticle(id="warm-up", text=sample.read_text(encoding="utf-8")), datetime.now(UTC))
