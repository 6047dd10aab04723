"""The escalation lexicons of one language, loaded and checked once.

Files under ``flashpoint/lexicons/<lang>/`` (every record has a stable id):

- ``escalation.yaml``: rules. A rule names an English ``kind`` and the ``triggers`` (terms, see
  :mod:`.terms`) that announce it; ``needs`` lists word classes of which one must be in the
  trigger's clause window (the military or armed context that keeps "ataque" in a football report
  from firing), ``exclude`` classes that must not be, ``decide`` how actors choose the kind
  (``attack-or-clash``: civilians hit is an attack, two armed sides a clash, protesters a
  protest_violence), ``generic`` that the rule (a death, a shot, an "attack") speaks only when no
  more specific violent rule fired in the sentence, ``quantity`` whether the signal counts people or things, and
  ``agreement_ok`` whether an agreement in the clause leaves it standing (a ceasefire broken);
- ``classes.yaml``: word classes (actor types, weapons, deaths, agreements, sport...);
- ``actors.yaml``: named armed groups with their English name, actor type and country;
- ``modality.yaml``: cues of threat, plan, denial, hypothesis, and of background or recent time;
- ``numbers.yaml``: numbers written in words, vague counts ("decenas") marked approximate;
- ``topics.yaml``: IPTC top-level topic cues; ``regions.yaml``: see :mod:`.places`.

What a kind is worth (label, PLOVER/CAMEO/ACLED codes, severity) is the same in every language and
lives once in ``lexicons/multilingual-kinds.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flashpoint.analysis.lexicon import LEXICON_DIR, LexiconRecord, lexicon_path, read_records, validate_records
from flashpoint.analysis.models import MODALITIES, SEVERITIES, SIGNAL_KINDS, Severity
from flashpoint.analysis.multilingual.terms import Term, TermMatcher, parse_term
from flashpoint.errors import LexiconError

KINDS_LEXICON = "multilingual-kinds.yaml"
KNOWN_KINDS: tuple[str, ...] = SIGNAL_KINDS
ACTOR_TYPES = ("state_forces", "non_state_armed_group", "police", "protesters", "civilians", "foreign_forces",
               "unknown")
DECISIONS = ("attack-or-clash", "seized-or-regained")
WHENS = ("background", "recent")
# Classes the engine itself reads (every language defines them).
REQUIRED_CLASSES = ("state-forces", "police", "armed-group", "civilians", "protesters", "death", "agreement",
                    "negation", "target-marker", "agent-marker", "not-count")


@dataclass(frozen=True, slots=True)
class KindInfo:
    kind: str
    label: str
    plover: str | None
    plover_mode: str | None
    cameo: str | None
    acled: str | None
    severity: Severity
    flash_at: int | None
    threat_is_event: bool
    violent: bool


@dataclass(frozen=True, slots=True)
class LangRule:
    id: str
    kind: str
    triggers: tuple[str, ...]
    needs: tuple[str, ...]
    exclude: tuple[str, ...]
    decide: str | None
    quantity: bool
    min_quantity: int | None
    agreement_ok: bool
    window: int
    generic: bool = False


@dataclass(frozen=True, slots=True)
class ArmedGroup:
    id: str
    name: str
    type: str
    country: str | None
    tags_country: bool


@dataclass(frozen=True, slots=True)
class NumberWord:
    value: int
    approximate: bool
    scale: bool


@dataclass
class LanguageRules:
    language: str
    rules: dict[str, LangRule]
    kinds: dict[str, KindInfo]
    triggers: TermMatcher
    classes: TermMatcher
    class_types: dict[str, str]  # class id -> actor type, for the actor classes
    groups: dict[str, ArmedGroup]
    group_terms: TermMatcher
    modality: TermMatcher
    modality_of: dict[str, str]
    when_of: dict[str, str]
    numbers: TermMatcher
    number_of: dict[str, NumberWord]


def _str_list(rec: LexiconRecord, key: str, *, required: bool = False) -> tuple[str, ...]:
    value = rec.data.get(key)
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value) or (required and not value):
        raise rec.fail(f"record {rec.id!r}: {key!r} must be a list of non-empty strings")
    return tuple(str(v) for v in value)


def _terms(language: str, rec: LexiconRecord, owner: str, key: str) -> list[Term]:
    out = []
    for text in _str_list(rec, key, required=True):
        try:
            out.append(parse_term(language, owner, text))
        except ValueError as e:
            raise rec.fail(f"record {rec.id!r}: {e}") from e
    return out


def load_kinds(path: Path | None = None) -> dict[str, KindInfo]:
    records = validate_records(
        read_records(path or lexicon_path(KINDS_LEXICON)),
        required={"label": str, "severity": str},
        allowed_values={"severity": SEVERITIES},
    )
    kinds: dict[str, KindInfo] = {}
    for rec in records:
        kind = rec.id.replace("-", "_")
        if kind not in KNOWN_KINDS:
            raise rec.fail(f"kind {kind!r} is not one of the signal kinds in analysis/models.py")
        d: dict[str, Any] = dict(rec.data)
        flash_at = d.get("flash_at")
        kinds[kind] = KindInfo(
            kind=kind, label=str(d["label"]), plover=d.get("plover"), plover_mode=d.get("plover_mode"),
            cameo=str(d["cameo"]) if d.get("cameo") is not None else None, acled=d.get("acled"),
            severity=d["severity"], flash_at=int(flash_at) if flash_at is not None else None,
            threat_is_event=bool(d.get("threat_is_event", False)), violent=bool(d.get("violent", False)),
        )
    return kinds


def load_language_rules(language: str, lexicon_dir: Path | None = None,
                        kinds: dict[str, KindInfo] | None = None) -> LanguageRules:
    """Read and validate every escalation file of ``language``; defects fail with file:line."""
    base = lexicon_dir or (LEXICON_DIR / language)
    kinds = kinds or load_kinds()
    class_terms: list[Term] = []
    class_types: dict[str, str] = {}
    for rec in validate_records(read_records(base / "classes.yaml"), required={}):
        class_terms += _terms(language, rec, rec.id, "terms")
        actor_type = rec.data.get("actor_type")
        if actor_type is not None:
            if actor_type not in ACTOR_TYPES:
                raise rec.fail(f"class {rec.id!r}: unknown actor_type {actor_type!r}")
            class_types[rec.id] = str(actor_type)
    class_ids = {t.owner for t in class_terms} | {"armed", "named-group"}
    missing = [c for c in REQUIRED_CLASSES if c not in class_ids]
    if missing:
        raise LexiconError(f"{base / 'classes.yaml'}: missing classes {missing}")

    rules: dict[str, LangRule] = {}
    trigger_terms: list[Term] = []
    for rec in validate_records(read_records(base / "escalation.yaml"), required={"kind": str}):
        rule = _rule(rec, kinds, class_ids)
        rules[rule.id] = rule
        trigger_terms += _terms(language, rec, rule.id, "triggers")

    groups: dict[str, ArmedGroup] = {}
    group_terms: list[Term] = []
    for rec in validate_records(read_records(base / "actors.yaml"), required={"name": str, "type": str},
                                allowed_values={"type": ACTOR_TYPES}):
        cc = rec.data.get("country")
        groups[rec.id] = ArmedGroup(rec.id, str(rec.data["name"]), str(rec.data["type"]),
                                    str(cc) if cc else None, bool(rec.data.get("tags_country", False)))
        group_terms += _terms(language, rec, rec.id, "aliases")

    modality_terms: list[Term] = []
    modality_of: dict[str, str] = {}
    when_of: dict[str, str] = {}
    for rec in validate_records(read_records(base / "modality.yaml"), required={},
                                allowed_values={"modality": MODALITIES, "when": WHENS}):
        if "modality" in rec.data:
            modality_of[rec.id] = str(rec.data["modality"])
        elif "when" in rec.data:
            when_of[rec.id] = str(rec.data["when"])
        else:
            raise rec.fail(f"record {rec.id!r} needs 'modality' or 'when'")
        modality_terms += _terms(language, rec, rec.id, "terms")

    number_terms: list[Term] = []
    number_of: dict[str, NumberWord] = {}
    for rec in validate_records(read_records(base / "numbers.yaml"), required={"value": int}):
        number_of[rec.id] = NumberWord(int(rec.data["value"]), bool(rec.data.get("approximate", False)),
                                       bool(rec.data.get("scale", False)))
        number_terms += _terms(language, rec, rec.id, "terms")

    return LanguageRules(
        language=language, rules=rules, kinds=kinds, triggers=TermMatcher(trigger_terms),
        classes=TermMatcher(class_terms), class_types=class_types, groups=groups,
        group_terms=TermMatcher(group_terms), modality=TermMatcher(modality_terms), modality_of=modality_of,
        when_of=when_of, numbers=TermMatcher(number_terms), number_of=number_of,
    )


def _rule(rec: LexiconRecord, kinds: dict[str, KindInfo], class_ids: set[str]) -> LangRule:
    kind = str(rec.data["kind"])
    if kind not in kinds:
        raise rec.fail(f"rule {rec.id!r}: kind {kind!r} has no entry in {KINDS_LEXICON}")
    needs = _str_list(rec, "needs")
    exclude = _str_list(rec, "exclude")
    for c in (*needs, *exclude):
        if c not in class_ids:
            raise rec.fail(f"rule {rec.id!r}: unknown class {c!r}")
    decide = rec.data.get("decide")
    if decide is not None and decide not in DECISIONS:
        raise rec.fail(f"rule {rec.id!r}: unknown decide {decide!r}")
    min_q = rec.data.get("min_quantity")
    return LangRule(
        id=rec.id, kind=kind, triggers=_str_list(rec, "triggers", required=True), needs=needs, exclude=exclude,
        decide=str(decide) if decide else None, quantity=bool(rec.data.get("quantity", False)),
        min_quantity=int(min_q) if min_q is not None else None,
        agreement_ok=bool(rec.data.get("agreement_ok", False)), window=int(rec.data.get("window", 10)),
        generic=bool(rec.data.get("generic", False)),
    )
