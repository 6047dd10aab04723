"""The Faust app, built from :class:`flashpoint.settings.Settings` by :func:`build_app`.

Nothing happens at import: no settings are read, no app exists and nothing is patched until the
worker's entry point (``agents.worker``) calls :func:`build_app` with its settings.

Broker settings that matter on Tansu (see docs/operations.md): a short session timeout because
Tansu answers JoinGroup only after session/2, ``producer_max_batch_size=1`` because its high
watermark is short for multi-record batches (which cuts table recovery short), and
at-least-once processing because it has no transactions.
"""

from __future__ import annotations

import ssl
from typing import Any

import faust

from flashpoint.settings import Settings


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
        # Faust's 20 minutes is how long a send whose batch cannot be delivered waits before it
        # fails; the agents send again after a failure (streams/delivery.py), so a short bound
        # turns any stuck send into a retry instead of a stalled worker.
        producer_request_timeout=settings.producer_request_timeout,
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
        # The worker's port serves /metrics, /healthz and /readyz only: Faust's /router views
        # expose the partition map and /table the table contents, unauthenticated.
        web_router_enabled=False,
        web_tables_enabled=False,
        table_cleanup_interval=30.0,
        store="memory://",
        datadir=str(settings.data_dir / "{conf.name}-data"),
        autodiscover=False,
    )
