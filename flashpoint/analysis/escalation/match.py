"""One rule match read against its sentence: the sentence's facts computed once, the roles of
the match, the actor, the target and where the event happened.

Places come from the sentence first (after in/at/near, in the object, inside the subject phrase),
then from the paragraph, then from the story's previous signal, and only then from the actor or
the article: "Germany closes embassy in Niamey" happens in NE whatever the actor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from flashpoint.analysis.escalation.actors import backer_tokens
from flashpoint.analysis.escalation.casualties import fatalities_in
from flashpoint.analysis.escalation.report import Found
from flashpoint.analysis.escalation.rules import ArmedGroup, EscalationRule
from flashpoint.analysis.escalation.syntax import (
    PLACE_PREPS,
    SPEECH_VERBS,
    TIME_PREPS,
    WORD_RE,
    Roles,
    core_phrase,
    is_verb,
    roles_of,
    split_sentences,
)
from flashpoint.analysis.escalation.when import TimeCue
from flashpoint.analysis.lemmas import cheap_lemmas
from flashpoint.analysis.models import VIOLENT_KINDS, ActorType, PlaceMention, RegionTags

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


@dataclass(frozen=True, slots=True)
class SentenceContext:
    """What the engine knows about a parsed sentence beyond its parse."""

    text: str
    base: int
    regions: RegionTags
    cues: list[TimeCue]
    fatalities: int | None
    # where the story's previous signal happened: "The embassy suspended its services" follows
    # "Germany closes embassy in Niamey"
    last_place: tuple[PlaceMention, ...] = ()
    # the kind of the rule that gave that signal: a statement of another kind takes its country
    # only (troops retreating in Badakhshan are not where the foreign base was left)
    last_kind: str | None = None

    def words_before(self, sentences: int = 2) -> frozenset[str]:
        """Lowercase words of the sentences just before this one."""
        window = self.text[max(0, self.base - 800):self.base]
        spans = list(split_sentences(window))[-sentences:]
        return frozenset(w.lower() for a, b in spans for w in WORD_RE.findall(window, a, b))

    def paragraph_places(self) -> list[PlaceMention]:
        """Places named earlier in the sentence's paragraph, in text order (demonyms left out)."""
        start = self.text.rfind("\n", 0, self.base) + 1
        return [m for m in self.regions.mentions
                if start <= m.span.start < self.base and m.kind != "demonym" and not m.dateline]


def with_next_sentence_fatalities(found: list[Found], text: str) -> list[Found]:
    """A violent event whose sentence gives no toll takes it from the sentences that follow
    ("... attacked a base in Boni. Three soldiers were killed."), up to two, as long as they go
    on about the same kind of event."""
    by_start = sorted(found, key=lambda f: f.signal.evidence.start)
    out: list[Found] = []
    for f in found:
        s = f.signal
        if s.kind not in VIOLENT_KINDS or s.fatalities is not None:
            out.append(f)
            continue
        end = _sentence_end(text, s.evidence.end)
        toll: int | None = None
        for _ in range(2):
            nxt_end = _sentence_end(text, end + 1)
            kinds = {g.signal.kind for g in by_start if end < g.signal.evidence.start < nxt_end}
            if kinds - {s.kind}:
                break
            toll = fatalities_in(text[end:nxt_end])
            if toll is not None or nxt_end <= end:
                break
            end = nxt_end
        out.append(f if toll is None else replace(f, signal=replace(s, fatalities=toll)))
    return out


def _sentence_end(text: str, pos: int) -> int:
    for start, end in split_sentences(text[pos:pos + 600]):
        if start >= 0:
            return pos + end
    return min(len(text), pos)


@dataclass(frozen=True, slots=True)
class Words:
    """Per-token facts of one sentence, computed once: lowercase form, actor type, armed cue."""

    lowers: tuple[str, ...]
    types: tuple[ActorType | None, ...]
    armed: tuple[bool, ...]
    # who reports the news (", police said"): never a side, an actor or a target
    speakers: frozenset[int] = frozenset()

    def outside(self, start: int, end: int) -> list[int]:
        """Token indices outside the trigger span [start, end)."""
        return [i for i in range(len(self.lowers)) if i < start or i >= end]


@dataclass(frozen=True, slots=True)
class Party:
    """An actor or a target: a group name or a country code, and the tokens that named it."""

    name: str | None = None
    tokens: frozenset[int] = frozenset()

    @property
    def is_country(self) -> bool:
        return self.name is not None and len(self.name) == 2 and self.name.isupper()


@dataclass(frozen=True, slots=True)
class Match:
    """One rule match in one parsed sentence, with its roles read off the parse."""

    rule: EscalationRule
    doc: Doc
    anchor: Token
    places: dict[int, PlaceMention]
    groups: dict[int, ArmedGroup]
    regions: RegionTags
    roles: Roles
    # role -> tokens outside the trigger span: the whole phrases, and the core arguments only
    role_tokens: dict[str, list[Token]]
    core: dict[str, list[Token]]
    words: Words

    @classmethod
    def build(cls, rule: EscalationRule, doc: Doc, span: Span, anchor: Token,
              places: dict[int, PlaceMention], groups: dict[int, ArmedGroup],
              regions: RegionTags, words: Words) -> Match:
        roles = roles_of(anchor)
        if words.speakers:
            roles = _without(roles, words.speakers)
        span_ids = {t.i for t in span}
        subject = [t for t in roles.subject if t.i not in span_ids]
        if is_verb(anchor) and anchor.head.lower_ in SPEECH_VERBS and all(
                t.pos_ == "PRON" for t in subject) and any(
                c.dep_ == "nsubj" and c.pos_ == "PRON" for c in anchor.children):
            # "..., and on Tuesday they attacked the base, residents said": "they" is the last
            # subject named before it, not the speaker its clause hangs off
            named = [t for t in doc[:anchor.i] if t.dep_ == "nsubj" and t.pos_ in ("NOUN", "PROPN")
                     and t.i not in words.speakers]
            if named:
                subject = [t for t in core_phrase(named[-1]) if t.i not in words.speakers]
        if not is_verb(anchor):
            # "the offensive by M23", "the capture of Goma by M23 rebels": a noun's agent; its
            # own outranks the clause it sits in ("20 soldiers died in an attack by jihadists")
            subject = _agent(anchor.children) or subject or _agent(anchor.subtree)
        role_tokens = {
            "subject": subject,
            "object": [t for t in roles.object if t.i not in span_ids],
        }
        role_tokens["either"] = role_tokens["subject"] + role_tokens["object"]
        core = {
            "subject": role_tokens["subject"],
            "object": [t for t in roles.core_object if t.i not in span_ids],
        }
        core["either"] = core["subject"] + core["object"]
        return cls(rule, doc, anchor, places, groups, regions, roles, role_tokens, core, words)


def _agent(tokens: Iterable[Token]) -> list[Token]:
    """The phrase of a "by" agent among ``tokens`` ("by M23 rebels")."""
    return [t for by in tokens if by.lower_ == "by" and by.dep_ in ("prep", "agent")
            for g in by.children if g.dep_ == "pobj" for t in g.subtree
            if t.dep_ not in ("relcl", "acl", "punct")]


def _without(roles: Roles, drop: frozenset[int]) -> Roles:
    """The roles with the speakers of an attribution taken out of every phrase."""
    def keep(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
        return tuple(t for t in tokens if t.i not in drop)
    return Roles(keep(roles.subject), keep(roles.object),
                 tuple((prep, keep(phrase)) for prep, phrase in roles.preps),
                 keep(roles.core_object))


def passes_role_checks(m: Match) -> bool:
    """Every ``subject``/``object``/``either`` check of the rule holds (negated ones do not)."""
    for check in m.rule.checks:
        toks = m.core[check.role] if check.negate else m.role_tokens[check.role]
        # a place satisfies a check only as a direct argument ("seized Kabul"), never from
        # an adjunct ("agreed to take part in talks in Abuja")
        core_ids = {t.i for t in m.core[check.role]} | {t.i for t in m.roles.subject}
        hit = any(
            t.lower_ in check.words or not check.words.isdisjoint(cheap_lemmas(t.lower_))
            # a named army (FARDC, the SNA) is as armed as a named militia; only the negated
            # checks ("not by rebels") mean non-state groups alone
            or (check.groups and t.i in m.groups
                and (not check.negate or m.groups[t.i].non_state))
            or (check.places and t.i in m.places and t.i in core_ids)
            or (check.names and t.pos_ == "PROPN" and t.i in core_ids)
            for t in toks
        )
        if hit == check.negate:
            return False
    return not (m.rule.object_head_not and any(
        t.lower_ in m.rule.object_head_not
        or not m.rule.object_head_not.isdisjoint(cheap_lemmas(t.lower_))
        for t in object_heads(m.anchor)))


def object_heads(anchor: Token) -> list[Token]:
    """The head nouns of what the trigger acts on: its direct object (or passive subject), or
    the "of" object of a noun trigger ("the capture of Goma"), with their conjuncts."""
    if anchor.pos_ in ("VERB", "AUX"):
        heads = [c for c in anchor.children if c.dep_ in ("dobj", "nsubjpass")]
    else:
        heads = [g for c in anchor.children if c.dep_ == "prep" and c.lower_ == "of"
                 for g in c.children if g.dep_ == "pobj"]
    return heads + [c for h in heads for c in h.children if c.dep_ == "conj"]


def actor_of(m: Match, backing: frozenset[str]) -> Party:
    """An armed group, else a country, named in the actor phrase (the rule's ``actor_from``
    roles); never a sponsor: "Rwanda-backed M23 rebels" are M23, not Rwanda."""
    for role in m.rule.actor_from:
        tokens = m.role_tokens[role]
        sponsors = backer_tokens(tokens, backing)
        own = [t for t in tokens if t.i not in sponsors]
        for t in own:
            if t.i in m.groups:
                group = m.groups[t.i]
                return Party(group.name, frozenset(i for i, g in m.groups.items() if g is group))
        for t in own:
            if t.i in m.places and m.places[t.i].country:
                place = m.places[t.i]
                return Party(place.country,
                              frozenset(i for i, p in m.places.items() if p is place))
    return Party()


def target_of(m: Match, actor: Party) -> Party:
    """Who or where the event is aimed at: a group or country after a target preposition
    ("against"), else, for rules that say so, a foreign place in the object."""
    for prep, phrase in m.roles.preps:
        if prep not in m.rule.target_preps:
            continue
        for t in phrase:
            name = (m.groups[t.i].name if t.i in m.groups
                    else m.places[t.i].country if t.i in m.places else None)
            if name:
                return Party(name, frozenset(p.i for p in phrase))
    if m.rule.target_from_object:
        for t in m.role_tokens["object"]:
            if t.i in m.places and m.places[t.i].country != actor.name:
                return Party(m.places[t.i].country, frozenset({t.i}))
    return Party()


_FORCES = frozenset({"state_forces", "foreign_forces", "non_state_armed_group", "police"})


def _story_country(m: Match) -> str | None:
    """The article's primary country when the text names it outside a dateline: a bureau
    ("BEIRUT (Reuters) -" on Syria, "NAIROBI" on Somalia) says where the reporter is, and a
    demonym often names the other side ("pushed Russian troops out")."""
    primary = m.regions.primary_country
    if primary is None or not any(p.country == primary and not p.dateline
                                  and p.kind != "demonym" for p in m.regions.mentions):
        return None
    return primary


def event_place(m: Match, actor: Party, target: Party,
                ctx: SentenceContext) -> tuple[str | None, str | None]:
    """Country and subdivision where the event happens: a place after in/at/near/from, then a
    place in the object, then any other place in the sentence, then the actor's country, then
    the article's primary country."""
    doc, roles, places, groups = m.doc, m.roles, m.places, m.groups
    actor_is_country = actor.is_country
    actor_tokens, target_tokens = actor.tokens, target.tokens
    subject_ids = {t.i for t in roles.subject} | actor_tokens
    # objects of "since", "during", "after"... are time or circumstance, not the place
    off_place = {t.i for prep, phrase in roles.preps if prep in TIME_PREPS for t in phrase}
    skip = target_tokens | actor_tokens
    # a demonym naming the other side's forces is no place: "pushed Russian troops out of X",
    # "recaptured X from Russian forces"
    skip = skip | {i for i, p in places.items()
                   if p.kind == "demonym" and m.words.types[doc[i].head.i] in _FORCES}
    tiers: list[list[PlaceMention]] = [
        [places[t.i] for prep, phrase in roles.preps if prep in PLACE_PREPS
         for t in phrase if t.i in places and t.i not in skip],
        [places[t.i] for t in roles.object if t.i in places and t.i not in skip
         and t.i not in off_place],
        # "the U.S. Embassy in Beirut suspended...": a place inside the subject phrase
        [places[t.i] for t in roles.subject if t.i in places and t.i not in skip
         and t.head.dep_ == "prep" and t.head.lower_ in PLACE_PREPS],
    ]
    group = next((g for g in groups.values() if g.name == actor.name), None)
    if not actor_is_country and group is None:
        tiers.append([places[t.i] for t in doc if t.i in places and t.i not in subject_ids
                      and t.i not in skip and places[t.i].kind != "demonym"])
    # a sentence naming no place of its own happens where its paragraph said (not a demonym:
    # "Russian" names the actor): "Kharkiv came under fire again. Russian forces shelled..."
    if not any(t.i in places and t.i not in skip and places[t.i].kind != "demonym"
               for t in doc):
        tiers.append(ctx.paragraph_places()[-1:] or [
            p if ctx.last_kind == m.rule.kind else replace(p, subdivision=None)
            for p in ctx.last_place])
    chosen: PlaceMention | None = None
    for tier in tiers:
        if tier:
            chosen = next((p for p in tier if p.subdivision), tier[0])
            break
    target_group = next((g for g in groups.values() if g.name == target.name), None)
    if chosen is not None:
        country: str | None = chosen.country
    elif target.name is not None and (target_group is not None or (
            len(target.name) == 2 and not any(
                t in places and places[t].kind == "demonym" for t in target_tokens))):
        # strikes "against the Taliban" happen where the Taliban are, strikes on Syria in Syria;
        # "pushed Russian troops out of a village" does not happen in Russia
        country = target_group.country if target_group is not None else target.name
    elif actor_is_country and not (
            m.rule.kind in VIOLENT_KINDS and _story_country(m) not in (None, actor.name)):
        # a state's own measures happen at home; its forces fighting in a sentence that names
        # no place fight where the story is ("Russian forces captured the village of X,
        # Ukraine's general staff said"), which is also what makes them foreign forces there
        country = actor.name
    else:
        country = (group.country if group else None) or m.regions.primary_country
    subdivision = chosen.subdivision if chosen is not None else None
    if subdivision is None and country is not None:
        subdivision = next(
            (p.subdivision for i, p in sorted(places.items())
             if p.subdivision and p.country == country and i not in target_tokens),
            None,
        )
    return country, subdivision


def source_place(m: Match, territory: frozenset[str]) -> bool:
    """A place the event drove someone from: "from Malam Fatori", "out of the village", or
    the place cleared of them: "cleared the Hamrin mountains of Islamic State fighters"."""
    for d in m.anchor.children:
        if d.dep_ != "dobj":
            continue
        of = [c for c in (*m.anchor.children, *d.children) if c.dep_ == "prep" and c.lower_ == "of"]
        inside = {x.i for c in of for x in c.subtree}
        if of and any((t.lower_ in territory or t.i in m.places or t.pos_ == "PROPN")
                      and t.i not in inside for t in d.subtree):
            return True
    for c in m.anchor.children:
        if c.dep_ not in ("prep", "prt", "advmod") or c.lower_ not in ("from", "out"):
            continue
        preps = [c] if c.lower_ == "from" else [
            g for g in c.children if g.dep_ == "prep" and g.lower_ in ("of", "from")]
        for p in preps:
            for t in (x for g in p.children if g.dep_ == "pobj" for x in g.subtree):
                if t.lower_ in territory or t.i in m.places or t.pos_ == "PROPN":
                    return True
    return False


def local_place(m: Match, territory: frozenset[str]) -> bool:
    """What the event acts on is a town, a district or a place below a country: "entered
    Goma", "entered the centre of Tal Afar", never "entered Lebanon"."""
    into = [t for prep, phrase in m.roles.preps if prep == "into" for t in phrase]
    for t in (*m.core["object"], *into):
        place = m.places.get(t.i)
        if place is not None:
            if place.kind not in ("country", "demonym"):
                return True
        elif t.lower_ in territory or t.pos_ == "PROPN":
            return True
    return False
