"""Escalation rules as data: the schema of a rule, and loading and validating the lexicons.

Each rule lives in ``lexicons/escalation-rules*.yaml`` with a stable id, its signal kind, PLOVER
event/mode, CAMEO and ACLED codes and a base severity; word classes in
``escalation-classes.yaml``; named armed groups in ``escalation-actors.yaml``. The loader
validates every file once at start-up and fails with file, line and reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flashpoint.analysis.lexicon import (
    LexiconRecord,
    lexicon_path,
    read_records,
    strip_lines,
    validate_records,
)
from flashpoint.analysis.models import ACTOR_TYPES, SEVERITIES, SIGNAL_KINDS, ActorType, Severity
from flashpoint.errors import LexiconError

RULES_FILE = "escalation-rules.yaml"
CLASSES_FILE = "escalation-classes.yaml"
ACTORS_FILE = "escalation-actors.yaml"

ROLES = ("subject", "object", "either")
# Stories about films and novels describe bombings and coups that never happened.
ALWAYS_EXCLUDED = ("fiction-context",)
REQUIREMENTS = ("foreign-target", "foreign-actor", "target-place", "object-place", "victims",
                "source-place", "local-place")
# Sentences that report an agreement, a ceasefire or a prisoner exchange: these rules never become
# signals, they stop the kinds of escalation-precedence.yaml from firing in the same sentence.
BLOCKER_KINDS = ("agreement", "ceasefire", "prisoner_exchange")
# How the ACLED decisions pick the kind from the typed sides (see decide.py).
DECISIONS = ("clash", "clash-unnamed", "attack", "territory", "protest", "abduction")
# Virtual classes: "groups" = any armed group of escalation-actors.yaml; "places" = any place the
# region tagger resolved; "names" = a proper noun the gazetteer may not know ("control of Baga");
# "groups-and-armed" (patterns only) = group names + non-state-armed words.
VIRTUAL_CLASSES = ("groups", "places", "names")
DEFAULT_TARGET_PREPS = frozenset({"against"})
# The entry of the classes mapping that names the weak exclusion classes (``weak_exclusion: true``
# in escalation-classes.yaml): not a word class itself, so it cannot clash with a class id.
WEAK_EXCLUSIONS = " weak-exclusions"


@dataclass(frozen=True, slots=True)
class RoleCheck:
    """``role`` must (or, negated, must not) contain one of ``words``, a group, or a place."""

    role: str
    words: frozenset[str]
    groups: bool
    places: bool
    negate: bool
    names: bool = False


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
    # the ACLED decision that may change or drop the kind once the sides are typed
    decide: str | None = None
    # a figurative sense is likely: the sentence needs an armed cue outside the trigger
    armed_context: bool = False
    # words that also exclude the rule from the two sentences before (a storm named in the lede
    # makes the governor's state of emergency a disaster measure)
    exclude_nearby: frozenset[str] = frozenset()
    # words of the weak exclusion classes (sport, business, crime, disasters): one of them
    # excludes the rule only from a sentence with no word of armed violence; two, from any
    # ("wounding several customers", "a football field", "a lightning offensive" are no reason
    # to drop a grenade attack, a rocket strike or a capture)
    exclude_weak: frozenset[str] = frozenset()
    # words the head of the object must not be: "captured a senior commander of the group"
    # takes a person, "captured the town from the rebels" a place (the whole object phrase names
    # both, so only its head tells them apart)
    object_head_not: frozenset[str] = frozenset()

    @property
    def blocker(self) -> bool:
        return self.kind in BLOCKER_KINDS

    def excluded_by(self, words: frozenset[str], violent: bool) -> bool:
        """The sentence's words rule this rule out: one strong exclusion word, two weak ones, or
        one weak one in a sentence with no word of armed violence (``violent``)."""
        if not self.exclude.isdisjoint(words):
            return True
        if self.exclude_weak.isdisjoint(words):
            return False
        return not violent or len(self.exclude_weak & words) >= 2

    def triggered_by(self, words: frozenset[str]) -> bool:
        """Cheap test: all fixed tokens of at least one pattern can be found among ``words``."""
        return any(all(not alts.isdisjoint(words) for alts in trig) for trig in self.triggers)

    def roles_possible(self, words: frozenset[str], has_group: bool, has_place: bool) -> bool:
        """Cheap test: every positive role check has at least one of its words in the sentence."""
        return all(
            not c.words.isdisjoint(words) or (c.groups and has_group) or (c.places and has_place)
            or c.names
            for c in self.checks if not c.negate
        )


@dataclass(frozen=True, slots=True)
class ArmedGroup:
    """A named actor: an armed group, an army or a foreign mission, with its type and country."""

    id: str
    name: str
    country: str | None
    aliases: tuple[tuple[str, ...], ...]
    type: ActorType = "non_state_armed_group"

    @property
    def non_state(self) -> bool:
        return self.type == "non_state_armed_group"


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[EscalationRule, ...]
    classes: dict[str, frozenset[str]]
    groups: tuple[ArmedGroup, ...]


_RULE_KEYS = frozenset({
    "id", "kind", "label", "plover", "plover_mode", "cameo", "acled", "severity", "flash_at",
    "min_quantity", "patterns", "phrases", "context", "exclude", "subject", "object", "either",
    "subject_not", "object_not", "either_not", "object_head_not", "require", "target_preps", "target_from_object",
    "actor_from", "quantity_from", "threat_is_event", "country_from_actor", "not_governed_by",
    "decide", "armed_context", "exclude_nearby",
})


def _tokenize_phrase(phrase: str) -> tuple[str, ...]:
    from flashpoint.analysis.nlp import blank_english

    return tuple(t.lower_ for t in blank_english().make_doc(phrase))


def load_classes(path: Path | None = None) -> dict[str, frozenset[str]]:
    records = validate_records(read_records(path or lexicon_path(CLASSES_FILE)), required={"words": list})
    classes: dict[str, frozenset[str]] = {}
    weak_names: set[str] = set()
    for rec in records:
        weak = rec.data.get("weak_exclusion", False)
        if not isinstance(weak, bool):
            raise rec.fail(f"class {rec.id!r}: 'weak_exclusion' must be true or false")
        words = rec.data["words"]
        if not words or not all(isinstance(w, str | int) and not isinstance(w, bool) for w in words):
            raise rec.fail(f"class {rec.id!r}: 'words' must be a non-empty list of strings")
        if rec.id in VIRTUAL_CLASSES:
            raise rec.fail(f"class {rec.id!r} shadows a built-in class")
        classes[rec.id] = frozenset(str(w).lower() for w in words)
        if weak:
            weak_names.add(rec.id)
    classes[WEAK_EXCLUSIONS] = frozenset(weak_names)
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
        kind = rec.data.get("type", "non_state_armed_group")
        if kind not in ACTOR_TYPES:
            raise rec.fail(f"group {rec.id!r}: 'type' must be one of {', '.join(ACTOR_TYPES)}")
        groups.append(ArmedGroup(rec.id, rec.data["name"], country,
                                 tuple(_tokenize_phrase(a) for a in aliases), kind))
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
        elif name == "names":
            continue
        elif name in classes:
            words |= classes[name]
        elif "-context" in name or name.endswith("-person"):
            raise rec.fail(f"rule {rec.id!r}: unknown class {name!r}")
        else:
            words.add(name.lower())  # a literal word
    return frozenset(words), groups, places


def _flag(rec: LexiconRecord, data: dict[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise rec.fail(f"rule {rec.id!r}: {key!r} must be true or false")
    return value


def _rule_patterns(rec: LexiconRecord, data: dict[str, Any], classes: dict[str, frozenset[str]],
                   group_words: frozenset[str],
                   ) -> tuple[tuple[tuple[dict[str, Any], ...], ...], tuple[tuple[frozenset[str], ...], ...]]:
    """The token patterns (phrases turned into LOWER patterns) and, for each, the fixed words the
    cheap trigger scan looks for."""
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
    return tuple(patterns), tuple(triggers)


def _role_checks(rec: LexiconRecord, classes: dict[str, frozenset[str]]) -> tuple[RoleCheck, ...]:
    """The subject/object/... word-class checks, each positive or negated (``<role>_not``)."""
    checks: list[RoleCheck] = []
    for role in ROLES:
        for negate in (False, True):
            names = _str_list(rec, f"{role}_not" if negate else role)
            if names:
                words, groups, places = _word_set(rec, names, classes)
                checks.append(RoleCheck(role, words, groups, places, negate, "names" in names))
    return tuple(checks)


def _checked_options(rec: LexiconRecord) -> tuple[list[str], str | None]:
    """Validate the keys whose values come from closed sets; return ``require`` and ``decide``."""
    require = _str_list(rec, "require")
    for req in require:
        if req not in REQUIREMENTS:
            raise rec.fail(f"rule {rec.id!r}: unknown requirement {req!r}")
    for key in ("actor_from", "quantity_from"):
        for role in _str_list(rec, key):
            if role not in ("subject", "object"):
                raise rec.fail(f"rule {rec.id!r}: {key} entries must be subject or object")
    decide = _opt_str(rec, "decide")
    if decide is not None and decide not in DECISIONS:
        raise rec.fail(f"rule {rec.id!r}: 'decide' must be one of {', '.join(DECISIONS)}")
    return require, decide


def _build_rule(rec: LexiconRecord, classes: dict[str, frozenset[str]],
                group_words: frozenset[str]) -> EscalationRule:
    data = strip_lines(dict(rec.data))
    unknown = set(data) - _RULE_KEYS
    if unknown:
        raise rec.fail(f"rule {rec.id!r}: unknown keys {sorted(unknown)}")
    patterns, triggers = _rule_patterns(rec, data, classes, group_words)
    context, context_groups, context_places = _word_set(rec, _str_list(rec, "context"), classes)
    exclude_names = _str_list(rec, "exclude") if "exclude" in data else ["sports-context"]
    weak_names = classes.get(WEAK_EXCLUSIONS, frozenset())
    exclude, _, _ = _word_set(rec, [*(n for n in exclude_names if n not in weak_names),
                                    *ALWAYS_EXCLUDED], classes)
    exclude_weak, _, _ = _word_set(rec, [n for n in exclude_names if n in weak_names], classes)
    checks = _role_checks(rec, classes)
    require, decide = _checked_options(rec)
    target_from_object, threat_is_event, armed_context = (
        _flag(rec, data, key) for key in ("target_from_object", "threat_is_event", "armed_context"))
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
        patterns=patterns,
        triggers=triggers,
        context=context,
        context_groups=context_groups,
        context_places=context_places,
        exclude=exclude,
        checks=checks,
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
        decide=decide,
        armed_context=armed_context,
        exclude_nearby=_word_set(rec, _str_list(rec, "exclude_nearby"), classes)[0],
        exclude_weak=exclude_weak,
        object_head_not=_word_set(rec, _str_list(rec, "object_head_not"), classes)[0],
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
    group_words = frozenset(a[0] for g in groups if g.non_state for a in g.aliases if len(a) == 1)
    files = list(paths) if paths is not None else rule_files()
    if not files:
        raise LexiconError("no escalation rule files found")
    records: list[LexiconRecord] = []
    for path in files:
        records.extend(read_records(path))
    validate_records(
        records,
        required={"kind": str, "label": str, "severity": str},
        allowed_values={"kind": (*SIGNAL_KINDS, *BLOCKER_KINDS), "severity": SEVERITIES},
    )
    rules = tuple(_build_rule(rec, classes, group_words) for rec in records)
    return RuleSet(rules, classes, groups)
