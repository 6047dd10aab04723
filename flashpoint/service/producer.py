"""Putting raw articles on ``articles.raw`` and creating topics (kafka-python producer and admin).

Articles are keyed by id so that every copy of one article lands in the same partition and is
processed in order by one worker.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from flashpoint.errors import FlashpointError
from flashpoint.settings import Settings

log = logging.getLogger(__name__)

# Room for the key, headers and batch framing around a message of FLASHPOINT_MAX_ARTICLE_BYTES.
REQUEST_OVERHEAD_BYTES = 65_536


def bootstrap_servers(broker_url: str) -> list[str]:
    """``kafka://h1:9092;kafka://h2:9092`` (Faust's form) -> ``["h1:9092", "h2:9092"]``.

    Credentials in the URL (``kafka://user:password@host``) are dropped: the Kafka clients take
    them from the SASL settings, and a ``user:password@host`` server name would reach their logs."""
    servers = []
    for part in broker_url.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if "://" in part:
            part = part.split("://", 1)[1]
        servers.append(part.rsplit("@", 1)[-1].rstrip("/"))
    return servers


def kafka_security_kwargs(settings: Settings) -> dict[str, Any]:
    """kafka-python security settings (SASL/TLS) from our settings; secrets stay in SecretStr
    until this point and are never logged."""
    kwargs: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if settings.kafka_security_protocol.startswith("SASL"):
        kwargs["sasl_mechanism"] = settings.kafka_sasl_mechanism
        kwargs["sasl_plain_username"] = settings.kafka_username
        kwargs["sasl_plain_password"] = (
            settings.kafka_password.get_secret_value() if settings.kafka_password else None
        )
    if settings.kafka_security_protocol.endswith("SSL") and settings.kafka_ssl_cafile:
        kwargs["ssl_cafile"] = settings.kafka_ssl_cafile
    return kwargs


def ensure_topics(settings: Settings, *, timeout_ms: int = 10_000) -> None:
    """Create our topics with the configured partition count if they do not exist yet."""
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap_servers(settings.broker_url),
        client_id=f"{settings.app_id}-admin",
        request_timeout_ms=timeout_ms,
        **kafka_security_kwargs(settings),
    )
    try:
        existing = set(admin.list_topics())
        wanted = [
            NewTopic(name, settings.topic_partitions, settings.topic_replicas)
            for name in (settings.topic_raw, settings.topic_analyzed, settings.topic_dead)
            if name not in existing
        ]
        if wanted:
            with contextlib.suppress(TopicAlreadyExistsError):  # another process won the race
                admin.create_topics(wanted, timeout_ms=timeout_ms)
    except KafkaError as e:
        raise FlashpointError(f"cannot create topics on {settings.broker_url}: {e}") from e
    finally:
        admin.close()


@dataclass
class ArticleProducer:
    """A small synchronous producer for raw articles (CLI, ingest, tests, benchmarks)."""

    settings: Settings
    topic: str | None = None
    linger_ms: int = 5
    _producer: KafkaProducer = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.topic = self.topic or self.settings.topic_raw
        try:
            self._producer = KafkaProducer(
                bootstrap_servers=bootstrap_servers(self.settings.broker_url),
                client_id=f"{self.settings.app_id}-producer",
                acks="all",
                linger_ms=self.linger_ms,
                # kafka-python's 1 MiB default refused a 1.5 MB article that the worker accepts
                # (FLASHPOINT_MAX_ARTICLE_BYTES, 2 MB): the limits match instead.
                max_request_size=self.settings.max_article_bytes + REQUEST_OVERHEAD_BYTES,
                retries=5,
                key_serializer=lambda k: k.encode("utf-8") if isinstance(k, str) else k,
                **kafka_security_kwargs(self.settings),
            )
        except KafkaError as e:
            raise FlashpointError(f"cannot connect to broker {self.settings.broker_url}: {e}") from e

    def send(self, article: Mapping[str, Any], *, key: str | None = None) -> Any:
        """Send one article (a JSON object); the key defaults to its id. Returns the delivery
        future (``.get(timeout)`` raises if the broker did not take it)."""
        value = json.dumps(article, ensure_ascii=False).encode("utf-8")
        return self.send_raw(value, key=key if key is not None else str(article.get("id", "")))

    def send_raw(self, value: bytes, *, key: str | None = None, topic: str | None = None) -> Any:
        """Send bytes as they are: used for replays and to test rejection of malformed input.
        ``topic`` overrides the producer's (``flashpoint produce`` dead-letters this way)."""
        assert self.topic is not None
        return self._producer.send(topic or self.topic, value=value, key=key or None)

    def flush(self, timeout: float = 30.0) -> None:
        self._producer.flush(timeout=timeout)

    def close(self) -> None:
        self._producer.flush(timeout=30)
        self._producer.close(timeout=5)

    def __enter__(self) -> ArticleProducer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
