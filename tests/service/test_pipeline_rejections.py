"""Dead letters from :func:`flashpoint.service.pipeline.analyze_message`, without a broker: every defect of
a message becomes a record with a bounded reason, where it came from, and the raw bytes
(truncated; base64 when they are not UTF-8)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from flashpoint.analysis.models import REJECTION_REASONS, Analysis, RawArticle, RegionTags
from flashpoint.service.pipeline import DeadLetter, MessageMeta, analyze_message

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
META = MessageMeta("articles.raw", 3, 1234, timestamp=1_764_000_000.5, key="k-1")
LIMIT = 4096


@dataclass
class StubAnalyzer:
    """Stands in for the spaCy analyzer: these tests are about what happens *around* analysis."""

    fail: bool = False

    def analyze(self, article: RawArticle, now: datetime) -> Analysis:
        if self.fail:
            raise ValueError("tagger exploded")
        return Analysis(
            id=article.id, title=article.title, url=article.url, source=article.source,
            published_at=article.published_at, analyzed_at=now, cleaned_text=article.text or "",
            regions=RegionTags(), topics=(), signals=(), severity="none",
        )


def run(payload: bytes | None, *, analyzer: StubAnalyzer | None = None, dl_max: int = 16_384) -> Any:
    return analyze_message(
        payload, META, analyzer or StubAnalyzer(), now=NOW,  # type: ignore[arg-type]
        max_bytes=LIMIT, dead_letter_max_bytes=dl_max,
    )


def dead(payload: bytes | None, **kwargs: Any) -> dict[str, Any]:
    result = run(payload, **kwargs)
    assert isinstance(result, DeadLetter), result
    record = result.to_dict()
    json.dumps(record)  # the record must be serialisable as it is
    return record


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"\xff\xfe\x00garbage", "invalid_encoding"),
        (b'{"id": "a", "text": ', "invalid_json"),
        (b"", "invalid_json"),
        (b"[1, 2, 3]", "not_an_object"),
        (b'"just a string"', "not_an_object"),
        (b'{"text": "no id here"}', "missing_field"),
        (b'{"id": "a"}', "missing_field"),
        (b'{"id": ["a"], "text": "x"}', "invalid_field"),
        (b'{"id": "a", "text": 42}', "invalid_field"),
        (b'{"id": "a", "text": "x", "published_at": "yesterday"}', "invalid_field"),
        (b'{"id": "a", "text": "", "html": ""}', "empty_text"),
        (b'{"id": "a", "text": "' + b"x" * LIMIT + b'"}', "too_large"),
        (b"[" * 100_000 + b"]" * 100_000, "too_large"),
        (b"[" * 2000 + b"]" * 2000, "invalid_json"),  # nesting past the recursion limit
    ],
)
def test_a_defective_message_is_dead_lettered_with_its_reason(payload: bytes, reason: str) -> None:
    assert dead(payload)["reason"] == reason


def test_every_dead_letter_reason_is_a_known_metric_label() -> None:
    payloads = [b"\xff", b"{", b"[]", b"{}", b'{"id": 1.5, "text": "x"}', b'{"id": "a", "text": ""}']
    assert {dead(p)["reason"] for p in payloads} <= set(REJECTION_REASONS)


def test_a_dead_letter_names_the_source_topic_partition_offset_and_key() -> None:
    source = dead(b"not json")["source"]
    assert source == {"topic": "articles.raw", "partition": 3, "offset": 1234,
                      "timestamp": 1_764_000_000.5, "key": "k-1"}


def test_a_dead_letter_keeps_utf8_raw_bytes_as_text() -> None:
    record = dead(b'{"id": "a", "text": ')
    assert record["raw"] == '{"id": "a", "text": '
    assert record["raw_base64"] is None
    assert record["raw_size"] == 20
    assert record["raw_truncated"] is False


def test_a_dead_letter_keeps_binary_raw_bytes_as_base64() -> None:
    payload = b"\x00\xff\xfebinary\x80"
    record = dead(payload)
    assert record["raw"] is None
    assert base64.b64decode(record["raw_base64"]) == payload


def test_a_dead_letter_truncates_the_raw_bytes_to_its_limit() -> None:
    payload = b"{" + b"a" * 2000
    record = dead(payload, dl_max=256)
    assert record["raw"] == payload[:256].decode()
    assert record["raw_size"] == len(payload)
    assert record["raw_truncated"] is True


def test_truncation_inside_a_multibyte_character_falls_back_to_base64() -> None:
    payload = "é".encode() * 300  # 600 bytes; the cut at 256 splits nothing, at 257 it would
    record = dead(payload, dl_max=257)
    assert record["raw"] is None
    assert base64.b64decode(record["raw_base64"]) == payload[:257]


def test_an_oversized_message_is_rejected_before_it_is_decoded() -> None:
    record = dead(b"\xff" * (LIMIT + 1))
    assert record["reason"] == "too_large"
    assert str(LIMIT) in record["detail"]


def test_a_missing_value_is_an_invalid_json_dead_letter_not_a_crash() -> None:
    record = dead(None)
    assert record["reason"] == "invalid_json"
    assert record["raw"] == ""


def test_an_analysis_failure_is_dead_lettered_with_the_exception_type() -> None:
    record = dead(b'{"id": "a", "text": "fine text"}', analyzer=StubAnalyzer(fail=True))
    assert record["reason"] == "analysis_failed"
    assert record["detail"].startswith("ValueError: tagger exploded")


def test_the_rejection_time_is_the_clock_passed_in() -> None:
    assert dead(b"{")["rejected_at"] == NOW.isoformat()


def test_control_and_zero_width_characters_are_stripped_not_rejected() -> None:
    payload = json.dumps({"id": "a\u200b\u0007", "text": "Troops\u200d moved\u0000 in.\u202e"}).encode()
    result = run(payload)
    assert isinstance(result, Analysis)
    assert result.id == "a"
    assert result.cleaned_text == "Troops moved in."


def test_an_id_of_only_invisible_characters_is_an_invalid_field() -> None:
    payload = json.dumps({"id": "\u200b\u200c\u2060", "text": "x"}).encode()
    assert dead(payload)["reason"] == "invalid_field"


def test_non_english_text_is_analysed_not_rejected() -> None:
    payload = json.dumps({"id": "ru", "text": "Войска отступили к границе. 军队撤退了。", "language": "ru"},
                         ensure_ascii=False).encode()
    assert isinstance(run(payload), Analysis)
