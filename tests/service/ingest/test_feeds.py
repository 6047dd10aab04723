"""The feeds file and feed arguments: validated once, with the place of the mistake named."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashpoint.service.ingest import FeedConfigError, load_feeds_file, resolve_feeds
from flashpoint.service.ingest.feeds import parse_duration
from flashpoint.service.ingest.fetch import redact_url
from flashpoint.service.ingest.rss import item_id

EXAMPLE = Path(__file__).resolve().parents[3] / "flashpoint" / "service" / "ingest" / "feeds.example.yaml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(text)
    return path


def test_the_example_feeds_file_loads_with_defaults_applied() -> None:
    feed_set = load_feeds_file(EXAMPLE)

    assert len(feed_set.feeds) >= 3
    by_name = {f.name: f for f in feed_set.feeds}
    assert by_name["bbc-world"].poll_interval == 300.0 and by_name["bbc-world"].language == "en"
    assert by_name["aljazeera"].poll_interval == 600.0
    assert feed_set.fetch.per_host_delay == 1.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("feeds:\n  - name: a\n    url: file:///etc/passwd\n", "http(s) URL"),
        (
            "feeds:\n  - name: a\n    url: http://x/\n    poll_intervall: 5m\n",
            "unknown keys ['poll_intervall']",
        ),
        ("feeds:\n  - url: http://x/\n", "'name' is required"),
        ("feeds:\n  - name: a\n    url: http://x/\n  - name: a\n    url: http://y/\n", "appears twice"),
        ("feeds:\n  - name: a\n    url: http://x/\n    poll_interval: soon\n", "duration"),
        ("feeds:\n  - name: a\n    url: http://x/\nfetch:\n  read_timeout: 0\n", "greater than zero"),
        ("feeds: []\n", "empty"),
        ("feeds: [\n", "not valid YAML"),
    ],
)
def test_a_bad_feeds_file_is_refused_naming_file_and_reason(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(FeedConfigError, match=r"feeds\.yaml") as info:
        load_feeds_file(path)
    assert message in str(info.value)


def test_urls_and_files_combine_and_a_feed_listed_twice_is_polled_once(tmp_path: Path) -> None:
    path = _write(tmp_path, "feeds:\n  - name: wire\n    url: http://news.example/rss\n")

    feed_set = resolve_feeds([path, "http://news.example/rss", "https://other.example/atom"])

    assert [(f.name, f.source_label) for f in feed_set.feeds] == [
        ("wire", "wire"),
        ("other.example", "other.example"),
    ]


def test_an_argument_that_is_neither_url_nor_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FeedConfigError, match="neither"):
        resolve_feeds([str(tmp_path / "missing.yaml")])


@pytest.mark.parametrize(("value", "seconds"), [(300, 300.0), ("90s", 90.0), ("5m", 300.0), ("1h", 3600.0)])
def test_poll_intervals_read_as_seconds(value: object, seconds: float) -> None:
    assert parse_duration(value, where="x") == seconds


def test_secrets_in_feed_urls_are_masked_in_logs() -> None:
    redacted = redact_url("https://user:hunter2@api.example/feed?apikey=s3cret&section=world")

    assert "hunter2" not in redacted and "s3cret" not in redacted
    assert "section=world" in redacted and "api.example" in redacted


def test_url_guids_identify_an_item_across_feeds_but_bare_guids_do_not() -> None:
    assert item_id({"id": "https://n.example/a"}, "http://f1/") == item_id({"id": "https://n.example/a"}, "http://f2/")
    assert item_id({"id": "12345"}, "http://f1/") != item_id({"id": "12345"}, "http://f2/")
    assert item_id({}, "http://f1/") is None
