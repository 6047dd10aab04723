"""The Faust app, configured from :class:`flashpoint.settings.Settings` read once here.

Broker settings that matter on Tansu (see docs/operations.md): a short session timeout because
Tansu answers JoinGroup only after session/2, ``producer_max_batch_size=1`` because its high
watermark is short for multi-record batches (which cuts table recovery short), and
at-least-once processing because it has no transactions.
"""

from __future__ import annotations

import ssl
from typing import Any

import faust
from faust.transport.drivers import aiokafka as faust_aiokafka

from flashpoint.settings import Settings
from streams.offsets import install_strict_commits

_original_create_worker_consumer = faust_aiokafka.AIOKafkaConsumerThread._create_worker_consumer


def _create_worker_consumer_with_short_fetch_wait(self: Any, transport: Any) -> Any:
    """Faust hard-codes ``fetch_max_wait_ms=1500``. Tansu holds an empty fetch for the whole wait
    even when a record arrives meanwhile, so every hop of the pipeline added up to 1.5 s. The
    wait comes from settings (``FLASHPOINT_CONSUMER_FETCH_MAX_WAIT_MS``) instead."""
    consumer = _original_create_worker_consumer(self, transport)
    consumer._fetch_max_wait_ms = settings.consumer_fetch_max_wait_ms
    return consumer


faust_aiokafka.AIOKafkaConsumerThread._create_worker_consumer = (  # type: ignore[method-assign]
    _create_worker_consumer_with_short_fetch_wait
)


def broker_credentials(settings: Settings) -> Any:
    """Faust credentials for SASL and/or TLS, or None for PLAINTEXT."""
    protocol = settings.kafka_security_protocol
    ssl_context = None
    if protocol.endswith("SSL"):
        ssl_context = ssl.create_default_context(cafile=settings.kafka_ssl_cafile)
    if protocol.startswith("SASL"):
        password = settings.kafka_password.get_secret_value() if settings.kafka_password else ""
        return faust.SASLCredentials(
            username=settings.kafka_username or "",
            password=password,
            mechanism=settings.kafka_sasl_mechanism,
            ssl_context=ssl_context,
        )
    if ssl_context is not None:
        return faust.SSLCredentials(ssl_context)
    return None


def build_app(settings: Settings) -> faust.App:
    settings.data_dir.mkdir(parents=True, exist_ok=True)  # Faust does not create parents
    return faust.App(
        settings.app_id,
        broker=settings.broker_url,
        broker_credentials=broker_credentials(settings),
        broker_session_timeout=settings.broker_session_timeout,
        broker_heartbeat_interval=settings.broker_heartbeat_interval,
        broker_commit_interval=settings.broker_commit_interval,
        producer_max_batch_size=settings.producer_max_batch_size,
        producer_acks=-1,
        processing_guarantee="at_least_once",
        consumer_auto_offset_reset="earliest",
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replicas,
        # Bounded buffering: while Redis is down the publishing agent blocks and the stream
        # stops fetching once this many events wait, instead of growing without limit.
        stream_buffer_maxsize=256,
        stream_wait_empty=False,
        # Faust waits 3 s after every rebalance before streams resume; on a small group that is
        # pure latency (the first articles after start-up or a takeover waited ~2 s).
        stream_recovery_delay=settings.stream_recovery_delay,
        web_enabled=True,
        web_bind=settings.web_bind,
        web_port=settings.web_port,
        web_host=settings.web_bind,
        table_cleanup_interval=30.0,
        store="memory://",
        datadir=str(settings.data_dir / "{conf.name}-data"),
        autodiscover=False,
    )


install_strict_commits()
settings = Settings()
app = build_app(settings)
