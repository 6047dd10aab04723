"""Text that is not language is rejected before tagging, with a reason; prose in any script passes.

A binary file was once tagged Fiji from the byte pairs "Ra" and "Ba": every place-name matcher
finds names in junk, so junk must never reach it.
"""

from __future__ import annotations

import base64
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.models import REJECTION_REASONS, RawArticle
from flashpoint.analysis.text import language_problem, require_language
from flashpoint.errors import InvalidArticleError
from flashpoint.service.pipeline import DeadLetter, MessageMeta, analyze_message

_RNG = random.Random(18)
BINARY = bytes(_RNG.randrange(256) for _ in range(4000)).decode("utf-8", errors="replace")
LATIN1_BINARY = bytes(_RNG.randrange(256) for _ in range(4000)).decode("latin-1")
BASE64 = base64.b64encode(bytes(_RNG.randrange(256) for _ in range(3000))).decode()
WRAPPED_BASE64 = "\n".join(BASE64[i : i + 76] for i in range(0, len(BASE64), 76))
HEX_DUMP = " ".join(f"{_RNG.randrange(256):02x}" for _ in range(1500))
SYMBOLS = "#$%^&*()_+=-{}[]|\\:;<>?,./~` 0123456789 " * 30

PROSE = {
    "english": "KYIV, May 3 (Reuters) - Russian forces shelled the city of Kharkiv overnight, the regional "
    "governor said on Saturday, wounding four people and damaging a school.",
    "russian": "Российские войска обстреляли Харьков ночью, сообщил губернатор области. Ранены четыре человека.",
    "arabic": "قصفت القوات مدينة حلب الليلة الماضية، وقال مسؤولون إن أربعة أشخاص أصيبوا بجروح في الهجوم.",
    "chinese": "军队在边境集结，局势紧张。当地官员周六表示，夜间炮击造成四人受伤，一所学校受损，居民开始撤离。",
    "thai": "ทหารถอนกำลังออกจากเมืองหลังการสู้รบอย่างหนักตลอดคืน เจ้าหน้าที่ท้องถิ่นกล่าวว่ามีผู้บาดเจ็บสี่คน",
    "league table": "Premier League results: Arsenal 2 Chelsea 1; Liverpool 3 Everton 0; Leeds 1 Fulham 1. "
    "Standings: 1. Arsenal 45 pts, 2. Liverpool 43 pts, 3. Chelsea 38 pts.",
    "story with a link": "Officials published the report at https://example.org/reports/2026/05/"
    "a9f3c2e1b7d84f6aa1c0e9d2b3f4a5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2 on Friday, and troops withdrew.",
}


@pytest.mark.parametrize(
    "junk",
    [BINARY, LATIN1_BINARY, BASE64, WRAPPED_BASE64, HEX_DUMP, SYMBOLS],
    ids=["binary-as-utf8", "binary-as-latin1", "base64", "wrapped-base64", "hex-dump", "symbols"],
)
def test_junk_is_not_language_and_says_why(junk: str) -> None:
    problem = language_problem(junk)
    assert problem is not None
    with pytest.raises(InvalidArticleError) as caught:
        require_language(junk)
    assert caught.value.reason == "not_language" and caught.value.detail == problem


@pytest.mark.parametrize("text", list(PROSE.values()), ids=list(PROSE))
def test_prose_in_any_script_is_language(text: str) -> None:
    assert language_problem(text) is None


def test_a_very_short_text_is_left_to_the_other_checks() -> None:
    assert language_problem("\x00\x01 Ra Ba") is None


def test_not_language_is_a_bounded_rejection_reason() -> None:
    assert "not_language" in REJECTION_REASONS


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load(source_profiles=False)


def test_the_worker_dead_letters_a_binary_article_instead_of_tagging_fiji(analyzer: Analyzer) -> None:
    payload = json.dumps({"id": "bin-1", "text": BINARY}).encode()
    meta = MessageMeta("articles.raw", 0, 7, timestamp=0.0, key="bin-1")
    now = datetime(2026, 12, 7, tzinfo=UTC)
    result = analyze_message(payload, meta, analyzer, now=now, max_bytes=1_000_000, dead_letter_max_bytes=16_384)
    assert isinstance(result, DeadLetter)
    assert result.reason == "not_language"


def test_offline_analysis_rejects_the_same_text(analyzer: Analyzer) -> None:
    with pytest.raises(InvalidArticleError, match="not_language"):
        analyzer.analyze(RawArticle(id="b64", text=WRAPPED_BASE64), datetime(2026, 12, 7, tzinfo=UTC))


def test_flashpoint_analyze_reports_a_binary_file_as_not_language(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flashpoint.cli import app

    junk = tmp_path / "image.txt"
    junk.write_bytes(bytes(_RNG.randrange(256) for _ in range(4000)))
    result = CliRunner().invoke(app, ["analyze", str(junk)])
    assert result.exit_code == 4  # flashpoint.cli.ExitCode.BAD_INPUT: an unreadable input, nothing analysed
    assert "not_language" in result.output
    assert '"FJ"' not in result.output


_SHARES_ALPHABET = st.sampled_from(["a", "b", " ", "\n", "\x00", "\x01", "\x9f", "\ufffd", "é", "ж", "7", "/",
                                    "\u3000", "\x85", "\u2028", "中", "ﬁ"])


@settings(max_examples=300, deadline=None)
@given(st.text(_SHARES_ALPHABET, max_size=300))
def test_the_shares_are_counted_per_character(text: str) -> None:
    # the counts are taken per distinct character; they must be the counts over every character
    _assert_shares_counted_per_character(text)


_ASCII_ALPHABET = st.sampled_from(["a", "Z", " ", "\n", "\t", "\x00", "\x01", "\x1f", "\x7f", "7", "/", "_", "~"])


@settings(max_examples=300, deadline=None)
@given(st.text(_ASCII_ALPHABET, min_size=40, max_size=300))
def test_the_shares_of_ascii_text_are_counted_per_character(text: str) -> None:
    # ASCII text is counted by deleting bytes, not by a Counter: the same counts
    _assert_shares_counted_per_character(text)


def _assert_shares_counted_per_character(text: str) -> None:
    visible = [ch for ch in text if not ch.isspace()]
    problem = language_problem(text)
    if len(visible) < 40:
        assert problem is None
        return
    control = sum(1 for ch in visible if ch == "\ufffd" or ord(ch) < 32 or 127 <= ord(ch) < 160)
    letters = sum(1 for ch in visible if ch.isalpha())
    if control > 0.02 * len(visible):
        assert problem == f"binary data: {control} of {len(visible)} characters are control bytes or undecodable"
    elif letters < 0.4 * len(visible):
        assert problem == f"no words: only {letters} of {len(visible)} characters are letters"
