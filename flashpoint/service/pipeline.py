"""What happens to one Kafka message, without Kafka: validate, analyse, or dead-letter it.

The Faust agents are thin loops around these functions, so the behaviour (including every
rejection path) is tested without a broker.
"""

from __future__ import annotations

import base64
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.models import Analysis, parse_raw_article
from flashpoint.errors import InvalidArticleError
from flashpoint.service.memory import release_extraction_caches
from flashpoint.service.records import AnalyzedArticle

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
    max_bytes: int  # of the raw message kept in the dead letter (FLASHPOINT_DEAD_LETTER_MAX_BYTES)

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

    def to_bytes(self) -> bytes:
        return orjson.dumps(self.to_dict())


@dataclass(frozen=True, slots=True)
class Analysed:
    """A message that was analysed: the analysis (for metrics) and its wire record, encoded."""

    analysis: Analysis
    record: AnalyzedArticle
    value: bytes  # the record as it goes on articles.analyzed
    cpu_seconds: float  # CPU time of the analysis itself (this thread's, so other threads don't count)


def analyze_message(
    payload: bytes | None,
    meta: MessageMeta,
    analyzer: Analyzer,
    *,
    now: datetime,
    max_bytes: int,
    dead_letter_max_bytes: int,
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


def process_message(
    payload: bytes | None,
    meta: MessageMeta,
    analyzer: Analyzer,
    *,
    now: datetime,
    max_bytes: int,
    dead_letter_max_bytes: int,
) -> Analysed | DeadLetter:
    """Everything the analysis agent does to one message that is not I/O, in one call, so it all
    runs on the analysis thread: validate, analyse, build the wire record (with the story
    signature) and encode it."""
    started = time.thread_time()
    try:
        result = analyze_message(payload, meta, analyzer, now=now, max_bytes=max_bytes,
                                 dead_letter_max_bytes=dead_letter_max_bytes)
    finally:
        release_extraction_caches()  # a page's text must not outlive its article
    cpu_seconds = time.thread_time() - started
    if isinstance(result, DeadLetter):
        return result
    record = AnalyzedArticle.of(result, source_timestamp=meta.timestamp)
    return Analysed(result, record, record.to_bytes(), cpu_seconds)


def utcnow() -> datetime:
    """The clock, read only at the edges (agents, CLI) and passed into the core."""
    return datetime.now(UTC)
