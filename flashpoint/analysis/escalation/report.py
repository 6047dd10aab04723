"""What a signal is worth and how it reads: its severity tier, its one-line explanation, and one
signal per event when a story states the same event twice."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flashpoint.analysis.escalation.rules import EscalationRule
from flashpoint.analysis.models import (
    SEVERITIES,
    SEVERITY_RANK,
    VIOLENT_KINDS,
    Modality,
    Severity,
    Signal,
    When,
)

# Killed in one event: from these figures a violent event pages as urgent, or as flash.
FATALITIES_URGENT = 10
FATALITIES_FLASH = 100
# The label of a kind that an ACLED decision gave instead of the rule's own kind.
KIND_LABELS: dict[str, str] = {
    "armed_clash": "armed clash between armed sides",
    "attack": "armed attack on civilians",
    "protest_violence": "violence at a protest or against protesters",
    "territory_seized": "armed group or foreign forces took territory",
    "territory_regained": "government forces retook territory",
}


@dataclass(frozen=True, slots=True)
class Found:
    """A signal plus what deduplication needs to know about it."""

    signal: Signal
    exact: bool
    # the ACLED decision that named the kind (precedence rules may look at it)
    decided_by: str | None = None
    # the event is told in a subordinate clause ("after insurgents occupied the town"): the
    # sentence's main event of the same family outweighs it
    subordinate: bool = False
    # the token that heads the event's clause: kinds give way to each other only within one
    # clause ("militants fired rockets at Tel Aviv, and Israel responded with air strikes" is two
    # events); -1 when unknown (then the whole sentence is one clause)
    clause: int = -1




def signal_severity(
    rule: EscalationRule,
    quantity: int | None,
    modality: Modality,
    *,
    kind: str | None = None,
    fatalities: int | None = None,
    when: When = "current",
) -> Severity:
    """Base tier of the rule, raised to flash at ``flash_at``, and for violent events by their
    dead (urgent from :data:`FATALITIES_URGENT`, flash from :data:`FATALITIES_FLASH`); a threat
    or plan is one tier lower (unless the threat is the event, as for nuclear threats); denied,
    hypothetical and historical events, and background ones, page nobody."""
    rank = SEVERITY_RANK[rule.severity]
    if rule.flash_at is not None and quantity is not None and quantity >= rule.flash_at:
        rank = SEVERITY_RANK["flash"]
    if (kind or rule.kind) in VIOLENT_KINDS and fatalities is not None:
        if fatalities >= FATALITIES_FLASH:
            rank = SEVERITY_RANK["flash"]
        elif fatalities >= FATALITIES_URGENT:
            rank = max(rank, SEVERITY_RANK["urgent"])
    if modality in ("threatened", "planned") and not rule.threat_is_event:
        rank = max(SEVERITY_RANK["routine"], rank - 1)
    elif modality in ("denied", "hypothetical", "historical") or when == "background":
        rank = SEVERITY_RANK["none"]
    return SEVERITIES[len(SEVERITIES) - 1 - rank]


def explain(
    rule: EscalationRule,
    actor: str | None,
    country: str | None,
    subdivision: str | None,
    target: str | None,
    quantity: int | None,
    modality: Modality,
    cue: str,
    *,
    kind: str | None = None,
    fatalities: int | None = None,
    when: When = "current",
) -> str:
    label = rule.label if kind in (None, rule.kind) else KIND_LABELS.get(kind or "", kind or "")
    parts = [label]
    if quantity is not None:
        parts.append(f"({quantity:,})")
    if fatalities:
        parts.append(f"({fatalities:,} killed)")
    if actor:
        parts.insert(0, f"{actor}:")
    if subdivision or country:
        parts.append(f"in {subdivision or country}")
    if target:
        parts.append(f"towards {target}")
    text = " ".join(parts)
    if modality != "asserted":
        text += f"; {modality}" + (f" ({cue})" if cue else "")
    if when != "current":
        text += f"; {when}"
    return text + f" [rule {rule.id}]"


def _first_toll(earlier: Signal, later: Signal) -> int | None:
    return earlier.fatalities if earlier.fatalities is not None else later.fatalities


def _compatible(a: Signal, b: Signal) -> bool:
    if a.kind != b.kind or a.modality != b.modality or a.when != b.when:
        return False
    return all(
        x is None or y is None or x == y
        for x, y in ((a.actor, b.actor), (a.country, b.country), (a.target, b.target),
                     (a.subdivision, b.subdivision))
    )


def _better(a: Found, b: Found) -> bool:
    """Whether ``a`` is the better-quantified report of the same event."""
    ka = (a.signal.quantity is not None, a.exact)
    kb = (b.signal.quantity is not None, b.exact)
    return ka > kb


def dedupe(found: list[Found]) -> list[Found]:
    """One signal per event: the same kind stated twice (e.g. "a thousand soldiers fled" and
    "1,037 troops retreated") becomes one, keeping the better-quantified statement and filling
    fields the other one knew. Distinct places, actors or modalities stay distinct events."""
    clusters: list[Found] = []
    for item in sorted(found, key=lambda f: f.signal.evidence.start):
        for idx, kept in enumerate(clusters):
            if _compatible(kept.signal, item.signal):
                best, other = (item, kept) if _better(item, kept) else (kept, item)
                s = best.signal
                merged = replace(
                    s,
                    actor=s.actor or other.signal.actor,
                    country=s.country or other.signal.country,
                    subdivision=s.subdivision or other.signal.subdivision,
                    target=s.target or other.signal.target,
                    actors=s.actors or other.signal.actors,
                    # each statement may count other dead: keep the first one that gives a toll
                    fatalities=_first_toll(kept.signal, item.signal),
                    severity=max(s.severity, other.signal.severity, key=SEVERITY_RANK.__getitem__),
                )
                clusters[idx] = Found(merged, best.exact, best.decided_by, best.subordinate)
                break
        else:
            clusters.append(item)
    return sorted(clusters, key=lambda f: f.signal.evidence.start)
