"""What happens to one Kafka message, without Kafka: validate, analyse, or dead-letter it.

The Faust agents are thin loops around these functions, so the behaviour (including every
rejection path) is tested without a broker.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.models import Analysis, parse_raw_article
from flashpoint.errors import InvalidArticleError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MessageMeta:
    """Where a message came from; copied into dead letters so nothing is untraceable."""

    topic: str
    partition: int
    offset: int
    timestamp: float | None = None  # the producer's publish time (Unix seconds)
    key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "timestamp": self.timestamp,
            "key": self.key,
        }


@dataclass(frozen=True, slots=True)
class DeadLetter:
    reason: str
    detail: str
    meta: MessageMeta
    raw: bytes
    rejected_at: datetime
    max_bytes: int = 16_384

    def to_dict(self) -> dict[str, Any]:
        truncated = self.raw[: self.max_bytes]
        try:
            raw_text: str | None = truncated.decode("utf-8")
            raw_b64 = None
        except UnicodeDecodeError:
            raw_text = None
            raw_b64 = base64.b64encode(truncated).decode("ascii")
        return {
            "reason": self.reason,
            "detail": self.detail,
            "source": self.meta.to_dict(),
            "rejected_at": self.rejected_at.isoformat(),
            "raw_size": len(self.raw),
            "raw_truncated": len(self.raw) > self.max_bytes,
            "raw": raw_text,
            "raw_base64": raw_b64,
        }


def analyze_message(
    payload: bytes | None,
    meta: MessageMeta,
    analyzer: Analyzer,
    *,
    now: datetime,
    max_bytes: int,
    dead_letter_max_bytes: int = 16_384,
) -> Analysis | DeadLetter:
    """Analyse one raw message; any defect of the message becomes a dead letter, never a crash."""
    raw = payload or b""
    try:
        article = parse_raw_article(raw, max_bytes=max_bytes)
    except InvalidArticleError as e:
        return DeadLetter(e.reason, e.detail, meta, raw, now, dead_letter_max_bytes)
    try:
        return analyzer.analyze(article, now)
    except InvalidArticleError as e:  # the text is not language: a defect of the message
        return DeadLetter(e.reason, e.detail, meta, raw, now, dead_letter_max_bytes)
    except Exception as e:
        log.exception("analysis failed for article %r at %s/%d/%d", article.id, meta.topic,
                      meta.partition, meta.offset)
        return DeadLetter(
            "analysis_failed", f"{type(e).__name__}: {e}"[:500], meta, raw, now, dead_letter_max_bytes
        )


def analyzed_record(analysis: Analysis, meta: MessageMeta) -> dict[str, Any]:
    """The ``articles.analyzed`` value: the analysis plus the raw message's publish time, which
    the publishing agent needs for end-to-end latency."""
    record = analysis.to_dict()
    record["source_timestamp"] = meta.timestamp
    record["stage_seconds"] = {k: round(v, 6) for k, v in analysis.stage_seconds.items()}
    return record


def utcnow() -> datetime:
    """The clock, read only at the edges (agents, CLI) and passed into the core."""
    return datetime.now(UTC)
