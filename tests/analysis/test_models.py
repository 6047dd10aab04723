"""The raw-article wire schema: every defect becomes a bounded rejection reason."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashpoint.analysis.models import REJECTION_REASONS, _strip_controls, parse_raw_article
from flashpoint.errors import InvalidArticleError

LIMIT = 10_000


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"\xff\xfe\x00", "invalid_encoding"),
        (b'{"id": "a", "text": ', "invalid_json"),
        (b"[1, 2]", "not_an_object"),
        (b'"just a string"', "not_an_object"),
        (b'{"text": "no id"}', "missing_field"),
        (b'{"id": "", "text": "empty id"}', "missing_field"),
        (b'{"id": "a"}', "missing_field"),
        (b'{"id": "a", "text": ""}', "empty_text"),
        (b'{"id": {"x": 1}, "text": "t"}', "invalid_field"),
        (b'{"id": "a", "text": 42}', "invalid_field"),
        (b'{"id": "a", "text": "t", "title": ["x"]}', "invalid_field"),
        (b'{"id": "a", "text": "t", "published_at": "yesterday"}', "invalid_field"),
        (b'{"id": "a", "text": "t", "published_at": 1700000000}', "invalid_field"),
        (b'{"id": "\\u200b\\u0000", "text": "t"}', "invalid_field"),
        (b"{" * 100_000, "too_large"),
    ],
)
def test_malformed_messages_are_rejected_with_a_known_reason(payload: bytes, reason: str) -> None:
    with pytest.raises(InvalidArticleError) as info:
        parse_raw_article(payload, max_bytes=LIMIT)
    assert info.value.reason == reason
    assert reason in REJECTION_REASONS


def test_deeply_nested_json_is_rejected_not_a_crash() -> None:
    with pytest.raises(InvalidArticleError) as info:
        parse_raw_article(b"[" * 5000 + b"]" * 5000, max_bytes=100_000)
    assert info.value.reason in {"invalid_json", "not_an_object"}


def test_valid_article_keeps_its_fields_and_parses_the_publish_time() -> None:
    article = parse_raw_article(
        json.dumps({"id": "x-1", "text": "Body", "title": "T", "url": "https://e.org/a",
                    "source": "AFP", "language": "en", "published_at": "2021-07-05T10:00:00Z"}),
        max_bytes=LIMIT,
    )
    assert article.id == "x-1"
    assert article.title == "T"
    assert article.published_at == datetime(2021, 7, 5, 10, tzinfo=UTC)


def test_html_alone_is_enough_for_an_article() -> None:
    article = parse_raw_article(b'{"id": "h", "html": "<p>Hello</p>"}', max_bytes=LIMIT)
    assert article.html == "<p>Hello</p>"
    assert article.text is None


def test_control_and_zero_width_characters_are_removed_from_text() -> None:
    article = parse_raw_article(
        json.dumps({"id": "z", "text": "Ka\u200bbul\x00 fell\x07.\nNext line"}), max_bytes=LIMIT
    )
    assert article.text == "Kabul fell.\nNext line"


def test_numeric_ids_are_accepted_as_strings() -> None:
    assert parse_raw_article(b'{"id": 123, "text": "t"}', max_bytes=LIMIT).id == "123"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_control_and_format_characters_are_stripped_and_newlines_kept(value: str) -> None:
    expected = "".join(ch for ch in value
                       if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    assert _strip_controls(value) == expected
