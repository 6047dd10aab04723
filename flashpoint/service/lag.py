"""Consumer lag of our consumer group on the input topic, measured with kafka-python.

Lag is the end offset minus the group's committed offset per partition: what a restart would
still have to process. (On Tansu the end offset can be short for multi-record batches; see
docs/operations.md.)
"""

from __future__ import annotations

import contextlib
import logging

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from flashpoint.service.producer import bootstrap_servers, kafka_security_kwargs
from flashpoint.settings import Settings

log = logging.getLogger(__name__)


class LagProbe:
    def __init__(self, settings: Settings, topic: str) -> None:
        self.settings = settings
        self.topic = topic
        self._admin: KafkaAdminClient | None = None
        self._consumer: KafkaConsumer | None = None

    def _clients(self) -> tuple[KafkaAdminClient, KafkaConsumer]:
        if self._admin is None or self._consumer is None:
            servers = bootstrap_servers(self.settings.broker_url)
            security = kafka_security_kwargs(self.settings)
            self._admin = KafkaAdminClient(bootstrap_servers=servers, request_timeout_ms=5000, **security)
            self._consumer = KafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False, **security)
        return self._admin, self._consumer

    def measure(self) -> dict[int, int]:
        """Lag per partition; empty when the broker cannot be asked right now."""
        try:
            admin, consumer = self._clients()
            partitions = consumer.partitions_for_topic(self.topic) or set()
            tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
            if not tps:
                return {}
            ends = consumer.end_offsets(tps)
            group = self.settings.app_id
            if hasattr(admin, "list_group_offsets"):  # kafka-python >= 3: {group: partitions}
                committed = admin.list_group_offsets({group: tps}).get(group, {})
            else:
                committed = admin.list_consumer_group_offsets(group, partitions=tps)
        except Exception as e:

            log.warning("consumer lag probe failed: %s: %s", type(e).__name__, e)
            self.close()
            return {}
        lag = {}
        for tp in tps:
            meta = committed.get(tp)
            position = meta.offset if meta is not None and meta.offset >= 0 else 0
            lag[tp.partition] = max(int(ends.get(tp, 0)) - position, 0)
        return lag

    def close(self) -> None:
        for client in (self._consumer, self._admin):
            if client is not None:
                with contextlib.suppress(KafkaError, OSError):
                    client.close()
        self._admin = self._consumer = None
