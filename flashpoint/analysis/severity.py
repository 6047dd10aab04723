"""Article severity: how loudly one story should page the analyst, and why.

A single asserted shelling is routine news in a war; several different kinds of escalation in
the same country in one story (troops fleeing abroad, the neighbour mobilising, a consulate
closing) is the pattern that precedes a collapse, and it is what ``flash`` is for. So the tier
comes from the strongest signal *and* from how many distinct kinds co-occur in one country, with
threats and plans counting for less and denied, hypothetical and historical mentions for nothing.

Tiers:
- ``flash``: an asserted flash-level signal (a coup; a mass desertion of >= 1,000), or >= 3
  distinct asserted kinds in one country of which at least one is urgent;
- ``urgent``: an urgent signal (asserted, or threatened/planned flash-level), or >= 2 distinct
  asserted kinds in one country;
- ``routine``: any other signal that still carries weight (threats, plans, routine events);
- ``none``: no signal, or only denied/hypothetical/historical ones, or only background events
  (dated weeks before publication).

The country whose signals decide the tier is also where the story's events happen:
:func:`event_country` gives it, and the analysis routes the alert there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from flashpoint.analysis.models import SEVERITY_RANK, UNKNOWN_COUNTRY, Severity, Signal

FLASH_KINDS_IN_ONE_COUNTRY = 3
URGENT_KINDS_IN_ONE_COUNTRY = 2
# How much a signal counts towards co-occurrence, by modality: a threat or plan is half an event.
MODALITY_WEIGHT: dict[str, float] = {
    "asserted": 1.0, "threatened": 0.5, "planned": 0.5,
    "denied": 0.0, "hypothetical": 0.0, "historical": 0.0,
}


def _describe(signal: Signal) -> str:
    bits = [signal.kind]
    if signal.quantity is not None:
        bits.append(f"{signal.quantity:,}")
    if signal.modality != "asserted":
        bits.append(signal.modality)
    return " ".join(bits)


def _live(signals: Sequence[Signal]) -> list[Signal]:
    """Signals that count: events that happened or are threatened, now or in recent weeks."""
    return [s for s in signals if MODALITY_WEIGHT.get(s.modality, 0.0) > 0 and s.severity != "none"
            and s.when != "background"]


def _kinds_by_country(live: Sequence[Signal]) -> dict[str, dict[str, float]]:
    """Distinct kinds per country, weighted by modality."""
    weight: dict[str, dict[str, float]] = defaultdict(dict)
    for s in live:
        country = s.country or UNKNOWN_COUNTRY
        w = MODALITY_WEIGHT[s.modality]
        weight[country][s.kind] = max(weight[country].get(s.kind, 0.0), w)
    return weight


def _best_country(live: Sequence[Signal]) -> tuple[str, dict[str, float]]:
    """The country with the most (modality-weighted) kinds; ties go to the strongest signal."""
    weight = _kinds_by_country(live)
    top_rank: dict[str, int] = defaultdict(int)
    for s in live:
        country = s.country or UNKNOWN_COUNTRY
        top_rank[country] = max(top_rank[country], SEVERITY_RANK[s.severity])
    # ties go to the strongest signal, then to a named country over the unknown one
    return max(weight.items(), key=lambda kv: (sum(kv[1].values()), top_rank[kv[0]], kv[0] != UNKNOWN_COUNTRY, kv[0]))


def event_country(signals: Sequence[Signal]) -> str | None:
    """Where the story's events happen: the country of its strongest signals (None: no live
    signal with a known country). "Germany closes embassy in Niamey" happens in NE."""
    live = [s for s in _live(signals) if s.country]
    return _best_country(live)[0] if live else None


def score_article(signals: Sequence[Signal]) -> tuple[Severity, str]:
    """The article's tier and a one-line reason naming the kinds, quantities and modalities."""
    live = _live(signals)
    if not live:
        if signals:
            states = {s.modality if s.modality != "asserted" else s.when for s in signals}
            return "none", f"only {', '.join(sorted(states))} signals"
        return "none", "no escalation signal"

    best_country, kinds = _best_country(live)
    kind_score = sum(kinds.values())
    asserted_kinds = sorted(k for k, w in kinds.items() if w >= 1.0)

    top = max(live, key=lambda s: (SEVERITY_RANK[s.severity], s.modality == "asserted",
                                   s.quantity or 0))
    tier: Severity = top.severity
    reason = f"strongest signal: {_describe(top)} ({top.severity})"
    country_urgent = any(
        SEVERITY_RANK[s.severity] >= SEVERITY_RANK["urgent"]
        for s in live if (s.country or UNKNOWN_COUNTRY) == best_country
    )
    if kind_score >= FLASH_KINDS_IN_ONE_COUNTRY and len(asserted_kinds) >= 2 and country_urgent:
        if SEVERITY_RANK[tier] < SEVERITY_RANK["flash"]:
            tier = "flash"
        reason = (
            f"{len(kinds)} distinct escalation kinds in {best_country} "
            f"({', '.join(sorted(kinds))}); " + reason
        )
    elif len(asserted_kinds) >= URGENT_KINDS_IN_ONE_COUNTRY and SEVERITY_RANK[tier] < SEVERITY_RANK["urgent"]:
        tier = "urgent"
        kinds_text = ", ".join(asserted_kinds)
        reason = f"{len(asserted_kinds)} asserted kinds in {best_country} ({kinds_text}); " + reason
    if tier == "none":
        tier = "routine"
    return tier, reason
