"""Evaluating the escalation engine on the PLOVER gold records and the canonical example.

PLOVER codes one event per sentence with an event type and, sometimes, a mode. Our kinds are
finer in some places (FIGHT/heavy-weapons covers shelling, air strikes, offensives and captured
towns) and coarser in others, so the mapping below gives, for each (event, mode), the set of our
kinds that are a correct reading of the record (``accept``) and, when the class is homogeneous,
the one kind a detector should find (``gold``). Records that code the same sentence accept the
union of their sets (PLOVER codes "kidnapped advisers and exploded bombs" twice). Scoring:

- precision of kind K: predictions of K on records whose accept set contains K / predictions of K
  (a signal on an AGREE or CONSULT sentence is a false alarm);
- recall of kind K: records whose gold kind is K that got any prediction in their accept set;
- per PLOVER class: how many records got an accepted prediction, for the mixed classes too;
- near misses: predictions outside the accept set, by (PLOVER class, predicted kind);
- "live P": precision over signals that would page someone (not denied, hypothetical or
  historical): "EC ministers demanded the withdrawal of Serbian forces" yields a hypothetical
  foreign_withdrawal that PLOVER, coding the DEMAND, counts against us.

The mapping is by event type and mode only, never by record id: it is not tuned to items.
Region tags come from the real region tagger, as in production; actor/country are not scored.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flashpoint.analysis.escalation import EscalationEngine
from flashpoint.analysis.lexicon import SAMPLES_DIR
from flashpoint.analysis.models import SIGNAL_KINDS, RawArticle, RegionTags, Signal
from flashpoint.tools.eval.escalation_blind import (
    BLIND_SET,
    HEADLINE_SET,
    HELDOUT_SET,
    WIRE_SET,
    BlindReport,
    print_blind,
    run_blind,
)
from flashpoint.tools.eval.escalation_devset import (
    DevReport,
    engine_detector,
    print_devset,
    run_devset,
)
from flashpoint.tools.eval.escalation_stories import StoryResult, load_stories, run_stories
from flashpoint.tools.eval.progress import track

PLOVER_FILE = Path("events/PLOVER_GSR_CAMEO.txt")
CONFLIBERT_FILE = Path("events/conflibert_cameo_class_train.tsv")
# ConfliBERT CAMEO "PentaClass" labels (inferred from inspection, see SOURCES.md)
PENTA_CLASSES = ("neutral", "verbal cooperation", "material cooperation", "verbal conflict",
                 "material conflict")
# The canonical example's text ships in flashpoint/samples/; its expected file sits in the shared
# folder beside the datasets (and in tests/fixtures/), and is checked when it is there.
CANONICAL_TEXT = SAMPLES_DIR / "afghan-troops-flee-to-tajikistan.txt"
CANONICAL_EXPECTED = Path("examples/afghan-troops-flee-to-tajikistan.expected.yaml")

_ARMED = ("shelling", "air_strike", "offensive", "armed_clash", "territory_seized",
          "territory_regained", "troop_buildup")

# (event, mode) -> (gold kind or None, accepted kinds). Mode None/"" = unspecified.
PLOVER_MAP: dict[tuple[str, str], tuple[str | None, tuple[str, ...]]] = {
    ("MOBILIZE", "troops"): ("mobilization", ("mobilization", "troop_buildup")),
    ("MOBILIZE", "police"): ("mobilization", ("mobilization", "troop_buildup")),
    ("MOBILIZE", "weapons"): ("mobilization", ("mobilization", "troop_buildup", "shelling")),
    ("FIGHT", "heavy-weapons"): (None, _ARMED),
    ("FIGHT", "firearms"): ("armed_clash", ("armed_clash",)),
    ("FIGHT", "explosives"): ("bombing", ("bombing",)),
    ("FIGHT", "assassinate"): (None, ("air_strike", "armed_clash")),
    ("FIGHT", "deport"): ("mass_displacement", ("mass_displacement",)),
    ("FIGHT", "other"): (None, ("ceasefire_breakdown", "mass_displacement", "armed_clash")),
    ("FIGHT", ""): (None, ("border_closure", "armed_clash")),
    ("ASSAULT", "explosives"): ("bombing", ("bombing",)),
    ("ASSAULT", "suicide-attack"): ("bombing", ("bombing",)),
    ("COERCE", "curfew"): ("state_of_emergency", ("state_of_emergency",)),
    ("COERCE", "martial-law"): ("state_of_emergency", ("state_of_emergency",)),
    ("THREATEN", "curfew"): ("state_of_emergency", ("state_of_emergency",)),
    ("THREATEN", "martial-law"): ("state_of_emergency", ("state_of_emergency", "armed_clash")),
    ("THREATEN", "violence"): (None, (*_ARMED, "bombing")),
    ("THREATEN", "relations"): (None, ("diplomatic_closure", "evacuation", "nuclear_threat")),
    ("THREATEN", ""): (None, ("diplomatic_closure", "foreign_withdrawal")),
    ("THREATEN", "restrict"): (None, ("border_closure",)),
    ("THREATEN", "cbrn"): (None, ("chemical_weapons", "nuclear_threat")),
    ("RETREAT", ""): (None, ("foreign_withdrawal", "desertion", "mobilization")),
    ("SANCTION", ""): (None, ("diplomatic_closure", "foreign_withdrawal", "border_closure",
                              "evacuation")),
    ("COERCE", "destroy"): (None, ("bombing",)),
    ("COERCE", "detain"): (None, ("abduction",)),
    ("COERCE", "firearms"): (None, ("protest_violence", "armed_clash", "attack")),
    ("ASSAULT", "assassinate"): (None, ("attack", "armed_clash", "air_strike")),
    ("ASSAULT", "primitive"): (None, ("armed_clash", "attack")),
    ("ASSAULT", "beat"): (None, ("attack", "protest_violence")),
    ("ASSAULT", "torture"): (None, ("attack",)),
    ("ASSAULT", "sexual"): (None, ("attack",)),
    ("PROTEST", "riot"): ("protest_violence", ("protest_violence",)),
    ("PROTEST", "riot-spon"): ("protest_violence", ("protest_violence",)),
}
ESCALATION_EVENTS = frozenset({"MOBILIZE", "FIGHT", "ASSAULT", "COERCE", "THREATEN", "RETREAT",
                               "SANCTION"})


@dataclass(frozen=True, slots=True)
class KindScore:
    kind: str
    predicted: int
    correct: int
    gold: int
    found: int
    live_predicted: int = 0  # signals that would page (not denied/hypothetical/historical)
    live_correct: int = 0

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def live_precision(self) -> float | None:
        return self.live_correct / self.live_predicted if self.live_predicted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)


@dataclass(frozen=True, slots=True)
class CanonicalCheck:
    requirement: str
    passed: bool
    detail: str


@dataclass(frozen=True, slots=True)
class EscalationReport:
    records: int
    kinds: tuple[KindScore, ...]
    plover_classes: tuple[tuple[str, int, int], ...]  # (event/mode, records, with accepted signal)
    near_misses: tuple[tuple[str, str, int, str], ...]  # (event/mode, predicted kind, count, example)
    false_alarms: int  # signals on records whose event is not an escalation type
    non_escalation_records: int
    modality_on_threats: tuple[int, int]  # (THREATEN records with a signal, of which not asserted)
    canonical: tuple[CanonicalCheck, ...]
    canonical_severity: str
    # ConfliBERT sentences per PentaClass: (class, sentences, with a live signal)
    penta: tuple[tuple[str, int, int], ...]
    canonical_reason: str
    signals: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # the regression set (tests/fixtures/escalation) and the development set of ../shared
    stories: tuple[StoryResult, ...] = ()
    dev: DevReport | None = None
    # the blind snippet sets of tests/fixtures/escalation: (title, report, print its errors)
    blind: tuple[tuple[str, BlindReport, bool], ...] = ()


def _mode_key(event: str, mode: Any) -> tuple[str, str]:
    return event, mode if isinstance(mode, str) else ""


def datasets_folder(path: Path) -> Path:
    """The datasets folder (``FLASHPOINT_DATASETS``), also when given the shared folder holding it."""
    return path / "datasets" if (path / "datasets").is_dir() else path


def load_plover(shared_dir: Path, limit: int | None = None) -> list[dict[str, Any]]:
    records = json.loads((datasets_folder(shared_dir) / PLOVER_FILE).read_text(encoding="utf-8"))
    coded = [r for r in records if r.get("event") != "DOCUMENT" and r.get("text")]
    return coded[:limit] if limit else coded


def _canonical(engine: EscalationEngine, shared_dir: Path) -> tuple[list[CanonicalCheck], str, str,
                                                                        list[Signal]]:
    from flashpoint.analysis.regions import RegionTagger
    from flashpoint.analysis.severity import score_article
    from flashpoint.analysis.text import clean_article

    raw = CANONICAL_TEXT.read_text(encoding="utf-8")
    # the expected file is prose-like YAML (not machine-loadable as a whole); the checks below
    # transcribe its escalation_signals_must_include / may_include / must_not / severity lines
    expected_file = datasets_folder(shared_dir).parent / CANONICAL_EXPECTED
    expected = expected_file.read_text(encoding="utf-8") if expected_file.exists() else None
    text = clean_article(RawArticle(id="canonical", text=raw))
    regions = RegionTagger(engine.nlp).tag(text)
    signals = list(engine.detect(text, regions))
    severity, reason = score_article(signals)

    def has(kind: str, **want: Any) -> tuple[bool, str]:
        cands = [s for s in signals if s.kind == kind]
        for s in cands:
            if all(getattr(s, k) == v for k, v in want.items()):
                return True, s.explanation
        return False, "; ".join(s.explanation for s in cands) or "no signal of this kind"

    checks: list[CanonicalCheck] = []
    for label, kind, want in (
        ("desertion 1037 to TJ", "desertion", {"quantity": 1037, "target": "TJ"}),
        ("mobilization 20000 by TJ", "mobilization", {"quantity": 20000, "actor": "TJ"}),
        ("territory_seized 6 by Taliban in AF-BDS", "territory_seized",
         {"quantity": 6, "actor": "Taliban", "subdivision": "AF-BDS"}),
        ("diplomatic_closure by RU in AF", "diplomatic_closure", {"actor": "RU", "country": "AF"}),
        ("air_strike threatened", "air_strike", {"modality": "threatened"}),
        ("offensive planned", "offensive", {"modality": "planned"}),
    ):
        ok, detail = has(kind, **want)
        checks.append(CanonicalCheck(label, ok, detail))
    # nothing from the sidebar: every evidence span lies before "With AFP"
    story_end = text.find("With AFP")
    outside = [s for s in signals if story_end >= 0 and s.evidence.start > story_end]
    checks.append(CanonicalCheck("no signal from the sidebar", not outside,
                                 "; ".join(s.explanation for s in outside) or "none"))
    top_tier = "flash"
    checks.append(CanonicalCheck(f"severity is the highest tier ({top_tier})", severity == top_tier,
                                 reason))
    if expected is not None and "escalation_signals_must_include" not in expected:
        checks.append(CanonicalCheck("expected file readable", False, str(CANONICAL_EXPECTED)))
    return checks, severity, reason, signals


@dataclass
class _PloverTally:
    """Counts gathered over the PLOVER records, turned into the report's tables."""

    predicted: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    gold: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    live_predicted: Counter[str] = field(default_factory=Counter)
    live_correct: Counter[str] = field(default_factory=Counter)
    class_total: Counter[str] = field(default_factory=Counter)
    class_hit: Counter[str] = field(default_factory=Counter)
    misses: Counter[tuple[str, str]] = field(default_factory=Counter)
    miss_example: dict[tuple[str, str], str] = field(default_factory=dict)
    false_alarms: int = 0
    non_escalation: int = 0
    threat_with_signal: int = 0
    threat_not_asserted: int = 0

    def add(self, rec: dict[str, Any], accept: set[str], signals: tuple[Signal, ...]) -> None:
        event = str(rec["event"])
        key = _mode_key(event, rec.get("mode"))
        label = f"{key[0]}/{key[1] or '-'}"
        gold_kind, _own = PLOVER_MAP.get(key, (None, ()))
        kinds = {s.kind for s in signals}
        if event in ESCALATION_EVENTS:
            self.class_total[label] += 1
            if kinds & accept:
                self.class_hit[label] += 1
        else:
            self.non_escalation += 1
            self.false_alarms += len(kinds - accept)
        if gold_kind:
            self.gold[gold_kind] += 1
            if kinds & accept:
                self.found[gold_kind] += 1
        for kind in {s.kind for s in signals if s.severity != "none"}:
            self.live_predicted[kind] += 1
            self.live_correct[kind] += kind in accept
        for kind in kinds:
            self.predicted[kind] += 1
            if kind in accept:
                self.correct[kind] += 1
            else:
                self.misses[(label, kind)] += 1
                self.miss_example.setdefault((label, kind), rec["text"][:90])
        if event == "THREATEN" and signals:
            self.threat_with_signal += 1
            if any(s.modality in ("threatened", "planned") for s in signals):
                self.threat_not_asserted += 1

    def kind_scores(self) -> tuple[KindScore, ...]:
        return tuple(
            KindScore(k, self.predicted[k], self.correct[k], self.gold[k], self.found[k],
                      self.live_predicted[k], self.live_correct[k])
            for k in SIGNAL_KINDS
        )


def run_escalation_eval(shared_dir: Path, limit: int | None = None,
                        engine: EscalationEngine | None = None,
                        with_regions: bool = True, with_sets: bool = True) -> EscalationReport:
    """Score the engine on the PLOVER gold records and on the canonical example; with
    ``with_sets``, also run the regression stories and the development set."""
    engine = engine or EscalationEngine(None)
    records = load_plover(shared_dir, limit)
    all_signals: dict[str, list[dict[str, Any]]] = {}
    from flashpoint.analysis.regions import RegionTagger

    tagger = RegionTagger(engine.nlp) if with_regions else None
    # PLOVER codes one event per record but codes some sentences twice (a kidnapping and a
    # bombing): what any record of the same sentence accepts is a correct reading of it
    accept_by_text: dict[str, set[str]] = defaultdict(set)
    for rec in records:
        key = _mode_key(str(rec["event"]), rec.get("mode"))
        accept_by_text[rec["text"]].update(PLOVER_MAP.get(key, (None, ()))[1])
    tally = _PloverTally()
    for rec in track(records, "PLOVER records"):
        regions = tagger.tag(rec["text"]) if tagger is not None else RegionTags()
        signals = engine.detect(rec["text"], regions)
        all_signals[rec["id"]] = [s.to_dict() for s in signals]
        tally.add(rec, accept_by_text[rec["text"]], signals)
    checks, severity, reason, _signals = _canonical(engine, shared_dir)
    penta = _penta_rates(engine, shared_dir, limit)
    stories: tuple[StoryResult, ...] = ()
    dev: DevReport | None = None
    # the blind snippet sets of tests/fixtures/escalation: (title, report, print its errors)
    blind: tuple[tuple[str, BlindReport, bool], ...] = ()
    if with_sets:
        from flashpoint.analysis.analyzer import Analyzer
        from flashpoint.analysis.regions import RegionTagger as Tagger
        from flashpoint.analysis.topics import TopicTagger

        region_tagger = tagger or Tagger(engine.nlp)
        analyzer = Analyzer(regions=region_tagger, topics=TopicTagger(), escalation=engine,
                            sources=None)
        stories = tuple(run_stories(analyzer.analyze, load_stories()))
        dev = run_devset(datasets_folder(shared_dir), engine_detector(engine, region_tagger), limit)
        blind = tuple(
            (title, report, show)
            for title, path, show in (
                (f"Blind development set ({BLIND_SET.name})", BLIND_SET, True),
                (f"Wire-copy development set ({WIRE_SET.name})", WIRE_SET, True),
                (f"Headline development set ({HEADLINE_SET.name})", HEADLINE_SET, True),
                (f"Held-out ACLED-style notes ({HELDOUT_SET.name}; errors not printed)",
                 HELDOUT_SET, False))
            if (report := run_blind(analyzer.analyze, path)) is not None)
    return EscalationReport(
        records=len(records),
        kinds=tally.kind_scores(),
        plover_classes=tuple(sorted((c, tally.class_total[c], tally.class_hit[c])
                                    for c in tally.class_total)),
        near_misses=tuple(sorted(((c, k, n, tally.miss_example[(c, k)])
                                  for (c, k), n in tally.misses.items()),
                                 key=lambda x: -x[2])),
        false_alarms=tally.false_alarms,
        non_escalation_records=tally.non_escalation,
        modality_on_threats=(tally.threat_with_signal, tally.threat_not_asserted),
        canonical=tuple(checks),
        canonical_severity=severity,
        penta=penta,
        canonical_reason=reason,
        signals=all_signals,
        stories=stories,
        dev=dev,
        blind=blind,
    )


def _penta_rates(engine: EscalationEngine, shared_dir: Path, limit: int | None
                 ) -> tuple[tuple[str, int, int], ...]:
    """How often a sentence of each conflict-intensity class raises a live signal: near zero on
    neutral and cooperation sentences is the false-alarm check, class 4 is a loose recall proxy
    (it includes protests and assaults our kinds do not cover)."""
    path = datasets_folder(shared_dir) / CONFLIBERT_FILE
    if not path.exists():
        return ()
    total: Counter[int] = Counter()
    hit: Counter[int] = Counter()
    empty = RegionTags()
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(track(lines if limit is None else lines[: limit * 4], "ConfliBERT sentences")):
        if limit is not None and n >= limit * 4:
            break
        sentence, _, label = line.rstrip("\r").rpartition("\t")
        if not label.strip().isdigit():
            continue
        cls = int(label)
        total[cls] += 1
        if any(s.severity != "none" for s in engine.detect(sentence, empty)):
            hit[cls] += 1
    return tuple((f"{c} {PENTA_CLASSES[c]}", total[c], hit[c]) for c in sorted(total)
                 if 0 <= c < len(PENTA_CLASSES))


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def print_escalation_report(report: EscalationReport) -> None:
    """Rich tables: per-kind P/R/F1, per PLOVER class, near misses, canonical checks."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"Escalation kinds on PLOVER GSR ({report.records} records)")
    for col in ("kind", "predicted", "correct", "precision", "live P", "gold", "found", "recall", "F1"):
        table.add_column(col, justify="left" if col == "kind" else "right")
    for k in report.kinds:
        if k.predicted or k.gold:
            table.add_row(k.kind, str(k.predicted), str(k.correct), _fmt(k.precision),
                          _fmt(k.live_precision), str(k.gold), str(k.found), _fmt(k.recall), _fmt(k.f1))
    console.print(table)

    classes = Table(title="PLOVER classes: records with an accepted signal")
    for col in ("event/mode", "records", "detected", "rate"):
        classes.add_column(col, justify="left" if col == "event/mode" else "right")
    for label, total, hit in report.plover_classes:
        classes.add_row(label, str(total), str(hit), _fmt(hit / total if total else None))
    console.print(classes)

    misses = Table(title="Near misses: predicted kind outside the record's accepted kinds")
    for col in ("event/mode", "predicted", "count", "example"):
        misses.add_column(col)
    for label, kind, n, example in report.near_misses:
        misses.add_row(label, kind, str(n), example)
    console.print(misses)
    console.print(
        f"false alarms on {report.non_escalation_records} non-escalation records (AGREE, CONSULT, "
        f"AID, ...): {report.false_alarms}; THREATEN records with a signal: "
        f"{report.modality_on_threats[0]}, of which marked threatened/planned: "
        f"{report.modality_on_threats[1]}"
    )

    penta = Table(title="ConfliBERT CAMEO sentences with a live signal, by conflict class")
    for col in ("class", "sentences", "with signal", "rate"):
        penta.add_column(col, justify="left" if col == "class" else "right")
    for label, total, hit in report.penta:
        penta.add_row(label, str(total), str(hit), _fmt(hit / total if total else None))
    console.print(penta)

    canon = Table(title=f"Canonical example: severity {report.canonical_severity}")
    for col in ("requirement", "ok", "detail"):
        canon.add_column(col)
    for c in report.canonical:
        canon.add_row(c.requirement, "yes" if c.passed else "NO", c.detail)
    console.print(canon)
    console.print(f"severity reason: {report.canonical_reason}")
    if report.stories:
        _print_stories(console, report.stories)
    if report.dev is not None:
        print_devset(report.dev)
    for title, blind, show_errors in report.blind:
        print_blind(blind, title, errors=show_errors)


def _print_stories(console: Any, stories: tuple[StoryResult, ...]) -> None:
    from rich.table import Table

    passed = sum(r.ok for r in stories)
    table = Table(title=f"Regression stories (tests/fixtures/escalation): {passed}/{len(stories)} "
                        "give their expected analysis")
    for col in ("story", "ok", "kinds found", "what is wrong"):
        table.add_column(col)
    for r in stories:
        table.add_row(r.name, "yes" if r.ok else "NO", ", ".join(r.kinds) or "-",
                      "; ".join(r.failures))
    console.print(table)


def per_kind_floor_violations(report: EscalationReport, floor: float, min_gold: int = 5) -> list[str]:
    """Kinds with at least ``min_gold`` gold records whose precision is below ``floor``."""
    out: list[str] = []
    for k in report.kinds:
        if k.gold >= min_gold and k.precision is not None and k.precision < floor:
            out.append(f"{k.kind}: {k.precision:.2f}")
    return out


def kinds_by_class(report: EscalationReport) -> dict[str, list[str]]:
    """Signals per record id, for debugging a run."""
    out: dict[str, list[str]] = defaultdict(list)
    for rid, sigs in report.signals.items():
        for s in sigs:
            out[rid].append(str(s["kind"]))
    return dict(out)
