"""Every escalation lexicon file loads, validates, and refers only to known names."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashpoint.analysis.escalation import load_classes, load_groups, load_rules, rule_files
from flashpoint.analysis.escalation.precedence import load_precedence
from flashpoint.analysis.escalation.rules import BLOCKER_KINDS
from flashpoint.analysis.lexicon import read_records
from flashpoint.analysis.modality import load_modality_cues
from flashpoint.analysis.models import MODALITIES, SEVERITIES, SIGNAL_KINDS
from flashpoint.errors import LexiconError


def test_rule_files_exist() -> None:
    assert rule_files()


def test_rules_load_and_cover_every_signal_kind_and_every_blocker() -> None:
    rules = load_rules().rules
    assert {r.kind for r in rules} == {*SIGNAL_KINDS, *BLOCKER_KINDS}


def test_blockers_stop_kinds_and_every_precedence_entry_names_known_kinds() -> None:
    table = load_precedence()
    assert set(BLOCKER_KINDS) <= set(table.suppresses)
    named = {k for kinds in (*table.suppresses.values(), *table.attacks_only.values()) for k in kinds}
    assert named <= set(SIGNAL_KINDS)


def test_named_actors_have_known_types_and_armies_are_not_armed_groups() -> None:
    groups = {g.id: g for g in load_groups()}
    assert groups["taliban"].type == "non_state_armed_group"
    assert groups["idf"].type == "state_forces"
    assert groups["amisom"].type == "foreign_forces"


def test_rule_ids_are_unique_across_files() -> None:
    ids = [r.id for r in load_rules().rules]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: p.name)
def test_every_rule_has_codes_severity_and_a_cheap_trigger(path: Path) -> None:
    for rule in load_rules([path]).rules:
        assert rule.severity in SEVERITIES
        assert rule.plover, rule.id
        assert rule.triggers and all(rule.triggers), rule.id
        assert rule.label, rule.id


def test_every_record_declares_the_code_fields_even_when_null() -> None:
    for path in rule_files():
        for rec in read_records(path):
            for key in ("plover", "plover_mode", "cameo", "acled", "severity"):
                assert key in rec.data, f"{rec.path.name}:{rec.line} lacks {key}"


def test_classes_and_groups_load() -> None:
    assert "military-person" in load_classes()
    assert any(g.name == "Taliban" for g in load_groups())


def test_modality_cues_use_known_modalities() -> None:
    cues = load_modality_cues()
    used = {*cues.chain.values(), *cues.aux.values(), *cues.mark.values(), *cues.prep.values()}
    assert used <= set(MODALITIES)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("rules:\n  - {id: x-1, kind: nonsense, label: l, severity: urgent, patterns: [[{LOWER: a}]]}\n",
         "unknown kind"),
        ("rules:\n  - {id: Bad_Id, kind: coup, label: l, severity: urgent, patterns: [[{LOWER: a}]]}\n",
         "kebab-case"),
        ("rules:\n  - {id: x-1, kind: coup, label: l, severity: urgent, patterns: [[{POS: NOUN}]]}\n",
         "fixed LOWER token"),
        ("rules:\n  - {id: x-1, kind: coup, label: l, severity: urgent, patterns: [[{LOWER: '@nope'}]]}\n",
         "unknown class"),
        ("rules:\n  - {id: x-1, kind: coup, label: l, severity: urgent, patterns: [[{LOWER: a}]], typo: 1}\n",
         "unknown keys"),
        ("rules:\n  - {id: x-1, kind: coup, label: l, severity: urgent}\n", "neither"),
    ],
)
def test_a_bad_rule_fails_at_load_with_file_line_and_reason(tmp_path: Path, body: str, reason: str) -> None:
    path = tmp_path / "escalation-rules-bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(LexiconError, match=reason) as info:
        load_rules([path])
    assert "escalation-rules-bad.yaml:" in str(info.value)
