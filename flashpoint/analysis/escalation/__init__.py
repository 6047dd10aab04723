"""Escalation signals: the events that say a conflict is turning, each explained.

The package is split by job:

- :mod:`.rules`: the rule schema and loading the lexicons (rules, word classes, armed groups);
- :mod:`.syntax`: reading roles off the parse, POS from Penn tags, counts, sentence splitting;
- :mod:`.engine`: the two-stage detector (:class:`EscalationEngine`);
- :mod:`.report`: a signal's severity and explanation, and deduplication.
"""

from __future__ import annotations

from flashpoint.analysis.escalation.engine import EscalationEngine
from flashpoint.analysis.escalation.report import signal_severity
from flashpoint.analysis.escalation.rules import (
    ArmedGroup,
    EscalationRule,
    RuleSet,
    load_classes,
    load_groups,
    load_rules,
    rule_files,
)
from flashpoint.analysis.escalation.syntax import split_sentences

__all__ = [
    "ArmedGroup",
    "EscalationEngine",
    "EscalationRule",
    "RuleSet",
    "load_classes",
    "load_groups",
    "load_rules",
    "rule_files",
    "signal_severity",
    "split_sentences",
]
