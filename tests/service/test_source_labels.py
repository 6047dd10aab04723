"""The bounded source label: configured publishers by name, the rest other, none unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashpoint.service.ingest import load_feeds_file
from flashpoint.service.source_labels import DEFAULT_SOURCES_FILE, SourceLabels, SourceLabelsError

FEEDS_EXAMPLE = Path(__file__).resolve().parents[2] / "flashpoint" / "service" / "ingest" / "feeds.example.yaml"


@pytest.mark.parametrize(
    ("source", "label"),
    [("bbc", "bbc"), ("BBC", "bbc"), ("www.bbc.co.uk", "bbc"), ("feeds.bbci.co.uk", "bbc"),
     ("Reuters", "reuters"), ("a-local-paper.example", "other"), ("", "unknown"), (None, "unknown"),
     ("  ", "unknown")],
)
def test_sources_map_to_configured_labels_the_rest_other_and_none_unknown(source: str | None, label: str) -> None:
    assert SourceLabels.load().label(source) == label


def test_the_set_of_labels_is_fixed_by_the_file_whatever_articles_arrive() -> None:
    labels = SourceLabels.load()
    seen = {labels.label(f"paper-{n}.example") for n in range(10_000)}
    assert seen == {"other"}
    assert set(labels.labels) >= {"bbc", "reuters", "other", "unknown"}
    assert len(labels.labels) == len(set(labels.labels)) <= 202


def test_every_source_of_the_example_feeds_file_has_its_own_label() -> None:
    labels = SourceLabels.load()
    for feed in load_feeds_file(FEEDS_EXAMPLE).feeds:
        assert labels.label(feed.source_label) not in ("other", "unknown"), feed.name


def test_the_default_file_is_the_one_next_to_the_module() -> None:
    assert DEFAULT_SOURCES_FILE.is_file()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources:\n  - label: bbc\n  - label: bbc\n", "appears twice"),
        ("sources:\n  - label: a\n    match: [x]\n  - label: b\n    match: [x]\n", "matches both"),
        ("sources:\n  - label: Other Label\n", "must be 1-40"),
        ("sources:\n  - label: other\n", "must be 1-40"),
        ("feeds: []\n", "'sources' list"),
        ("sources:\n  - name: bbc\n", "expected 'label'"),
    ],
)
def test_a_bad_sources_file_is_refused_with_file_and_reason(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceLabelsError, match=message) as error:
        SourceLabels.load(path)
    assert str(path) in str(error.value)
