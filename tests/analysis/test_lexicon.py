"""Lexicon files: each record knows the file and line it starts on, whichever YAML parser reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashpoint.analysis.lexicon import read_records
from flashpoint.errors import LexiconError


def test_each_yaml_record_knows_the_line_it_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("# a comment\n- id: first\n  pattern: a\n\n- id: second\n  pattern: b\n", encoding="utf-8")
    assert [(r.id, r.line) for r in read_records(path)] == [("first", 2), ("second", 5)]


def test_a_record_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - id: first\n  - id: second\n    bad: true\n", encoding="utf-8")
    second = read_records(path)[1]
    assert str(second.fail("unknown key 'bad'")) == "rules.yaml:3: unknown key 'bad'"


def test_broken_yaml_is_a_lexicon_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("- id: first\n  pattern: [unclosed\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"rules\.yaml"):
        read_records(path)
