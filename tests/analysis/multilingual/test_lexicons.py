"""Every multilingual lexicon loads, with unique ids and only known kinds, classes and labels."""

from __future__ import annotations

import pytest

from flashpoint.analysis.lexicon import LEXICON_DIR, read_records
from flashpoint.analysis.multilingual import SUPPORTED_LANGUAGES
from flashpoint.analysis.multilingual.rules import KNOWN_KINDS, load_kinds, load_language_rules
from flashpoint.analysis.multilingual.topics import LexicalTopics
from flashpoint.errors import LexiconError


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_escalation_lexicon_of_a_language_loads(language: str) -> None:
    rules = load_language_rules(language)
    assert rules.rules and all(r.kind in KNOWN_KINDS for r in rules.rules.values())
    assert {r.id.split("-")[0] for r in rules.rules.values()} == {language}


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_language_has_topic_cues_and_place_names(language: str) -> None:
    assert LexicalTopics(language).matcher
    assert read_records(LEXICON_DIR / language / "regions.yaml")


def test_every_kind_in_the_kinds_table_is_a_signal_kind() -> None:
    assert set(load_kinds()) <= set(KNOWN_KINDS)


def test_a_rule_with_an_unknown_class_fails_with_its_file_and_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = LEXICON_DIR / "es"
    for name in ("classes.yaml", "actors.yaml", "modality.yaml", "numbers.yaml"):
        (tmp_path / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "escalation.yaml").write_text(
        "rules:\n  - id: es-bad\n    kind: attack\n    triggers: [ataque]\n    needs: [no-such-class]\n",
        encoding="utf-8",
    )
    with pytest.raises(LexiconError, match=r"escalation.yaml:2: .*unknown class"):
        load_language_rules("es", tmp_path)
