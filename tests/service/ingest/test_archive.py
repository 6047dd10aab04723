"""Directory/archive ingest: formats, ids, pass-through, rejections, into a real broker."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

import pytest

from flashpoint.analysis.models import parse_raw_article
from flashpoint.service.ingest import parse_rate, run_dir
from flashpoint.service.ingest.archive import archive_kind, file_article_id
from flashpoint.settings import Settings
from tests.service.ingest.feedkit import article_page
from tests.service.ingest.kafka_readback import read_topic


class RecordingSink:
    """Keeps what would go to Kafka, for tests about reading files rather than delivery."""

    def __init__(self) -> None:
        self.sent: list[tuple[str | None, bytes]] = []

    def send(self, article: dict[str, Any], *, key: str | None = None) -> None:
        self.sent.append((key, json.dumps(article).encode()))

    def send_raw(self, value: bytes, *, key: str | None = None) -> None:
        self.sent.append((key, value))

    def flush(self, timeout: float = 30.0) -> None:
        pass


def _jsonl(records: list[object]) -> bytes:
    return b"".join(
        (r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records
    )


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    (root / "2026" / "11").mkdir(parents=True)
    (root / "note.txt").write_text("Shelling resumed overnight in the east, residents said.\n")
    (root / "2026" / "11" / "page.html").write_bytes(
        article_page("Border closed", "The government closed the border crossing on Monday.")
    )
    (root / "2026" / "feed.jsonl").write_bytes(
        _jsonl([
            {"id": "a-1", "text": "Air strikes hit the port.", "source": "wire", "extra": "kept"},
            {"id": "a-2", "html": "<p>Evacuation ordered.</p>"},
            {"text": "no id here"},
            b"{not json",
            {"id": "a-3", "text": ""},
        ])
    )
    with gzip.open(root / "2026" / "11" / "dump.jsonl.gz", "wb") as gz:
        gz.write(_jsonl([{"id": "g-1", "text": "Mobilisation announced."}, {"id": 7}]))
    (root / "list.json").write_text(json.dumps([{"id": "j-1", "text": "Ceasefire collapsed."}, "oops"]))
    (root / "image.png").write_bytes(b"\x89PNG")
    (root / ".hidden.txt").write_text("not me")
    return root


def test_a_directory_of_txt_html_json_jsonl_and_gzip_arrives_in_kafka(
    archive: Path, kafka_settings: Settings
) -> None:
    stats = run_dir(kafka_settings, archive, source="backfill")

    assert (stats.sent, stats.rejected, stats.files_read, stats.files_skipped) == (6, 5, 5, 1)
    values = read_topic(kafka_settings, expect=6)
    by_id = {parse_raw_article(v, max_bytes=10**6).id: v for v in values}
    assert len(values) == len(by_id) == 6
    assert {"a-1", "a-2", "g-1", "j-1"} <= set(by_id)
    assert json.loads(by_id["a-1"])["extra"] == "kept"  # JSONL records pass through unchanged
    files = {k: parse_raw_article(v, max_bytes=10**6) for k, v in by_id.items() if k.startswith("file:")}
    texts = [a.text or "" for a in files.values()]
    page_text = next(t for t in texts if "closed the border crossing" in t)
    assert "Most read" not in page_text  # main text only, as for RSS pages
    assert any("Shelling resumed" in t for t in texts)
    assert all(a.source == "backfill" for a in files.values())


def test_invalid_records_are_counted_by_reason_and_not_sent(archive: Path) -> None:
    sink = RecordingSink()
    stats = run_dir(Settings(), archive, sink=sink)

    assert dict(stats.problems) == {
        "record_empty_text": 1,
        "record_invalid_json": 1,
        "record_missing_field": 2,
        "record_not_an_object": 1,
    }
    assert len(sink.sent) == stats.sent == 6


def test_file_ids_are_stable_across_replays_and_change_with_path_or_content(archive: Path) -> None:
    first, second = RecordingSink(), RecordingSink()
    run_dir(Settings(), archive, sink=first)
    run_dir(Settings(), archive, sink=second)

    assert [k for k, _ in first.sent] == [k for k, _ in second.sent]
    content = b"same words"
    assert file_article_id("a/x.txt", content) != file_article_id("b/x.txt", content)
    assert file_article_id("a/x.txt", content) != file_article_id("a/x.txt", content + b"!")


def test_a_corrupt_gzip_file_is_reported_and_the_rest_still_goes(tmp_path: Path) -> None:
    good = gzip.compress(_jsonl([{"id": "ok", "text": "fine"}]))
    (tmp_path / "a-broken.jsonl.gz").write_bytes(good[: len(good) // 2])
    (tmp_path / "b-good.jsonl.gz").write_bytes(good)
    sink = RecordingSink()

    stats = run_dir(Settings(), tmp_path, sink=sink)

    assert (stats.files_failed, stats.files_read) == (1, 1)
    assert [k for k, _ in sink.sent] == ["ok"]


def test_a_single_file_path_is_ingested(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_bytes(_jsonl([{"id": "x", "text": "Coup attempt reported."}]))
    sink = RecordingSink()

    assert run_dir(Settings(), path, sink=sink).sent == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", ("txt", False)),
        ("a.HTM", ("html", False)),
        ("a.html", ("html", False)),
        ("a.json", ("json", False)),
        ("a.jsonl", ("jsonl", False)),
        ("a.ndjson", ("jsonl", False)),
        ("a.jsonl.gz", ("jsonl", True)),
        ("a.png", None),
        ("a.gz", None),
    ],
)
def test_archive_kinds_follow_the_file_suffix(name: str, expected: tuple[str, bool] | None) -> None:
    assert archive_kind(Path(name)) == expected


def test_a_rate_limit_paces_the_backfill(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(_jsonl([{"id": f"r{n}", "text": "x"} for n in range(6)]))
    sink = RecordingSink()

    started = time.monotonic()
    stats = run_dir(Settings(), tmp_path, sink=sink, rate=parse_rate("50/s"))

    assert stats.sent == 6
    assert time.monotonic() - started >= 5 / 50 - 0.01
