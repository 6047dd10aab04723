"""Escalation signals: the events that say a conflict is turning, each explained.

Keyword spotting is what made GDELT-era conflict codes untrustworthy, and running the full parser
over every sentence is far too slow (~8 articles/s). So detection has two stages:

1. a cheap scan over every sentence with the tokenizer only: a rule is a candidate for a sentence
   when the words its token pattern needs are all present, its context words are present and its
   exclusion words (sports, business, disasters) are absent;
2. only candidate sentences go through the tagger/parser/lemmatizer (no NER: places come from the
   region tagger's mentions, armed groups from ``escalation-actors.yaml``); the rule's spaCy
   Matcher pattern must match and its role checks must hold on the parse (who did it, to what).

Each rule is data (``lexicons/escalation-rules.yaml``) with a stable id, its signal kind, PLOVER
event/mode, CAMEO and ACLED codes and a base severity. Each signal carries the actor, where it
happens, its target/destination, a normalised quantity, a modality (``modality.py``), a severity,
an explanation and the evidence span (offsets into the cleaned text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashpoint.analysis.lexicon import LexiconRecord, lexicon_path, read_records, validate_records
from flashpoint.analysis.modality import ModalityResolver, strip_lines
from flashpoint.analysis.models import (
    SEVERITIES,
    SEVERITY_RANK,
    SIGNAL_KINDS,
    Modality,
    PlaceMention,
    RegionTags,
    Severity,
    Signal,
    Span,
)
from flashpoint.analysis.quantity import Count, is_count_word, parse_count
from flashpoint.errors import LexiconError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

RULES_FILE = "escalation-rules.yaml"
CLASSES_FILE = "escalation-classes.yaml"
ACTORS_FILE = "escalation-actors.yaml"

ROLES = ("subject", "object", "either")
# Stories about films and novels describe bombings and coups that never happened.
ALWAYS_EXCLUDED = ("fiction-context",)
REQUIREMENTS = ("foreign-target", "foreign-actor", "target-place", "object-place")
# Virtual classes: "groups" = any armed group of escalation-actors.yaml; "places" = any place the
# region tagger resolved; "groups-and-armed" (patterns only) = group names + non-state-armed words.
VIRTUAL_CLASSES = ("groups", "places")
PLACE_PREPS = frozenset({"in", "at", "near", "inside", "across", "throughout", "from", "on",
                         "around", "outside", "within", "along"})
DEFAULT_TARGET_PREPS = frozenset({"against"})
UNIT_WORDS = frozenset({
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minute",
    "minutes", "km", "kilometre", "kilometres", "kilometer", "kilometers", "mile", "miles",
    "percent", "%", "per", "cent", "time", "times", "metre", "metres", "meter", "meters", "o'clock",
    "am", "pm", "a.m.", "p.m.", "kg", "tonnes", "tons", "dollars", "euros", "$", "round",
})
MONTHS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
})
# Edges that leave the phrase of a word: a relative clause about the Taliban inside the subject
# "troops, who have been fighting the Taliban" must not make the Taliban the actor.
_CLAUSAL = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "appos", "punct",
                      "cc", "mark", "csubj"})
_SUBJ = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
_TIME_PREPS = frozenset({"since", "until", "till", "before", "after", "during", "of@verb"})
_RELATIVE_PRONOUNS = frozenset({"which", "who", "that", "whom", "whose"})


@dataclass(frozen=True, slots=True)
class RoleCheck:
    """``role`` must (or, negated, must not) contain one of ``words``, a group, or a place."""

    role: str
    words: frozenset[str]
    groups: bool
    places: bool
    negate: bool


@dataclass(frozen=True, slots=True)
class EscalationRule:
    id: str
    kind: str
    label: str
    plover: str | None
    plover_mode: str | None
    cameo: str | None
    acled: str | None
    severity: Severity
    flash_at: int | None
    min_quantity: int | None
    patterns: tuple[tuple[dict[str, Any], ...], ...]
    # per pattern, the word alternatives of each fixed token: the cheap scan's trigger test
    triggers: tuple[tuple[frozenset[str], ...], ...]
    context: frozenset[str]
    context_groups: bool
    context_places: bool
    exclude: frozenset[str]
    checks: tuple[RoleCheck, ...]
    require: frozenset[str]
    target_preps: frozenset[str]
    target_from_object: bool
    actor_from: tuple[str, ...]
    quantity_from: tuple[str, ...]
    threat_is_event: bool
    country_from_actor: bool
    not_governed_by: frozenset[str]
    source: str

    def triggered_by(self, words: frozenset[str]) -> bool:
        """Cheap test: all fixed tokens of at least one pattern can be found among ``words``."""
        return any(all(not alts.isdisjoint(words) for alts in trig) for trig in self.triggers)

    def roles_possible(self, words: frozenset[str], has_group: bool, has_place: bool) -> bool:
        """Cheap test: every positive role check has at least one of its words in the sentence."""
        return all(
            not c.words.isdisjoint(words) or (c.groups and has_group) or (c.places and has_place)
            for c in self.checks if not c.negate
        )


@dataclass(frozen=True, slots=True)
class ArmedGroup:
    id: str
    name: str
    country: str | None
    aliases: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[EscalationRule, ...]
    classes: dict[str, frozenset[str]]
    groups: tuple[ArmedGroup, ...]


# --- loading -------------------------------------------------------------------------------------

_RULE_KEYS = frozenset({
    "id", "kind", "label", "plover", "plover_mode", "cameo", "acled", "severity", "flash_at",
    "min_quantity", "patterns", "phrases", "context", "exclude", "subject", "object", "either",
    "subject_not", "object_not", "either_not", "require", "target_preps", "target_from_object",
    "actor_from", "quantity_from", "threat_is_event", "country_from_actor", "not_governed_by",
})


def _tokenize_phrase(phrase: str) -> tuple[str, ...]:
    from flashpoint.analysis.nlp import blank_english

    return tuple(t.lower_ for t in blank_english().make_doc(phrase))


def load_classes(path: Path | None = None) -> dict[str, frozenset[str]]:
    records = validate_records(read_records(path or lexicon_path(CLASSES_FILE)), required={"words": list})
    classes: dict[str, frozenset[str]] = {}
    for rec in records:
        words = rec.data["words"]
        if not words or not all(isinstance(w, str | int) and not isinstance(w, bool) for w in words):
            raise rec.fail(f"class {rec.id!r}: 'words' must be a non-empty list of strings")
        if rec.id in VIRTUAL_CLASSES:
            raise rec.fail(f"class {rec.id!r} shadows a built-in class")
        classes[rec.id] = frozenset(str(w).lower() for w in words)
    return classes


def load_groups(path: Path | None = None) -> tuple[ArmedGroup, ...]:
    records = validate_records(
        read_records(path or lexicon_path(ACTORS_FILE)), required={"name": str, "aliases": list}
    )
    groups: list[ArmedGroup] = []
    for rec in records:
        aliases = rec.data["aliases"]
        if not aliases or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise rec.fail(f"group {rec.id!r}: 'aliases' must be a non-empty list of strings")
        country = rec.data.get("country")
        if country is not None and (not isinstance(country, str) or len(country) != 2):
            raise rec.fail(f"group {rec.id!r}: 'country' must be an ISO 3166-1 alpha-2 code")
        groups.append(ArmedGroup(rec.id, rec.data["name"], country,
                                 tuple(_tokenize_phrase(a) for a in aliases)))
    return tuple(groups)


def _str_list(rec: LexiconRecord, key: str) -> list[str]:
    value = rec.data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise rec.fail(f"rule {rec.id!r}: {key!r} must be a list of strings")
    return list(value)


def _opt_str(rec: LexiconRecord, key: str) -> str | None:
    value = rec.data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise rec.fail(f"rule {rec.id!r}: {key!r} must be a string or null")
    return value


def _opt_int(rec: LexiconRecord, key: str) -> int | None:
    value = rec.data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise rec.fail(f"rule {rec.id!r}: {key!r} must be a non-negative integer")
    return value


def _expand(value: Any, classes: dict[str, frozenset[str]], rec: LexiconRecord,
            group_words: frozenset[str]) -> Any:
    """Replace ``"@class"`` references inside a token pattern by the class's word list."""
    if isinstance(value, str) and value.startswith("@"):
        name = value[1:]
        if name == "groups-and-armed":
            return sorted(group_words | classes.get("non-state-armed", frozenset()))
        if name not in classes:
            raise rec.fail(f"rule {rec.id!r}: unknown class {value!r}")
        return sorted(classes[name])
    if isinstance(value, dict):
        return {k: _expand(v, classes, rec, group_words) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, classes, rec, group_words) for v in value]
    return value


def _fixed_alternatives(token: dict[str, Any]) -> frozenset[str] | None:
    """The surface words a non-optional LOWER/ORTH token spec accepts (None: not a fixed word)."""
    if token.get("OP") in ("?", "*", "!"):
        return None
    for key in ("LOWER", "ORTH", "TEXT"):
        spec = token.get(key)
        if isinstance(spec, str):
            return frozenset({spec.lower()})
        if isinstance(spec, dict) and isinstance(spec.get("IN"), list):
            return frozenset(str(w).lower() for w in spec["IN"])
    return None


def _word_set(rec: LexiconRecord, names: list[str], classes: dict[str, frozenset[str]]
              ) -> tuple[frozenset[str], bool, bool]:
    words: set[str] = set()
    groups = places = False
    for name in names:
        if name == "groups":
            groups = True
        elif name == "places":
            places = True
        elif name in classes:
            words |= classes[name]
        elif "-context" in name or name.endswith("-person"):
            raise rec.fail(f"rule {rec.id!r}: unknown class {name!r}")
        else:
            words.add(name.lower())  # a literal word
    return frozenset(words), groups, places


def _build_rule(rec: LexiconRecord, classes: dict[str, frozenset[str]],
                group_words: frozenset[str]) -> EscalationRule:
    data = strip_lines(dict(rec.data))
    unknown = set(data) - _RULE_KEYS
    if unknown:
        raise rec.fail(f"rule {rec.id!r}: unknown keys {sorted(unknown)}")
    raw_patterns: list[Any] = list(data.get("patterns") or [])
    for phrase in _str_list(rec, "phrases"):
        raw_patterns.append([{"LOWER": w} for w in _tokenize_phrase(phrase)])
    if not raw_patterns:
        raise rec.fail(f"rule {rec.id!r} has neither 'patterns' nor 'phrases'")
    patterns: list[tuple[dict[str, Any], ...]] = []
    triggers: list[tuple[frozenset[str], ...]] = []
    for raw in raw_patterns:
        if not isinstance(raw, list) or not raw or not all(isinstance(t, dict) for t in raw):
            raise rec.fail(f"rule {rec.id!r}: every pattern must be a non-empty list of token dicts")
        expanded = tuple(_expand(t, classes, rec, group_words) for t in raw)
        fixed = tuple(a for a in (_fixed_alternatives(t) for t in expanded) if a is not None)
        if not fixed:
            raise rec.fail(f"rule {rec.id!r}: a pattern needs at least one fixed LOWER token "
                           "for the cheap trigger scan")
        patterns.append(expanded)
        triggers.append(fixed)
    context, context_groups, context_places = _word_set(rec, _str_list(rec, "context"), classes)
    exclude_names = _str_list(rec, "exclude") if "exclude" in data else ["sports-context"]
    exclude, _, _ = _word_set(rec, [*exclude_names, *ALWAYS_EXCLUDED], classes)
    checks: list[RoleCheck] = []
    for role in ROLES:
        for negate in (False, True):
            names = _str_list(rec, f"{role}_not" if negate else role)
            if names:
                words, groups, places = _word_set(rec, names, classes)
                checks.append(RoleCheck(role, words, groups, places, negate))
    require = _str_list(rec, "require")
    for req in require:
        if req not in REQUIREMENTS:
            raise rec.fail(f"rule {rec.id!r}: unknown requirement {req!r}")
    for key in ("actor_from", "quantity_from"):
        for role in _str_list(rec, key):
            if role not in ("subject", "object"):
                raise rec.fail(f"rule {rec.id!r}: {key} entries must be subject or object")
    target_from_object = data.get("target_from_object", False)
    threat_is_event = data.get("threat_is_event", False)
    if not isinstance(target_from_object, bool) or not isinstance(threat_is_event, bool):
        raise rec.fail(f"rule {rec.id!r}: target_from_object/threat_is_event must be true or false")
    return EscalationRule(
        id=rec.id,
        kind=data["kind"],
        label=data["label"],
        plover=_opt_str(rec, "plover"),
        plover_mode=_opt_str(rec, "plover_mode"),
        cameo=_opt_str(rec, "cameo"),
        acled=_opt_str(rec, "acled"),
        severity=data["severity"],
        flash_at=_opt_int(rec, "flash_at"),
        min_quantity=_opt_int(rec, "min_quantity"),
        patterns=tuple(patterns),
        triggers=tuple(triggers),
        context=context,
        context_groups=context_groups,
        context_places=context_places,
        exclude=exclude,
        checks=tuple(checks),
        require=frozenset(require),
        target_preps=frozenset(_str_list(rec, "target_preps")) or DEFAULT_TARGET_PREPS,
        target_from_object=target_from_object,
        actor_from=tuple(_str_list(rec, "actor_from")) or ("subject",),
        quantity_from=(tuple(_str_list(rec, "quantity_from")) if "quantity_from" in data
                       else ("object", "subject")),
        threat_is_event=threat_is_event,
        country_from_actor=data.get("country_from_actor") is True,
        not_governed_by=_word_set(rec, _str_list(rec, "not_governed_by"), classes)[0],
        source=f"{rec.path.name}:{rec.line}",
    )


def rule_files(directory: Path | None = None) -> list[Path]:
    """Every escalation rule file: ``escalation-rules*.yaml`` / ``.jsonl`` in the lexicon dir."""
    base = directory or lexicon_path("")
    return sorted(p for p in base.glob("escalation-rules*") if p.suffix in (".yaml", ".yml", ".jsonl"))


def load_rules(
    paths: Sequence[Path] | None = None,
    *,
    classes_path: Path | None = None,
    actors_path: Path | None = None,
) -> RuleSet:
    """Load and validate every escalation lexicon; a defect raises with file, line and reason."""
    classes = load_classes(classes_path)
    groups = load_groups(actors_path)
    group_words = frozenset(a[0] for g in groups for a in g.aliases if len(a) == 1)
    files = list(paths) if paths is not None else rule_files()
    if not files:
        raise LexiconError("no escalation rule files found")
    records: list[LexiconRecord] = []
    for path in files:
        records.extend(read_records(path))
    validate_records(
        records,
        required={"kind": str, "label": str, "severity": str},
        allowed_values={"kind": SIGNAL_KINDS, "severity": SEVERITIES},
    )
    rules = tuple(_build_rule(rec, classes, group_words) for rec in records)
    return RuleSet(rules, classes, groups)


# --- parse helpers ---------------------------------------------------------------------------


def _core(tok: Token) -> list[Token]:
    """The token's phrase without relative/adverbial/complement clauses."""
    out: list[Token] = []
    stack = [tok]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ not in _CLAUSAL)
    return sorted(out, key=lambda t: t.i)


def _is_verb(tok: Token) -> bool:
    return tok.pos_ in ("VERB", "AUX")


def _subjects(verb: Token, hops: int = 3) -> list[Token]:
    """Subject phrase of a verb: passive agent first, inherited from the governing clause when
    the verb has none (xcomp, conj, advcl) or only a pronoun (ccomp "announced that they left")."""
    agents = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        # passive: the actor is the "by" agent, if any; the passive subject is what was acted on
        return agents
    subj = [c for c in verb.children if c.dep_ in _SUBJ]
    if subj and verb.dep_ == "relcl" and all(s.lower_ in _RELATIVE_PRONOUNS for s in subj):
        return [verb.head]
    if not subj and verb.dep_ in ("relcl", "acl") and not agents:
        return [verb.head]
    pronoun_only = bool(subj) and all(s.pos_ == "PRON" for s in subj)
    if (not subj or pronoun_only) and hops > 0 and verb.dep_ in (
        "xcomp", "conj", "advcl", "ccomp", "pcomp", "relcl", "acl"
    ) and verb.head is not verb:
        head = verb.head
        while not _is_verb(head) and head.head is not head and head.dep_ in ("acomp", "prep", "pobj"):
            head = head.head
        inherited = _subjects(head, hops - 1) if _is_verb(head) or head.dep_ == "ROOT" else []
        if inherited:
            return agents + inherited
    return agents + subj


def _clause_verb(tok: Token) -> Token | None:
    t = tok
    for _ in range(6):
        if _is_verb(t):
            return t
        if t.head is t:
            return None
        t = t.head
    return None


@dataclass(frozen=True, slots=True)
class _Roles:
    subject: tuple[Token, ...]
    object: tuple[Token, ...]
    preps: tuple[tuple[str, tuple[Token, ...]], ...]  # (preposition, its object phrase)
    core_object: tuple[Token, ...] = ()  # direct object only: what negative checks look at


def _roles(anchor: Token) -> _Roles:
    subject: list[Token] = []
    obj: list[Token] = []
    core_obj: list[Token] = []
    preps: list[tuple[str, tuple[Token, ...]]] = []

    def add_preps(tok: Token) -> None:
        for c in tok.children:
            if c.dep_ == "prep" or (c.dep_ == "prt" and c.lower_ in ("to", "into")):
                phrase = [t for g in c.children if g.dep_ in ("pobj", "pcomp") for t in _core(g)]
                # "of" hanging off a verb ("since the start, in May, of the withdrawal") is not
                # the "of" of "six districts of Badakhshan"
                name = "of@verb" if c.lower_ == "of" and _is_verb(tok) else c.lower_
                preps.append((name, tuple(phrase)))
                obj.extend(phrase)

    if _is_verb(anchor):
        for s in _subjects(anchor):
            subject.extend(_core(s))
        for c in anchor.children:
            if c.dep_ in ("dobj", "attr", "oprd", "dative", "nsubjpass", "acomp"):
                obj.extend(_core(c))
                core_obj.extend(_core(c))
                add_preps(c)  # "break off relations with Congo"
        add_preps(anchor)
    else:
        for c in anchor.children:
            if c.dep_ in ("compound", "amod", "poss", "nmod", "nummod", "quantmod"):
                subject.extend(_core(c))
        add_preps(anchor)
        core_obj.extend(t for prep, phrase in preps if prep == "of" for t in phrase)
        head = anchor.head
        if anchor.dep_ in ("dobj", "attr", "oprd", "nsubjpass") and _is_verb(head):
            for s in _subjects(head):
                subject.extend(_core(s))
            add_preps(head)
        elif anchor.dep_ == "pobj" and head.lower_ in ("in", "into") and _is_verb(head.head):
            for s in _subjects(head.head):
                subject.extend(_core(s))
        elif anchor.dep_ in ("nsubj",) and _is_verb(head):
            for c in head.children:
                if c.dep_ in ("dobj", "attr"):
                    obj.extend(_core(c))
            add_preps(head)
    # the trigger itself is neither actor nor object
    subject = [t for t in subject if t.i != anchor.i]
    obj = [t for t in obj if t.i != anchor.i]
    # subject keeps its priority order (noun modifiers before the clause subject: "the Taliban
    # offensive" is the Taliban's even when "soldiers fled the Taliban offensive")
    return _Roles(tuple(dict.fromkeys(subject)), tuple(sorted(set(obj), key=lambda t: t.i)),
                  tuple(preps), tuple(t for t in core_obj if t.i != anchor.i))


def _governed_by(anchor: Token, words: frozenset[str], hops: int = 3) -> bool:
    """Whether the trigger or a word governing it (a few hops up) is one of ``words``: "lifted a
    curfew" is the end of a curfew, not a new one."""
    tok = anchor
    for _ in range(hops + 1):
        if tok is not anchor and not words.isdisjoint(cheap_lemmas(tok.lower_)):
            return True
        if any(c.dep_ in ("amod", "compound") and not words.isdisjoint(cheap_lemmas(c.lower_))
               for c in tok.children):
            return True
        if tok.head is tok:
            break
        tok = tok.head
    return False


def _count_in(tokens: Sequence[Token]) -> Count | None:
    """The first count spelled in ``tokens`` that counts people or things, not time or distance."""
    idx = {t.i for t in tokens}
    if not tokens:
        return None
    doc = tokens[0].doc
    i_sorted = sorted(idx)
    used: set[int] = set()
    for i in i_sorted:
        if i in used:
            continue
        tok = doc[i]
        if not is_count_word(tok.text) or (tok.like_num is False and tok.lower_ not in (
            "dozens", "hundreds", "thousands", "millions", "scores", "tens", "dozen"
        )):
            continue
        if tok.lower_ in ("may", "march") or tok.tag_ in ("JJ",):
            continue
        # the run of count words, with a leading "a"/"several"
        start = i
        if start > 0 and doc[start - 1].lower_ in ("a", "an", "several", "few"):
            start -= 1
        end = i + 1
        while end < len(doc) and (
            is_count_word(doc[end].text)
            or (doc[end].lower_ in ("and", "of") and end + 1 < len(doc)
                and is_count_word(doc[end + 1].text) and doc[end + 1].lower_ not in ("one",))
        ):
            end += 1
        used.update(range(start, end))
        words = [t.text for t in doc[start:end]]
        last = doc[end - 1]
        # what is being counted: the head noun of a numeral, or the "of" object of "dozens of"
        counted = last.head if last.dep_ in ("nummod", "quantmod", "compound") else last
        if counted is last:
            of_objs = [g for c in last.children if c.dep_ == "prep" and c.lower_ == "of"
                       for g in c.children if g.dep_ == "pobj"]
            if of_objs:
                counted = of_objs[0]
        if counted.lower_ in UNIT_WORDS:
            continue
        if (end < len(doc) and doc[end].lower_ in MONTHS) or (start > 0 and doc[start - 1].lower_ in MONTHS):
            continue
        if len(words) == 1 and words[0].isdigit() and len(words[0]) == 4 and 1800 <= int(words[0]) <= 2100:
            continue
        if doc[end - 1].ent_type_ in ("DATE", "TIME"):
            continue
        count = parse_count(words)
        if count is not None and count.value > 0:
            return count
    return None


# --- the engine ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Found:
    """A signal plus what deduplication needs to know about it."""

    signal: Signal
    exact: bool


class EscalationEngine:
    """Finds escalation signals in a cleaned article. Build once (loads rules), call often."""

    def __init__(self, nlp: Language | None, rules: RuleSet | None = None) -> None:
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
        # (see _assign_pos) and lemma-like matching from cheap_lemmas.
        self._disable = [p for p in self.nlp.pipe_names if p in ("ner", "lemmatizer", "attribute_ruler")]
        self._alias_index: dict[str, list[tuple[tuple[str, ...], ArmedGroup]]] = {}
        for g in self.rules.groups:
            for alias in g.aliases:
                self._alias_index.setdefault(alias[0], []).append((alias, g))
        self._group_first_words = frozenset(self._alias_index)

    # -- stage 1 ------------------------------------------------------------------------------

    def candidate_sentences(
        self, text: str, regions: RegionTags
    ) -> list[tuple[int, str, list[EscalationRule]]]:
        """Sentences worth parsing: (start offset, sentence text, candidate rules)."""
        mention_starts = sorted(m.span.start for m in regions.mentions)
        out: list[tuple[int, str, list[EscalationRule]]] = []
        for start, end in split_sentences(text):
            words = frozenset(_WORD_RE.findall(text, start, end))
            hits = words & self._trigger_words
            if not hits:
                continue
            words = frozenset(w.lower() for w in words)
            has_group = not words.isdisjoint(self._group_first_words)
            has_place = _any_between(mention_starts, start, end)
            maybe = {i for w in hits for i in self._trigger_index[w]}
            cands = [
                r for i, r in enumerate(self.rules.rules)
                if i in maybe and r.triggered_by(words)
                and r.roles_possible(words, has_group, has_place)
                and (not r.exclude or r.exclude.isdisjoint(words))
                and (
                    (not r.context and not r.context_groups and not r.context_places)
                    or not r.context.isdisjoint(words)
                    or (r.context_groups and has_group)
                    or (r.context_places and has_place)
                )
            ]
            if not cands:
                continue
            if end - start <= _MAX_SENTENCE_CHARS:
                out.append((start, text[start:end], cands))
                continue
            # a run-on "sentence" (lost punctuation, a list): parse only windows around triggers
            windows: list[tuple[int, int]] = []
            for m in _WORD_RE.finditer(text, start, end):
                if m.group(0) in self._trigger_words:
                    lo = max(start, m.start() - _WINDOW_CHARS)
                    hi = min(end, m.end() + _WINDOW_CHARS)
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

    def detect(self, text: str, regions: RegionTags) -> tuple[Signal, ...]:
        """All escalation signals of the article, deduplicated, in text order."""
        selected = self.candidate_sentences(text, regions)
        if not selected:
            return ()
        docs = self.nlp.pipe([s for _, s, _ in selected], disable=self._disable)
        found: list[_Found] = []
        for (base, _sent_text, cands), doc in zip(selected, docs, strict=True):
            _assign_pos(doc)
            found.extend(self._signals_in_sentence(doc, base, cands, regions))
        return tuple(f.signal for f in _dedupe(found))

    def _signals_in_sentence(
        self, doc: Doc, base: int, cands: Iterable[EscalationRule], regions: RegionTags
    ) -> list[_Found]:
        matches = []
        for rule in cands:
            for _match_id, start, end in self._matchers[rule.id](doc):
                matches.append((rule.id, start, end))
        if not matches:
            return []
        places = _places_by_token(doc, base, regions.mentions)
        groups = self._groups_by_token(doc)
        sentence_cues = self._modality.sentence_cues(doc)
        # longest first, so "air bombing" (air_strike) wins over "bombing" (bombing)
        matches.sort(key=lambda m: (-(m[2] - m[1]), m[1]))
        fired_at: dict[int, set[str]] = {}
        out: list[_Found] = []
        for rule_id, start, end in matches:
            rule = self._by_id[rule_id]
            span = doc[start:end]
            anchor = span.root
            # "on alert": the event is what the prepositional phrase hangs off ("remained")
            while anchor.pos_ in ("ADP", "PART", "DET", "CCONJ") and anchor.head is not anchor:
                anchor = anchor.head
            kinds_here = fired_at.get(anchor.i, set())
            if kinds_here and rule.kind not in kinds_here:
                continue
            if any(fired_at.get(t.i) and rule.kind not in fired_at[t.i] for t in span):
                continue
            item = self._evaluate(rule, doc, base, span, anchor, places, groups, regions, sentence_cues)
            if item is None:
                continue
            for t in span:
                fired_at.setdefault(t.i, set()).add(rule.kind)
            out.append(item)
        return out

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
        rule: EscalationRule,
        doc: Doc,
        base: int,
        span: Any,
        anchor: Token,
        places: dict[int, PlaceMention],
        groups: dict[int, ArmedGroup],
        regions: RegionTags,
        sentence_cues: list[tuple[str, Modality, int]],
    ) -> _Found | None:
        roles = _roles(anchor)
        span_ids = {t.i for t in span}
        role_tokens = {
            "subject": [t for t in roles.subject if t.i not in span_ids],
            "object": [t for t in roles.object if t.i not in span_ids],
        }
        role_tokens["either"] = role_tokens["subject"] + role_tokens["object"]
        core = {
            "subject": role_tokens["subject"],
            "object": [t for t in roles.core_object if t.i not in span_ids],
        }
        core["either"] = core["subject"] + core["object"]
        if rule.not_governed_by and _governed_by(anchor, rule.not_governed_by):
            return None
        for check in rule.checks:
            toks = core[check.role] if check.negate else role_tokens[check.role]
            # a place satisfies a check only as a direct argument ("seized Kabul"), never from
            # an adjunct ("agreed to take part in talks in Abuja")
            core_ids = {t.i for t in core[check.role]} | {t.i for t in roles.subject}
            hit = any(
                t.lower_ in check.words or not check.words.isdisjoint(cheap_lemmas(t.lower_))
                or (check.groups and t.i in groups)
                or (check.places and t.i in places and t.i in core_ids)
                for t in toks
            )
            if hit == check.negate:
                return None

        # actor: an armed group or a country named in the actor phrase
        actor: str | None = None
        actor_tokens: set[int] = set()
        for role in rule.actor_from:
            for t in role_tokens[role]:
                if t.i in groups:
                    actor = groups[t.i].name
                    actor_tokens = {i for i, g in groups.items() if g is groups[t.i]}
                elif t.i in places:
                    actor = places[t.i].country
                    actor_tokens = {i for i, m in places.items() if m is places[t.i]}
                if actor:
                    break
            if actor:
                break
        actor_is_country = actor is not None and len(actor) == 2 and actor.isupper()

        # target / destination
        target: str | None = None
        target_tokens: set[int] = set()
        for prep, phrase in roles.preps:
            if prep in rule.target_preps:
                for t in phrase:
                    if t.i in groups:
                        target = groups[t.i].name
                    elif t.i in places:
                        target = places[t.i].country
                    if target:
                        target_tokens = {p.i for p in phrase}
                        break
            if target:
                break
        if target is None and rule.target_from_object:
            for t in role_tokens["object"]:
                if t.i in places and places[t.i].country != actor:
                    target = places[t.i].country
                    target_tokens = {t.i}
                    break

        # where it happens
        country, subdivision = self._where(
            doc, roles, places, groups, actor, actor_is_country, actor_tokens, target_tokens, target,
            regions,
        )
        if rule.country_from_actor and actor_is_country and actor != country:
            # troops fleeing abroad: the event is about the country they leave
            country = actor
            subdivision = None
        if "foreign-target" in rule.require:
            home = actor if actor_is_country else country
            if target is None or not (len(target) == 2 and target.isupper()) or target == home:
                return None
        if "foreign-actor" in rule.require:
            foreign_words = self.rules.classes.get("foreign-force", frozenset())
            named_foreign = any(t.lower_ in foreign_words for t in role_tokens["either"])
            if not ((actor_is_country and country is not None and actor != country) or named_foreign):
                return None
        if "target-place" in rule.require and target is None:
            return None
        if "object-place" in rule.require and not any(t.i in places for t in role_tokens["object"]):
            return None

        # quantity
        count: Count | None = None
        for role in rule.quantity_from:
            count = _count_in(role_tokens[role])
            if count is not None:
                break
        quantity = count.value if count else None
        if rule.min_quantity is not None and (quantity is None or quantity < rule.min_quantity):
            return None

        modality, cue = self._modality.resolve(anchor, self._modality.scoped(anchor, sentence_cues))
        severity = signal_severity(rule, quantity, modality)
        ev_tokens = [*span, *roles.subject, *roles.object]
        ev_start = min(t.idx for t in ev_tokens)
        ev_end = max(t.idx + len(t.text) for t in ev_tokens)
        # keep evidence readable: never longer than the sentence, trimmed of dangling punctuation
        evidence_text = doc.text[ev_start:ev_end]
        signal = Signal(
            kind=rule.kind,
            rule_id=rule.id,
            evidence=Span(base + ev_start, base + ev_end, evidence_text),
            modality=modality,
            severity=severity,
            quantity=quantity,
            actor=actor,
            country=country,
            subdivision=subdivision,
            target=target,
            plover=rule.plover,
            plover_mode=rule.plover_mode,
            cameo=rule.cameo,
            acled=rule.acled,
            explanation=_explain(rule, actor, country, subdivision, target, quantity, modality, cue),
        )
        return _Found(signal, exact=bool(count and count.exact))

    def _where(
        self,
        doc: Doc,
        roles: _Roles,
        places: dict[int, PlaceMention],
        groups: dict[int, ArmedGroup],
        actor: str | None,
        actor_is_country: bool,
        actor_tokens: set[int],
        target_tokens: set[int],
        target: str | None,
        regions: RegionTags,
    ) -> tuple[str | None, str | None]:
        """Country and subdivision where the event happens: a place after in/at/near/from, then a
        place in the object, then any other place in the sentence, then the actor's country, then
        the article's primary country."""
        subject_ids = {t.i for t in roles.subject} | actor_tokens
        # objects of "since", "during", "after"... are time or circumstance, not the place
        off_place = {t.i for prep, phrase in roles.preps if prep in _TIME_PREPS for t in phrase}
        skip = target_tokens | actor_tokens
        tiers: list[list[PlaceMention]] = [
            [places[t.i] for prep, phrase in roles.preps if prep in PLACE_PREPS
             for t in phrase if t.i in places and t.i not in skip],
            [places[t.i] for t in roles.object if t.i in places and t.i not in skip
             and t.i not in off_place],
        ]
        group = next((g for g in groups.values() if g.name == actor), None)
        if not actor_is_country and group is None:
            tiers.append([places[t.i] for t in doc if t.i in places and t.i not in subject_ids
                          and t.i not in skip])
        chosen: PlaceMention | None = None
        for tier in tiers:
            if tier:
                chosen = next((m for m in tier if m.subdivision), tier[0])
                break
        target_group = next((g for g in groups.values() if g.name == target), None)
        if chosen is not None:
            country: str | None = chosen.country
        elif target is not None and (target_group is not None or len(target) == 2):
            # strikes "against the Taliban" happen where the Taliban are
            country = target_group.country if target_group is not None else target
        elif actor_is_country:
            country = actor
        else:
            country = (group.country if group else None) or regions.primary_country
        subdivision = chosen.subdivision if chosen is not None else None
        if subdivision is None and country is not None:
            subdivision = next(
                (m.subdivision for i, m in sorted(places.items())
                 if m.subdivision and m.country == country and i not in target_tokens),
                None,
            )
        return country, subdivision


# Penn Treebank tag -> Universal POS, what the attribute ruler would have set.
_TAG_POS: dict[str, str] = {
    "NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "VB": "VERB", "VBD": "VERB",
    "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB", "MD": "AUX", "JJ": "ADJ",
    "JJR": "ADJ", "JJS": "ADJ", "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "WRB": "ADV", "IN": "ADP",
    "RP": "ADP", "DT": "DET", "PDT": "DET", "WDT": "DET", "CD": "NUM", "PRP": "PRON",
    "PRP$": "PRON", "WP": "PRON", "WP$": "PRON", "EX": "PRON", "CC": "CCONJ", "TO": "PART",
    "POS": "PART", "UH": "INTJ", "SYM": "SYM", "HYPH": "PUNCT", "NFP": "PUNCT", ".": "PUNCT",
    ",": "PUNCT", ":": "PUNCT", "``": "PUNCT", "''": "PUNCT", "-LRB-": "PUNCT", "-RRB-": "PUNCT",
    "$": "SYM", "AFX": "ADJ", "FW": "X", "LS": "X", "ADD": "X", "XX": "X", "_SP": "SPACE",
}


def _assign_pos(doc: Doc) -> None:
    for tok in doc:
        pos = _TAG_POS.get(tok.tag_, "X")
        if pos == "VERB" and tok.dep_ in ("aux", "auxpass"):
            pos = "AUX"
        tok.pos_ = pos


def cheap_lemmas(word: str) -> tuple[str, ...]:
    """Candidate base forms of an inflected English word ("threatened" -> "threaten", "denied"
    -> "deny", "planning" -> "plan"): enough to look words up in closed cue lists without the
    rule-based lemmatizer, which costs as much as the parser."""
    w = word.lower()
    out = [w]
    if w.endswith("ied"):
        out.append(w[:-3] + "y")
    if w.endswith("ies"):
        out.append(w[:-3] + "y")
    if w.endswith("ing"):
        out += [w[:-3], w[:-3] + "e", w[:-4]]
    if w.endswith("ed"):
        out += [w[:-2], w[:-1], w[:-3]]
    if w.endswith("es"):
        out.append(w[:-2])
    if w.endswith("s") and not w.endswith("ss"):
        out.append(w[:-1])
    return tuple(out)


_MAX_SENTENCE_CHARS = 600
_WINDOW_CHARS = 200
_WORD_RE = re.compile(r"[^\W_]+|[^\w\s]")
_BOUNDARY_RE = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n\s*")
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "sgt", "capt", "gov", "sen", "rep", "st",
    "jr", "no", "vs", "u.s", "u.n", "u.k", "e.g", "i.e", "inc", "co", "corp", "adm", "brig", "cpl",
    "pvt", "prof", "rev", "ft", "mt", "jan", "feb", "aug", "sept", "oct", "nov", "dec",
})


def split_sentences(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) offsets of sentences, cut at sentence punctuation followed by a capital and
    at line breaks (headings and bylines are not part of the next sentence). A regex, not the
    tokenizer: this runs over every sentence of every article."""
    start = 0
    for m in _BOUNDARY_RE.finditer(text):
        if m.group(0)[0] == ".":
            before = text[max(start, m.start() - 5):m.start()].rsplit(None, 1)
            word = before[-1].lower() if before else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        end = m.end() if m.group(0)[0] in ".!?" else m.start()
        if text[start:end].strip():
            yield _trim(text, start, end)
        start = m.end()
    if text[start:].strip():
        yield _trim(text, start, len(text))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _any_between(sorted_starts: list[int], lo: int, hi: int) -> bool:
    from bisect import bisect_left

    i = bisect_left(sorted_starts, lo)
    return i < len(sorted_starts) and sorted_starts[i] < hi


def _places_by_token(doc: Doc, base: int, mentions: Iterable[PlaceMention]) -> dict[int, PlaceMention]:
    out: dict[int, PlaceMention] = {}
    end_of_doc = base + len(doc.text)
    for m in mentions:
        if m.span.end <= base or m.span.start >= end_of_doc:
            continue
        span = doc.char_span(m.span.start - base, m.span.end - base, alignment_mode="expand")
        if span is None:
            continue
        for t in span:
            out[t.i] = m
    return out


def signal_severity(rule: EscalationRule, quantity: int | None, modality: Modality) -> Severity:
    """Base tier of the rule, raised to flash at ``flash_at``; a threat or plan is one tier lower
    (unless the threat is the event, as for nuclear threats); denied, hypothetical and historical
    events page nobody."""
    rank = SEVERITY_RANK[rule.severity]
    if rule.flash_at is not None and quantity is not None and quantity >= rule.flash_at:
        rank = SEVERITY_RANK["flash"]
    if modality in ("threatened", "planned") and not rule.threat_is_event:
        rank = max(SEVERITY_RANK["routine"], rank - 1)
    elif modality in ("denied", "hypothetical", "historical"):
        rank = SEVERITY_RANK["none"]
    return SEVERITIES[len(SEVERITIES) - 1 - rank]


def _explain(
    rule: EscalationRule,
    actor: str | None,
    country: str | None,
    subdivision: str | None,
    target: str | None,
    quantity: int | None,
    modality: Modality,
    cue: str,
) -> str:
    parts = [f"{rule.label}"]
    if quantity is not None:
        parts.append(f"({quantity:,})")
    if actor:
        parts.insert(0, f"{actor}:")
    if subdivision or country:
        parts.append(f"in {subdivision or country}")
    if target:
        parts.append(f"towards {target}")
    text = " ".join(parts)
    if modality != "asserted":
        text += f"; {modality}" + (f" ({cue})" if cue else "")
    return text + f" [rule {rule.id}]"


def _compatible(a: Signal, b: Signal) -> bool:
    if a.kind != b.kind or a.modality != b.modality:
        return False
    return all(
        x is None or y is None or x == y
        for x, y in ((a.actor, b.actor), (a.country, b.country), (a.target, b.target),
                     (a.subdivision, b.subdivision))
    )


def _better(a: _Found, b: _Found) -> bool:
    """Whether ``a`` is the better-quantified report of the same event."""
    ka = (a.signal.quantity is not None, a.exact)
    kb = (b.signal.quantity is not None, b.exact)
    return ka > kb


def _dedupe(found: list[_Found]) -> list[_Found]:
    """One signal per event: the same kind stated twice (e.g. "a thousand soldiers fled" and
    "1,037 troops retreated") becomes one, keeping the better-quantified statement and filling
    fields the other one knew. Distinct places, actors or modalities stay distinct events."""
    clusters: list[_Found] = []
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
                    severity=max(s.severity, other.signal.severity, key=SEVERITY_RANK.__getitem__),
                )
                clusters[idx] = _Found(merged, best.exact)
                break
        else:
            clusters.append(item)
    return sorted(clusters, key=lambda f: f.signal.evidence.start)
