"""Who the sides of an event are: each phrase typed as state forces, an armed group, police,
protesters, civilians or foreign forces.

ACLED decides the kind of a violent event by its actors (a clash needs two armed sides, police
against protesters is a protest event, armed men against unarmed people is an attack), so the
engine types every side before it names the event. Types come from data: the named actors of
``escalation-actors.yaml`` (armed groups, armies, foreign missions, with their countries) and the
``actor-*`` word classes of ``escalation-classes.yaml`` (``soldiers``, ``gunmen``, ``villagers``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flashpoint.analysis.escalation.rules import ArmedGroup
from flashpoint.analysis.lemmas import cheap_lemmas
from flashpoint.analysis.models import Actor, ActorType, PlaceMention

if TYPE_CHECKING:
    from spacy.tokens import Token

# word class of escalation-classes.yaml -> the actor type its words give
ACTOR_CLASSES: dict[str, ActorType] = {
    "actor-state-forces": "state_forces",
    "actor-non-state": "non_state_armed_group",
    "actor-police": "police",
    "actor-protesters": "protesters",
    "actor-civilians": "civilians",
    "actor-foreign": "foreign_forces",
}
ARMED_TYPES: frozenset[str] = frozenset({"state_forces", "non_state_armed_group", "foreign_forces"})
# A modifier of these types overrides a head word typed state forces: "rebel forces" are rebels,
# "riot police" are police, "coalition forces" are foreign.
_OVERRIDING = frozenset({"non_state_armed_group", "police", "foreign_forces", "protesters"})
# what carries people of either side: "an aid convoy", "a civilian vehicle" are civilians
_CARRIERS = frozenset({"convoy", "convoys", "vehicle", "vehicles", "truck", "trucks", "car", "cars",
                       "bus", "buses", "boat", "boats"})
_ARMED_MODIFIERS = frozenset({"armed", "heavily-armed", "gun-wielding"})
_BACKING_EDGES = frozenset({"compound", "amod", "npadvmod", "nmod", "poss"})


@dataclass(frozen=True, slots=True)
class ActorWords:
    """The typed words, loaded once: word -> type, and the words that say "backed by"."""

    types: dict[str, ActorType]
    backing: frozenset[str]
    memo: dict[str, ActorType | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_classes(cls, classes: dict[str, frozenset[str]]) -> ActorWords:
        types: dict[str, ActorType] = {}
        for class_id, actor_type in ACTOR_CLASSES.items():
            for word in classes.get(class_id, frozenset()):
                types.setdefault(word, actor_type)
        return cls(types, classes.get("actor-backing", frozenset()))

    def type_of(self, word: str) -> ActorType | None:
        """The type of a word or of one of its base forms (memoised: news reuses its words)."""
        if word in self.memo:
            return self.memo[word]
        found: ActorType | None = None
        for form in cheap_lemmas(word):
            found = self.types.get(form)
            if found is not None:
                break
        if len(self.memo) < 100_000:
            self.memo[word] = found
        return found


def backer_tokens(tokens: Sequence[Token], backing: frozenset[str]) -> set[int]:
    """Tokens naming a sponsor, not the actor: "Rwanda" in "Rwanda-backed M23 rebels"."""
    out: set[int] = set()
    for t in tokens:
        if t.lower_ not in backing:
            continue
        out.add(t.i)
        for c in t.children:
            if c.dep_ in _BACKING_EDGES or c.dep_ == "punct":
                out.update(x.i for x in c.subtree)
        doc = t.doc
        # the tokenizer splits "Rwanda-backed" as Rwanda - backed
        if t.i >= 2 and doc[t.i - 1].text == "-":
            out.update({t.i - 1, t.i - 2})
    return out


def phrase_roots(tokens: Sequence[Token]) -> list[Token]:
    """The heads of a phrase and its coordinated members: "the army and M23 rebels" -> army, rebels."""
    ids = {t.i for t in tokens}
    roots = [t for t in tokens if t.head.i not in ids or t.head.i == t.i]
    out: list[Token] = []
    stack = list(roots)
    while stack:
        t = stack.pop(0)
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ == "conj" and c.i in ids)
    return out


def conjunct(root: Token, tokens: Sequence[Token]) -> list[Token]:
    """The tokens of one coordinated member: its phrase without the members that follow it."""
    ids = {t.i for t in tokens}
    skip = {x.i for c in root.children if c.dep_ in ("conj", "cc") for x in c.subtree}
    return [t for t in root.subtree if t.i in ids and t.i not in skip]


def type_phrase(
    tokens: Sequence[Token],
    words: ActorWords,
    groups: dict[int, ArmedGroup],
    places: dict[int, PlaceMention],
    role: str = "actor",
    *,
    places_act: bool = False,
) -> Actor | None:
    """The actor a phrase names, typed; None when nothing in it is an actor word or a name."""
    if not tokens:
        return None
    backers = backer_tokens(tokens, words.backing)
    own = [t for t in tokens if t.i not in backers]
    if not own:
        return None
    country = next((places[t.i].country for t in own if t.i in places), None)
    for t in own:
        if t.i in groups:
            g = groups[t.i]
            return Actor(g.name, g.type, g.country or country, role)
    roots = phrase_roots(own) or own[-1:]
    head = roots[0]
    head_type = words.type_of(head.lower_)
    modifier_type: ActorType | None = None
    modifier: Token | None = None
    for t in reversed(own):
        if t.i == head.i:
            continue
        found = words.type_of(t.lower_)
        if found is not None and (modifier_type is None or found in _OVERRIDING):
            modifier_type, modifier = found, t
            if found in _OVERRIDING:
                break
    armed_by = [t for t in tokens if t.lower_ in _ARMED_MODIFIERS and t.head.i == head.i
                and all(c.dep_ == "advmod" for c in t.children)]
    if head_type in (None, "civilians") and modifier_type is None and armed_by:
        # "armed groups", "armed men", "heavily armed individuals": ACLED's unidentified armed
        # group ("Iran-armed militias" names a backer instead: "armed" has a child there)
        head_type = "non_state_armed_group"
        own = sorted([*own, *armed_by], key=lambda t: t.i)
    if head_type is None and modifier_type is None:
        if places_act and country is not None and any(
                t.i in places and places[t.i].kind != "demonym" for t in own):
            # "Russia shelled...", "Kyiv said": a state acting is its forces
            return Actor(country, "state_forces", country, role)
        return None
    kind: ActorType
    named_by = head
    if head_type is None:
        kind = modifier_type or "unknown"
        named_by = modifier or head
    elif (head_type == "state_forces" and modifier_type in _OVERRIDING) or (
            head_type == "civilians" and modifier_type in ARMED_TYPES | {"police"}) or (
            head.lower_ in _CARRIERS and modifier_type == "civilians"):
        # "rebel forces", "riot police"; "military camp", "rebel hideout in a village"
        kind = modifier_type or head_type
    else:
        kind = head_type
    own_ids = {t.i for t in own}
    name = " ".join(t.text for t in named_by.subtree
                    if t.i in own_ids and (t.i == named_by.i or (
                        t.head.i == named_by.i and t.dep_ in ("compound", "amod"))))
    return Actor(name or head.text, kind, country, role)


def type_sides(
    tokens: Sequence[Token],
    words: ActorWords,
    groups: dict[int, ArmedGroup],
    places: dict[int, PlaceMention],
    role: str,
    *,
    places_act: bool = False,
) -> list[Actor]:
    """Every coordinated member of a phrase typed on its own ("the army and the rebels")."""
    out: list[Actor] = []
    for root in phrase_roots(tokens):
        for part in _split_and(conjunct(root, tokens)):
            actor = type_phrase(part, words, groups, places, role, places_act=places_act)
            if actor is not None:
                out.append(actor)
    return out


def _split_and(tokens: list[Token]) -> list[list[Token]]:
    """A coordination the parser did not mark as one: "Somali soldiers and Ma'awisley clan
    fighters" parsed as a single noun phrase (soldiers as a modifier of fighters) is two sides.
    The phrase comes without its "and" (a cc edge), so the gap it left is where it splits."""
    ordered = sorted(tokens, key=lambda t: t.i)
    for a, b in itertools.pairwise(ordered):
        if b.i - a.i != 2:
            continue
        gap = a.doc[a.i + 1]
        if gap.dep_ == "cc" and gap.lower_ in ("and", "&") and gap.head.i in {t.i for t in tokens} \
                and not any(c.dep_ == "conj" for c in gap.head.children):
            return [[t for t in ordered if t.i < gap.i], [t for t in ordered if t.i > gap.i]]
    return [tokens]


_SPEECH = frozenset({"said", "says", "say", "claimed", "claims", "announced", "reported",
                     "stated", "added"})


def pronoun_owner(tokens: Sequence[Token], anchor: Token, places: dict[int, PlaceMention],
                  groups: dict[int, ArmedGroup]) -> ArmedGroup | str | None:
    """Whose "its"/"their" an actor phrase names: the speaker of the statement the event is
    reported in, a named group or a country ("Russia's defence ministry said its forces had
    liberated the village", "the Houthis said their forces had seized positions")."""
    if not any(t.lower_ in ("its", "their") and t.dep_ == "poss" for t in tokens):
        return None
    tok = anchor
    for _ in range(4):
        if tok.head.i == tok.i:
            return None
        tok = tok.head
        if tok.lower_ in _SPEECH:
            break
    else:
        return None
    for subj in (c for c in tok.children if c.dep_ == "nsubj"):
        for t in subj.subtree:
            if t.i in groups:
                return groups[t.i]
            if t.i in places:
                return places[t.i].country
    return None


def owned_by(actor: Actor, owner: ArmedGroup | str | None) -> Actor:
    """The actor of "its forces" with its owner's country, and a named group's type and name."""
    if owner is None:
        return actor
    if isinstance(owner, str):
        return actor if actor.country else Actor(actor.name, actor.type, owner, actor.role)
    return Actor(owner.name, owner.type, owner.country or actor.country, actor.role)


def localise(actor: Actor, event_country: str | None) -> Actor:
    """State forces acting outside their own country are foreign forces (ACLED's rule)."""
    if (actor.type == "state_forces" and actor.country and event_country
            and actor.country != event_country):
        return Actor(actor.name, "foreign_forces", actor.country, actor.role)
    return actor
