"""ACLED's decisions: the kind of a violent event follows from who its sides are.

A rule finds the event ("clashed", "attacked", "captured"); the decision names it once the sides
are typed (``actors.py``), in the terms of ``../shared/notes/acled-event-types.md``:

- a clash needs two armed sides; police against protesters is a protest event; armed men against
  unarmed people is an attack on civilians;
- an attack on soldiers, police or a military post is a clash, on villagers an attack;
- who gains territory decides: the state's own forces regain it (with the militias fighting
  beside them), armed groups and foreign forces seize it, and a handover without fighting is a
  non-violent transfer (no signal);
- violence by or against protesters is ``protest_violence`` only when protesters are involved.

Each function returns the kind (or None to drop the match) and the sides to report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flashpoint.analysis.escalation.actors import ARMED_TYPES
from flashpoint.analysis.models import Actor

ARMED_OR_POLICE: frozenset[str] = ARMED_TYPES | {"police"}


@dataclass(frozen=True, slots=True)
class Sides:
    """The typed parties of one match, and what the rest of the sentence says."""

    subject: tuple[Actor, ...] = ()
    object: tuple[Actor, ...] = ()
    # "clashed with X", "fighting between X and Y", "opened fire on X", "recaptured from X"
    partner: tuple[Actor, ...] = ()
    # every actor type named in the sentence outside the trigger
    sentence: frozenset[str] = field(default_factory=frozenset)
    # the sentence says the place changed hands without a fight
    non_violent: bool = False
    # a plural side fighting itself: "rival militias", "two factions"
    reciprocal: bool = False
    # the sentence says two sides fought ("killed in a gunbattle")
    fighting: bool = False
    # the sentence names harm beyond protest policing (deaths, live fire, arson, stones): with
    # protesters on one side it is ACLED's excessive force or violent demonstration, without,
    # a protest with intervention (no signal)
    protest_harm: bool = True


Decision = tuple[str | None, tuple[Actor, ...]]


def _as(actor: Actor, role: str) -> Actor:
    return Actor(actor.name, actor.type, actor.country, role)


def decide_clash(kind: str, s: Sides) -> Decision:
    """Two sides fought: armed on both sides is a clash; protesters make it a protest event;
    civilians on one side make it an attack."""
    sides = [_as(a, "side") for a in (*s.subject, *s.partner, *s.object)]
    if s.reciprocal and len(sides) == 1:
        sides = sides * 2
    types = {a.type for a in sides}
    if "protesters" in types:
        return ("protest_violence" if s.protest_harm else None), tuple(sides)
    if "civilians" in types and types & ARMED_OR_POLICE:
        return "attack", tuple(sides)
    if sides:
        if types <= ARMED_OR_POLICE | {"unknown"} and types & ARMED_OR_POLICE and types != {"police"}:
            return kind, tuple(sides)
        if types == {"police"} and len(sides) == 1 and s.sentence & ARMED_TYPES:
            return kind, tuple(sides)
        return None, tuple(sides)
    if "protesters" in s.sentence:
        return ("protest_violence" if s.protest_harm else None), ()
    # no side named: armed actors in the sentence fought ("fighting in El Fasher killed 30
    # civilians as the RSF pressed its assault": the civilians are its victims, not a side)
    if s.sentence & ARMED_TYPES:
        return kind, ()
    return None, ()


def decide_clash_unnamed(kind: str, s: Sides) -> Decision:
    """As a clash, and when the report names no side at all ("heavy fighting raged in the
    streets of Omdurman"), an armed clash between unidentified armed groups, unless the sentence
    is about civilians, protesters or the police."""
    decided, sides = decide_clash(kind, s)
    if decided is None and not (s.subject or s.object or s.partner) and not (
            s.sentence & {"civilians", "protesters", "police"}):
        return kind, ()
    return decided, sides


def _attacker(s: Sides) -> Actor | None:
    """The subject; else the one armed type the sentence names that is not the target."""
    if s.subject:
        return s.subject[0]
    targets = {t.type for t in (*s.object, *s.partner)}
    armed = sorted(t for t in s.sentence if t in ARMED_OR_POLICE and t not in targets)
    return Actor(None, armed[0], None, "actor") if len(armed) == 1 else None  # type: ignore[arg-type]


def decide_attack(kind: str, s: Sides) -> Decision:
    """One side attacked another: the target's type decides clash, attack or protest event."""
    attacker = _attacker(s)
    targets = [*s.object, *s.partner]
    if attacker is None:
        return None, ()
    actors = (_as(attacker, "actor"), *(_as(t, "target") for t in targets))
    target_types = {t.type for t in targets}
    protest = "protest_violence" if s.protest_harm else None
    if attacker.type == "protesters":
        return protest, actors
    if attacker.type not in ARMED_OR_POLICE and attacker.type != "unknown":
        return None, actors
    if "protesters" in target_types:
        return protest, actors
    if target_types & ARMED_OR_POLICE:
        return "armed_clash", actors
    if "civilians" in target_types:
        return "attack", actors
    # no typed target: protesters named in the sentence were the target ("opened fire to
    # disperse demonstrators"), a gunbattle makes it a clash, else the victims named
    if "protesters" in s.sentence and not target_types - {"unknown"}:
        return protest, actors
    if s.fighting and attacker.type in ARMED_OR_POLICE:
        return "armed_clash", actors
    # soldiers named beside the attack were its victims ("20 soldiers died in an attack by
    # jihadists on a military camp"): a clash, even when the camp reads as a civilian place
    others = s.sentence - {attacker.type}
    if others & ARMED_OR_POLICE or (attacker.type == "state_forces" and kind == "armed_clash"):
        return "armed_clash", actors
    if "civilians" in s.sentence:
        return "attack", actors
    return ("attack" if attacker.type in ARMED_TYPES else None), actors


def decide_territory(kind: str, s: Sides) -> Decision:
    """Who gains decides: the state's own forces regain, armed groups and foreign forces seize."""
    if s.non_violent:
        return None, ()
    # "soldiers and allied clan militiamen retook": the state's forces with their affiliates
    gainer = next((a for a in s.subject if a.type in ("state_forces", "police")),
                  next(iter(s.subject), None))
    if gainer is None:
        return None, ()
    actors = (_as(gainer, "actor"), *(_as(p, "target") for p in s.partner))
    if gainer.type in ("state_forces", "police"):
        return "territory_regained", actors
    if gainer.type in ("non_state_armed_group", "foreign_forces"):
        return "territory_seized", actors
    return None, actors


def decide_protest(kind: str, s: Sides) -> Decision:
    """Violence by protesters or force against them: only when protesters are involved."""
    actors = tuple(_as(a, "actor") for a in s.subject) + tuple(_as(a, "target") for a in s.object)
    if ("protesters" in {a.type for a in actors} or "protesters" in s.sentence) and s.protest_harm:
        return kind, actors
    return None, actors


def decide_abduction(kind: str, s: Sides) -> Decision:
    """Abducted by armed men is an abduction; taken by the police is an arrest (no signal)."""
    actor = next(iter(s.subject), None)
    if actor is not None and actor.type in ("police", "protesters", "civilians"):
        return None, ()
    actors = ((_as(actor, "actor"),) if actor else ()) + tuple(_as(a, "target") for a in s.object)
    return kind, actors


DECIDERS: dict[str, Callable[[str, Sides], Decision]] = {
    "clash": decide_clash,
    "clash-unnamed": decide_clash_unnamed,
    "attack": decide_attack,
    "territory": decide_territory,
    "protest": decide_protest,
    "abduction": decide_abduction,
}
