"""The escalation engine: finds the signals in a cleaned article, each explained.

Keyword spotting is what made GDELT-era conflict codes untrustworthy, and running the full parser
over every sentence is far too slow (~8 articles/s). So detection has two stages:

1. a cheap scan over every sentence with the tokenizer only: a rule is a candidate for a sentence
   when the words its token pattern needs are all present, its context words are present and its
   exclusion words (sports, business, disasters) are absent;
2. only candidate sentences go through the tagger/parser (no NER: places come from the region
   tagger's mentions, armed groups from ``escalation-actors.yaml``); the rule's spaCy Matcher
   pattern must match and its role checks must hold on the parse (who did it, to what).

Each signal carries the actor, where it happens, its target/destination, a normalised quantity,
a modality (``modality.py``), a severity, an explanation and the evidence span (offsets into the
cleaned text).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from flashpoint.analysis.escalation.actors import (
    ActorWords,
    localise,
    owned_by,
    pronoun_owner,
    type_sides,
)
from flashpoint.analysis.escalation.casualties import fatalities_in
from flashpoint.analysis.escalation.decide import DECIDERS, Sides
from flashpoint.analysis.escalation.match import (
    Match,
    Party,
    SentenceContext,
    Words,
    actor_of,
    event_place,
    local_place,
    passes_role_checks,
    source_place,
    target_of,
    with_next_sentence_fatalities,
)
from flashpoint.analysis.escalation.precedence import Precedence, load_precedence
from flashpoint.analysis.escalation.report import Found, dedupe, explain, signal_severity
from flashpoint.analysis.escalation.rules import ArmedGroup, EscalationRule, RuleSet, load_rules
from flashpoint.analysis.escalation.syntax import (
    MAX_SENTENCE_CHARS,
    WINDOW_CHARS,
    WORD_RE,
    any_between,
    assign_pos,
    attribution_tokens,
    clause_head,
    count_in,
    event_clause,
    governed_by,
    in_comment,
    is_verb,
    later_clause,
    places_by_token,
    split_sentences,
)
from flashpoint.analysis.escalation.when import event_when, time_cues
from flashpoint.analysis.lemmas import cheap_lemmas
from flashpoint.analysis.modality import ModalityResolver
from flashpoint.analysis.models import (
    VIOLENT_KINDS,
    Actor,
    Modality,
    PlaceMention,
    RegionTags,
    Signal,
)
from flashpoint.analysis.models import Span as TextSpan
from flashpoint.analysis.quantity import Count
from flashpoint.errors import LexiconError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

# prepositions whose object is the other side: "clashed with", "fighting between", "fire on",
# "attack against", "recaptured from", "fell to"
_PARTNER_PREPS = frozenset({"with", "between", "against", "on", "upon", "at", "from", "to", "into"})
_ARMED_OR_POLICE = frozenset({"state_forces", "non_state_armed_group", "foreign_forces", "police"})
# the side that attacked, named by its deed: leaving afterwards hands nothing over
_ATTACKERS = frozenset({"attackers", "assailants", "raiders", "gunmen"})
# one plural side that fought itself: "rival militias", "two factions clashed"
_RECIPROCAL = frozenset({"rival", "rivals", "factions", "opposing", "feuding", "warring"})
# an agreement inside these is a circumstance, not the news: "despite the ceasefire agreement"
_ADJUNCT_PREPS = frozenset({"despite", "after", "before", "since", "until", "following", "amid",
                            "under", "of", "in", "without"})


_NO_FIGHT = frozenset({"fight", "fighting", "resistance", "shot", "battle", "struggle",
                       "bloodshed", "firing"})


def _without_a_fight(lowers: tuple[str, ...]) -> bool:
    """ "without a fight", "without firing a shot", "without resistance": a handover."""
    return any(w == "without" and not _NO_FIGHT.isdisjoint(lowers[i + 1:i + 4])
               for i, w in enumerate(lowers))

# Sentences parsed per batch: spaCy's default (1,000) holds that many parsed docs at once: 107 MB
# at the peak for the trigger windows of one 50,000-character page of run-on text, 16 MB in
# batches of 8, for the same CPU.
PARSE_BATCH = 8


class EscalationEngine:
    """Finds escalation signals in a cleaned article. Build once (loads rules), call often."""

    def __init__(self, nlp: Language | None, rules: RuleSet | None = None,
                 precedence: Precedence | None = None) -> None:
        from spacy.matcher import Matcher

        from flashpoint.analysis.nlp import load_model

        self.nlp: Language = nlp if nlp is not None else load_model()
        self.rules = rules or load_rules()
        self._by_id = {r.id: r for r in self.rules.rules}
        # every word that can start a rule's cheap test, in any case ("Shelling" at a sentence
        # start): the scan looks words up as written and lowercases only sentences that hit
        self._trigger_index: dict[str, set[int]] = {}
        for i, rule in enumerate(self.rules.rules):
            for trig in rule.triggers:
                for word in trig[0]:
                    for form in (word, word.capitalize(), word.upper()):
                        self._trigger_index.setdefault(form, set()).add(i)
        self._trigger_words = frozenset(self._trigger_index)
        # one Matcher per rule: a sentence is matched only against its candidate rules (running
        # every pattern over every parsed sentence cost a quarter of the engine's time)
        self._matchers: dict[str, Matcher] = {}
        for rule in self.rules.rules:
            matcher = Matcher(self.nlp.vocab)
            try:
                matcher.add(rule.id, [list(p) for p in rule.patterns])
            except (ValueError, KeyError, TypeError) as e:
                raise LexiconError(f"{rule.source}: rule {rule.id!r}: bad token pattern: {e}") from e
            self._matchers[rule.id] = matcher
        self._modality = ModalityResolver(self.nlp.vocab)
        # NER is not needed (places come from the region tagger); the rule-based lemmatizer and
        # the attribute ruler cost as much as the parser: POS comes from the tagger's Penn tags
        # (see assign_pos) and lemma-like matching from cheap_lemmas.
        self._disable = [p for p in self.nlp.pipe_names if p in ("ner", "lemmatizer", "attribute_ruler")]
        self._alias_index: dict[str, list[tuple[tuple[str, ...], ArmedGroup]]] = {}
        for g in self.rules.groups:
            for alias in g.aliases:
                self._alias_index.setdefault(alias[0], []).append((alias, g))
        # the cheap scan's test for a named group: every word of one alias is in the sentence
        # (a first word alone is too weak: "people" starts "People's Defence Force")
        self._alias_words: dict[str, list[frozenset[str]]] = {}
        for g in self.rules.groups:
            for alias in g.aliases:
                parts = [w.lower() for w in WORD_RE.findall(" ".join(alias))]
                if parts:
                    self._alias_words.setdefault(parts[0], []).append(frozenset(parts))
        self._group_first_words = frozenset(self._alias_words)
        classes = self.rules.classes
        self._actor_words = ActorWords.from_classes(classes)
        self._armed_cues = classes.get("armed-cue", frozenset())
        self._armed_memo: dict[str, bool] = {}
        armed_types = {"state_forces", "non_state_armed_group", "foreign_forces", "police"}
        self._violence_words = classes.get("violence-cue", frozenset())
        self._armed_words = self._armed_cues | frozenset(
            w for w, t in self._actor_words.types.items() if t in armed_types)
        self._non_violent = classes.get("non-violent-transfer", frozenset())
        self._handover = classes.get("non-violent-handover", frozenset())
        self._forceful = classes.get("forceful-capture", frozenset())
        self._fighting = classes.get("fighting-cue", frozenset())
        self._clash_cues = classes.get("clash-cue", frozenset())
        self._protest_harm = classes.get("protest-harm-cue", frozenset())
        self._event_extent = classes.get("event-extent", frozenset())
        self._halt_verbs = classes.get("halt-verbs", frozenset())
        self._precedence: Precedence = precedence or load_precedence()

    # -- stage 1 ------------------------------------------------------------------------------

    def candidate_sentences(
        self, text: str, regions: RegionTags
    ) -> list[tuple[int, str, list[EscalationRule]]]:
        """Sentences worth parsing: (start offset, sentence text, candidate rules)."""
        mention_starts = sorted(m.span.start for m in regions.mentions)
        out: list[tuple[int, str, list[EscalationRule]]] = []
        for start, end in split_sentences(text):
            words = frozenset(WORD_RE.findall(text, start, end))
            hits = words & self._trigger_words
            if not hits:
                continue
            words = frozenset(w.lower() for w in words)
            has_group = any(parts <= words for w in words & self._group_first_words
                            for parts in self._alias_words[w])
            has_place = any_between(mention_starts, start, end)
            armed = has_group or not self._armed_words.isdisjoint(words)
            violent = has_group or not self._violence_words.isdisjoint(words)
            maybe = sorted({i for w in hits for i in self._trigger_index[w]})
            rules = self.rules.rules
            cands = [
                r for r in (rules[i] for i in maybe)
                if r.triggered_by(words)
                and r.roles_possible(words, has_group, has_place)
                and not r.excluded_by(words, violent)
                and (
                    (not r.context and not r.context_groups and not r.context_places)
                    or not r.context.isdisjoint(words)
                    or (r.context_groups and has_group)
                    or (r.context_places and has_place)
                )
            ]
            # an agreement alone is no reason to parse: blockers matter beside other rules;
            # rules with a figurative sense need an armed word in the sentence
            cands = [r for r in cands if not r.armed_context or armed]
            if all(r.blocker for r in cands):
                continue
            if end - start <= MAX_SENTENCE_CHARS:
                out.append((start, text[start:end], cands))
                continue
            # a run-on "sentence" (lost punctuation, a list): parse only windows around triggers
            windows: list[tuple[int, int]] = []
            for m in WORD_RE.finditer(text, start, end):
                if m.group(0) in self._trigger_words:
                    lo = max(start, m.start() - WINDOW_CHARS)
                    hi = min(end, m.end() + WINDOW_CHARS)
                    lo = text.find(" ", lo, m.start()) + 1 if lo > start else lo
                    hi_space = text.rfind(" ", m.end(), hi)
                    hi = hi_space if hi < end and hi_space > 0 else hi
                    if windows and lo <= windows[-1][1]:
                        windows[-1] = (windows[-1][0], hi)
                    else:
                        windows.append((lo, hi))
            out.extend((lo, text[lo:hi], cands) for lo, hi in windows)
        return out

    # -- stage 2 ------------------------------------------------------------------------------

    def detect(self, text: str, regions: RegionTags,
               published_at: datetime | None = None) -> tuple[Signal, ...]:
        """All escalation signals of the article, deduplicated, in text order. ``published_at``
        dates the events (current, recent, background); without it dated events stay current."""
        selected = self.candidate_sentences(text, regions)
        if not selected:
            return ()
        docs = self.nlp.pipe([s for _, s, _ in selected], disable=self._disable, batch_size=PARSE_BATCH)
        found: list[Found] = []
        last_place: tuple[PlaceMention, ...] = ()
        last_kind: str | None = None
        for (base, _sent_text, cands), doc in zip(selected, docs, strict=True):
            assign_pos(doc)
            context = SentenceContext(
                text=text, base=base, regions=regions,
                cues=time_cues(doc.text, published_at),
                fatalities=fatalities_in(doc.text),
                last_place=last_place,
                last_kind=last_kind,
            )
            here = self._signals_in_sentence(doc, cands, context)
            found.extend(here)
            placed = [f.signal for f in here if f.signal.country]
            if placed:
                s = placed[-1]
                last_place = (PlaceMention(s.evidence, s.country or "", s.subdivision, "event"),)
                last_kind = self._by_id[s.rule_id].kind
        return tuple(f.signal for f in dedupe(with_next_sentence_fatalities(found, text)))

    def _signals_in_sentence(
        self, doc: Doc, cands: Iterable[EscalationRule], ctx: SentenceContext
    ) -> list[Found]:
        matches = []
        for rule in cands:
            for _match_id, start, end in self._matchers[rule.id](doc):
                matches.append((rule.id, start, end))
        if not matches:
            return []
        places = places_by_token(doc, ctx.base, ctx.regions.mentions)
        groups = self._groups_by_token(doc)
        sentence_cues = self._modality.sentence_cues(doc)
        lowers = tuple(t.lower_ for t in doc)
        speakers = attribution_tokens(doc)
        words = Words(
            lowers=lowers,
            types=tuple(None if i in speakers else groups[i].type if i in groups
                        else self._actor_words.type_of(w) for i, w in enumerate(lowers)),
            # a military speaker still says the story is military ("fighting ..., the army said")
            armed=tuple(self._is_armed_cue(w) for w in lowers),
            speakers=speakers,
        )
        # longest first, so "air bombing" (air_strike) wins over "bombing" (bombing)
        # and, for one trigger, a rule naming the weapon before the generic attack rule
        matches.sort(key=lambda m: (-(m[2] - m[1]), m[1], self._by_id[m[0]].decide == "attack"))
        fired_at: dict[int, set[str]] = {}
        out: list[Found] = []
        blocked_by: list[str] = []
        for rule_id, start, end in matches:
            rule = self._by_id[rule_id]
            span = doc[start:end]
            anchor = span.root
            # "on alert": the event is what the prepositional phrase hangs off ("remained")
            while anchor.pos_ in ("ADP", "PART", "DET", "CCONJ") and anchor.head.i != anchor.i:
                anchor = anchor.head
            if rule.blocker:
                m = Match.build(rule, doc, span, anchor, places, groups, ctx.regions, words)
                if not (rule.not_governed_by and governed_by(anchor, rule.not_governed_by)) \
                        and passes_role_checks(m) and self._blocks(anchor, sentence_cues):
                    blocked_by.append(rule.kind)
                continue
            kinds_here = fired_at.get(anchor.i, set())
            if kinds_here and rule.kind not in kinds_here:
                continue
            if any(fired_at.get(t.i) and rule.kind not in fired_at[t.i] for t in span):
                continue
            m = Match.build(rule, doc, span, anchor, places, groups, ctx.regions, words)
            item = self._evaluate(m, span, sentence_cues, ctx)
            if item is None:
                continue
            for t in span:
                fired_at.setdefault(t.i, set()).update({rule.kind, item.signal.kind})
            out.append(item)
        return self._precedence.apply(out, blocked_by)

    def _is_armed_cue(self, word: str) -> bool:
        found = self._armed_memo.get(word)
        if found is None:
            found = not self._armed_cues.isdisjoint(cheap_lemmas(word))
            if len(self._armed_memo) < 100_000:
                self._armed_memo[word] = found
        return found

    def _blocks(self, anchor: Token, sentence_cues: list[tuple[str, Modality, int]]) -> bool:
        """An agreement, ceasefire or exchange stops other kinds only as the sentence's own news:
        in its main clause, asserted or agreed ("a ceasefire agreed last week collapsed" and
        "rebels rejected the truce" block nothing)."""
        tok = anchor
        for _ in range(8):
            if tok.dep_ in ("relcl", "acl", "advcl", "pcomp") or (
                    tok.dep_ == "pobj" and tok.head.lower_ in _ADJUNCT_PREPS):
                return False
            if tok.head.i == tok.i:
                break
            tok = tok.head
        modality, _cue = self._modality.resolve(anchor, self._modality.scoped(anchor, sentence_cues))
        return modality in ("asserted", "planned")

    def _groups_by_token(self, doc: Doc) -> dict[int, ArmedGroup]:
        out: dict[int, ArmedGroup] = {}
        lowers = [t.lower_ for t in doc]
        for i, w in enumerate(lowers):
            for alias, group in self._alias_index.get(w, ()):
                if tuple(lowers[i:i + len(alias)]) == alias:
                    for j in range(i, i + len(alias)):
                        out[j] = group
        return out

    def _evaluate(
        self,
        m: Match,
        span: Span,
        sentence_cues: list[tuple[str, Modality, int]],
        ctx: SentenceContext,
    ) -> Found | None:
        """One rule match read against the parse: the role checks must hold, then actor, target,
        place, the rule's requirements, its ACLED decision and its minimum quantity; None when
        any of them fails."""
        rule = m.rule
        if self._not_an_event(m, span) or not passes_role_checks(m) \
                or not self._context_holds(m, span):
            return None
        if rule.exclude_nearby and not rule.exclude_nearby.isdisjoint(ctx.words_before()):
            return None
        actor = actor_of(m, self._actor_words.backing)
        target = target_of(m, actor)
        country, subdivision = event_place(m, actor, target, ctx)
        if rule.country_from_actor and actor.is_country and actor.name != country:
            # troops fleeing abroad: the event is about the country they leave
            country = actor.name
            subdivision = None
        if not self._meets_requirements(m, actor, target, country):
            return None
        kind, actors = self._decide(m, span, country)
        if kind is None:
            return None
        if "victims" in rule.require and ctx.fatalities is None and not any(
                a.role == "target" and a.type != "unknown" for a in actors):
            return None
        count: Count | None = None
        for role in rule.quantity_from:
            count = count_in(m.role_tokens[role])
            if count is not None:
                break
        quantity = count.value if count else None
        if rule.min_quantity is not None and (quantity is None or quantity < rule.min_quantity):
            return None
        signal = self._signal(m, span, sentence_cues, ctx, kind=kind, actors=actors, count=count,
                              where=(country, subdivision), names=(actor.name, target.name))
        anchor = m.anchor
        clause = anchor if anchor.pos_ in ("VERB", "AUX") else anchor.head
        return Found(signal, exact=bool(count and count.exact), decided_by=rule.decide,
                     subordinate=clause.dep_ in ("advcl", "relcl", "acl", "pcomp"),
                     clause=clause_head(anchor).i)

    def _not_an_event(self, m: Match, span: Span) -> bool:
        """Where the trigger sits in the parse says it names no event of its kind."""
        rule, anchor = m.rule, m.anchor
        if rule.not_governed_by and governed_by(anchor, rule.not_governed_by):
            return True
        if rule.decide == "territory" and anchor.dep_ == "acl":
            # "an arms depot captured by the rebels" describes what the place is, not an event
            return True
        if anchor.dep_ == "compound" and anchor.pos_ in ("NOUN", "PROPN") and not (
                span.start <= anchor.head.i < span.end) and anchor.head.lower_ not in self._event_extent:
            # "a kidnapping gang", "Shahed attack drones": the trigger names a kind of thing
            return True
        if in_comment(anchor):
            # ", blaming federal forces fighting Fano militias": the speaker's comment names who
            # was behind the news or what goes on around it, not another event
            return True
        # "agreed to halt fighting", "the shelling was stopped": the end of the event
        return (rule.kind in VIOLENT_KINDS and anchor.dep_ in ("dobj", "nsubjpass", "xcomp")
                and anchor.head.lower_ in self._halt_verbs)

    def _signal(
        self,
        m: Match,
        span: Span,
        sentence_cues: list[tuple[str, Modality, int]],
        ctx: SentenceContext,
        *,
        kind: str,
        actors: tuple[Actor, ...],
        count: Count | None,
        where: tuple[str | None, str | None],
        names: tuple[str | None, str | None],
    ) -> Signal:
        """The signal a decided match gives: modality, time, fatalities, severity, evidence."""
        rule, anchor = m.rule, m.anchor
        (country, subdivision), (actor_name, target_name) = where, names
        quantity = count.value if count else None
        modality, cue = self._modality.resolve(anchor, self._modality.scoped(anchor, sentence_cues))
        when = event_when(anchor, m.doc, ctx.cues)
        fatalities = ctx.fatalities if kind in VIOLENT_KINDS else None
        ev_tokens = [*span, *m.roles.subject, *m.roles.object]
        ev_start = min(t.idx for t in ev_tokens)
        ev_end = max(t.idx + len(t.text) for t in ev_tokens)
        return Signal(
            kind=kind,
            rule_id=rule.id,
            evidence=TextSpan(ctx.base + ev_start, ctx.base + ev_end, m.doc.text[ev_start:ev_end]),
            modality=modality,
            severity=signal_severity(rule, quantity, modality, kind=kind, fatalities=fatalities,
                                     when=when),
            quantity=quantity,
            actor=actor_name,
            country=country,
            subdivision=subdivision,
            target=target_name,
            plover=rule.plover,
            plover_mode=rule.plover_mode,
            cameo=rule.cameo,
            acled=rule.acled,
            explanation=explain(rule, actor_name, country, subdivision, target_name, quantity,
                                modality, cue, kind=kind, fatalities=fatalities, when=when),
            actors=actors,
            fatalities=fatalities,
            approximate=bool(count and count.approximate),
            when=when,
        )

    def _context_holds(self, m: Match, span: Span) -> bool:
        """The rule's context words (and, for rules with a figurative sense, an armed cue) are
        found outside the trigger: "on the offensive in digital industries" has none."""
        outside = m.words.outside(span.start, span.end)
        rule = m.rule
        lowers = m.words.lowers
        if (rule.context or rule.context_groups or rule.context_places) and not any(
                lowers[i] in rule.context or (rule.context_groups and i in m.groups)
                or (rule.context_places and i in m.places) for i in outside):
            return False
        if not rule.armed_context:
            return True
        types = m.words.types
        return any(types[i] in _ARMED_OR_POLICE or m.words.armed[i] for i in outside)

    def _decide(self, m: Match, span: Span, country: str | None) -> tuple[str | None, tuple[Actor, ...]]:
        """The kind after ACLED's decisions on the typed sides, and the sides to report."""
        words, groups, places = self._actor_words, m.groups, m.places
        gainer_from_object = m.rule.actor_from[:1] == ("object",)
        subject_tokens = m.role_tokens["subject"]
        if gainer_from_object:
            # "fell to the rebels": the gainer is the object of "to"
            subject_tokens = [t for prep, phrase in m.roles.preps if prep in ("to", "into")
                              for t in phrase]
        # a state acting abroad is a foreign force in a fight, not in a diplomatic closure
        home = country if m.rule.kind in VIOLENT_KINDS else None
        owner = pronoun_owner(subject_tokens, m.anchor, places, groups)
        subject = [localise(owned_by(a, owner), home) for a in type_sides(
            subject_tokens, words, groups, places, "actor", places_act=True)]
        obj = [] if gainer_from_object else [localise(a, home) for a in type_sides(
            m.core["object"], words, groups, places, "target")]
        partner: list[Actor] = []
        for prep, phrase in m.roles.preps:
            if prep in ("at", "on") and obj:
                continue  # "killed four civilians at a checkpoint": where, not whom
            if prep in _PARTNER_PREPS and not (gainer_from_object and prep in ("to", "into")):
                partner.extend(localise(a, home) for a in type_sides(
                    list(phrase), words, groups, places, "target"))
        outside = m.words.outside(span.start, span.end)
        lowers = {m.words.lowers[i] for i in outside}
        sides = Sides(
            subject=tuple(subject), object=tuple(obj), partner=tuple(partner),
            sentence=frozenset(t for i in outside if (t := m.words.types[i]) is not None),
            non_violent=self._handed_over(m, span),
            reciprocal=bool(lowers & _RECIPROCAL),
            fighting=bool(lowers & self._clash_cues),
            # the trigger itself may be the harm ("torched", "live rounds")
            protest_harm=not self._protest_harm.isdisjoint(
                {*lowers, *(t.lower_ for t in span)}),
        )
        if m.rule.decide is None:
            actors = tuple(a for a in (*subject[:1], *obj[:1]) if a is not None)
            return m.rule.kind, actors
        return DECIDERS[m.rule.decide](m.rule.kind, sides)

    def _handed_over(self, m: Match, span: Span) -> bool:
        """The event's own clause says the place changed hands without a fight: a handover or a
        deal, "without a fight", or the other side withdrawing with no fighting named when the
        verb itself says no force ("took control after the army withdrew"; "seized X after troops
        fled" was a seizure). Residents fleeing, the attackers leaving later ("before ... fled")
        and a deal in the speaker's comment say nothing about how the place was taken."""
        clause = [t for t in event_clause(m.anchor, m.words.speakers)
                  if not span.start <= t.i < span.end]
        lowers = {t.lower_ for t in clause}
        # the side that took the place leaving it later is no handover ("... and the militants fled")
        gainer = {t.lower_ for t in m.role_tokens["subject"] if t.pos_ in ("NOUN", "PROPN")}
        if lowers & self._handover or _without_a_fight(tuple(t.lower_ for t in clause)):
            return True
        if any(t.lower_ in self._forceful for t in span) or lowers & self._fighting:
            return False
        # "troops withdrew overnight, and rebels took control": the clause it is joined to
        verb = clause_head(m.anchor)
        joined = [verb.head] if verb.dep_ == "conj" and verb.head.i < verb.i else []
        for t in (*clause, *joined):
            if t.lower_ not in self._non_violent:
                continue
            if not is_verb(t):
                return True
            subjects = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
            if later_clause(t) or any(m.words.types[c.i] in ("civilians", "protesters")
                                      or c.lower_ in gainer or c.lower_ in _ATTACKERS
                                      for c in subjects):
                continue
            return True
        return False

    def _meets_requirements(self, m: Match, actor: Party, target: Party,
                            country: str | None) -> bool:
        """The rule's ``require`` list: a foreign target, a foreign actor, a target or object place."""
        require = m.rule.require
        if "foreign-target" in require:
            home = actor.name if actor.is_country else country
            if target.name is None or not target.is_country or target.name == home:
                return False
        if "foreign-actor" in require:
            foreign_words = self.rules.classes.get("foreign-force", frozenset())
            named_foreign = any(t.lower_ in foreign_words for t in m.role_tokens["either"])
            if not ((actor.is_country and country is not None and actor.name != country)
                    or named_foreign):
                return False
        if "target-place" in require and target.name is None:
            return False
        territory = self.rules.classes.get("territory", frozenset())
        if "source-place" in require and not source_place(m, territory):
            return False
        if "local-place" in require and not local_place(m, territory):
            return False
        return not ("object-place" in require
                    and not any(t.i in m.places for t in m.role_tokens["object"]))
