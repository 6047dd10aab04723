"""Which kinds give way to which in one sentence, kept as data (``escalation-precedence.yaml``).

A wire snippet reports one event, and ACLED names it once: the weapon decides remote violence (an
air strike that kills villagers is an air strike, not also an attack), a change of territory
subsumes the fighting that won it, an intercepted missile is not a missile strike, and a sentence
reporting an agreement, a ceasefire or a prisoner exchange is not violence even when it mentions
fighters or clashes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flashpoint.analysis.escalation.report import Found
from flashpoint.analysis.escalation.rules import BLOCKER_KINDS
from flashpoint.analysis.lexicon import lexicon_path, read_records, validate_records
from flashpoint.analysis.models import SIGNAL_KINDS

PRECEDENCE_FILE = "escalation-precedence.yaml"


@dataclass(frozen=True, slots=True)
class Precedence:
    """kind -> the kinds it suppresses in its sentence (``attacks_only``: only those named by
    the ``attack`` decision, i.e. the same attack read twice)."""

    suppresses: dict[str, frozenset[str]]
    attacks_only: dict[str, frozenset[str]]
    # kind -> the blockers it cancels: a ceasefire that collapsed stops nothing
    overrides: dict[str, frozenset[str]] = field(default_factory=dict)
    # kind -> the kinds it suppresses only when they are told in a subordinate clause
    subordinate_only: dict[str, frozenset[str]] = field(default_factory=dict)
    # kind -> the kinds it suppresses only in its own clause: "militants fired rockets at Tel
    # Aviv, and Israel responded with air strikes" is a shelling and an air strike
    same_clause: dict[str, frozenset[str]] = field(default_factory=dict)

    def apply(self, found: Sequence[Found], blocked_by: Sequence[str]) -> list[Found]:
        """The signals of one sentence that survive the kinds present beside them."""
        kinds = {f.signal.kind for f in found}
        cancelled = {b for k in kinds for b in self.overrides.get(k, ())}
        blockers = set(blocked_by) - cancelled
        out: list[Found] = []
        for f in found:
            kind = f.signal.kind
            if any(kind in self.same_clause.get(g.signal.kind, ()) and _same_clause(f, g)
                   for g in found if g.signal.kind != kind):
                continue
            # a kind told in another clause at another time is another event: "rebels, who
            # captured Ber in April, attacked the base in Lere on Tuesday" keeps the clash
            present = blockers | {g.signal.kind for g in found
                                  if _same_clause(f, g) or _same_time(f, g)}
            if any(kind in self.suppresses.get(k, ()) for k in present if k != kind):
                continue
            if f.decided_by == "attack" and any(
                    kind in self.attacks_only.get(k, ()) for k in present if k != kind):
                continue
            if f.subordinate and any(
                    kind in self.subordinate_only.get(g.signal.kind, ()) and not g.subordinate
                    for g in found if g.signal.kind != kind):
                continue
            out.append(f)
        return out


def _same_time(a: Found, b: Found) -> bool:
    return a.signal.when == b.signal.when


def _same_clause(a: Found, b: Found) -> bool:
    return a.clause < 0 or b.clause < 0 or a.clause == b.clause


def load_precedence(path: Path | None = None) -> Precedence:
    """Read and validate the precedence table (file, line and reason on any defect)."""
    known = (*SIGNAL_KINDS, *BLOCKER_KINDS)
    records = validate_records(
        read_records(path or lexicon_path(PRECEDENCE_FILE)),
        required={"kind": str},
        allowed_values={"kind": known},
    )
    suppresses: dict[str, set[str]] = {}
    attacks_only: dict[str, set[str]] = {}
    overrides: dict[str, set[str]] = {}
    subordinate: dict[str, set[str]] = {}
    same_clause: dict[str, set[str]] = {}
    for rec in records:
        if "overrides" in rec.data:
            blockers = rec.data["overrides"]
            if not isinstance(blockers, list) or any(b not in BLOCKER_KINDS for b in blockers):
                raise rec.fail(f"rule {rec.id!r}: 'overrides' must list blocker kinds")
            overrides.setdefault(rec.data["kind"], set()).update(blockers)
            continue
        kinds = rec.data.get("suppresses")
        if not isinstance(kinds, list):
            raise rec.fail(f"rule {rec.id!r}: 'suppresses' or 'overrides' is required")
        if not kinds or any(k not in SIGNAL_KINDS for k in kinds):
            raise rec.fail(f"rule {rec.id!r}: 'suppresses' must list known signal kinds")
        only = rec.data.get("attacks_only", False)
        sub = rec.data.get("subordinate_only", False)
        clause = rec.data.get("same_clause", False)
        if not all(isinstance(x, bool) for x in (only, sub, clause)):
            raise rec.fail(f"rule {rec.id!r}: 'attacks_only', 'subordinate_only' and "
                           "'same_clause' must be true or false")
        target = (attacks_only if only else subordinate if sub else same_clause if clause
                  else suppresses)
        target.setdefault(rec.data["kind"], set()).update(kinds)
    return Precedence({k: frozenset(v) for k, v in suppresses.items()},
                      {k: frozenset(v) for k, v in attacks_only.items()},
                      {k: frozenset(v) for k, v in overrides.items()},
                      {k: frozenset(v) for k, v in subordinate.items()},
                      {k: frozenset(v) for k, v in same_clause.items()})
