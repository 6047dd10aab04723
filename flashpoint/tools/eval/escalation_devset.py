"""A development set for the escalation engine, read at run time from ../shared/datasets/events
(never copied into the repository).

Issue 17 is judged on hand-labelled ACLED snippets nobody here can see; its two questions are
"does a report of armed violence raise the right kind?" and "does a report with no armed
violence raise anything?". The shared data answers them approximately:

- **no armed violence**: PLOVER GSR records of agreements, consultations, aid, cooperation,
  support, concessions, peaceful protests and arrests, and ConfliBERT CAMEO sentences of the
  neutral and cooperation classes (0-2);
- **armed violence**: PLOVER FIGHT and ASSAULT records, and ConfliBERT "material conflict"
  sentences (class 4, which also holds protests and arrests: a loose recall proxy);
- the five CASE 2021 task-2 sample snippets, printed with their ACLED labels.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from flashpoint.analysis.models import RegionTags, Signal

PLOVER_FILE = Path("events/PLOVER_GSR_CAMEO.txt")
CONFLIBERT_FILE = Path("events/conflibert_cameo_class_train.tsv")
CASE_INPUT = Path("events/case2021_task2_sample_input.txt")
CASE_OUTPUT = Path("events/case2021_task2_sample_output.txt")
# PLOVER events (and PROTEST/COERCE modes) that report no armed violence
CALM_EVENTS = frozenset({"AGREE", "CONSULT", "AID", "COOPERATE", "SUPPORT", "CONCEDE"})
CALM_MODES = frozenset({("PROTEST", "demo-org"), ("PROTEST", "demo-spon"), ("PROTEST", "obstruct"),
                        ("PROTEST", "strike-gen"), ("PROTEST", "strike-hun"),
                        ("COERCE", "arrest")})
VIOLENT_EVENTS = frozenset({"FIGHT", "ASSAULT"})
ARMED_KINDS = frozenset({"armed_clash", "territory_seized", "territory_regained", "air_strike",
                         "shelling", "bombing", "chemical_weapons", "attack", "abduction",
                         "offensive", "intercepted", "protest_violence"})

Detect = Callable[[str], tuple[Signal, ...]]


@dataclass(frozen=True, slots=True)
class SetRate:
    """How many texts of a set raised any signal, and how many a live one (severity not none)."""

    name: str
    texts: int
    any_signal: int
    live_signal: int


@dataclass(frozen=True, slots=True)
class DevReport:
    calm: tuple[SetRate, ...]
    violent: tuple[SetRate, ...]
    case_sample: tuple[tuple[str, str, str], ...]  # (label, predicted kinds, snippet)
    calm_examples: tuple[tuple[str, str], ...]  # (kinds, text) of calm texts that raised a signal


def _rate(name: str, texts: Iterable[str], detect: Detect, kinds: frozenset[str] | None = None,
          examples: list[tuple[str, str]] | None = None) -> SetRate:
    n = hit = live = 0
    for text in texts:
        n += 1
        signals = [s for s in detect(text) if kinds is None or s.kind in kinds]
        hit += bool(signals)
        live += any(s.severity != "none" for s in signals)
        if signals and examples is not None and len(examples) < 40:
            examples.append((",".join(sorted({s.kind for s in signals})), text[:140]))
    return SetRate(name, n, hit, live)


def _plover(datasets: Path) -> list[dict[str, object]]:
    path = datasets / PLOVER_FILE
    if not path.exists():
        return []
    return [r for r in json.loads(path.read_text(encoding="utf-8"))
            if r.get("event") != "DOCUMENT" and r.get("text")]


def _penta(datasets: Path, classes: set[int], limit: int | None) -> list[str]:
    path = datasets / CONFLIBERT_FILE
    if not path.exists():
        return []
    out: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        sentence, _, label = line.rstrip("\r").rpartition("\t")
        if label.strip().isdigit() and int(label) in classes:
            out.append(sentence)
    return out[:limit] if limit else out


def run_devset(datasets: Path, detect: Detect, limit: int | None = None) -> DevReport:
    """Rates of any signal on the calm sets and of an armed-violence kind on the violent sets."""
    plover = _plover(datasets)

    def mode(r: dict[str, object]) -> tuple[str, str]:
        m = r.get("mode")
        return str(r["event"]), m if isinstance(m, str) else ""

    examples: list[tuple[str, str]] = []
    calm = (
        _rate("PLOVER agreements, aid, talks, peaceful protests, arrests",
              [str(r["text"]) for r in plover
               if r["event"] in CALM_EVENTS or mode(r) in CALM_MODES], detect, None, examples),
        _rate("ConfliBERT neutral and cooperation sentences (0-2)",
              _penta(datasets, {0, 1, 2}, limit), detect, None, examples),
    )
    violent = (
        _rate("PLOVER FIGHT and ASSAULT records (armed-violence kind)",
              [str(r["text"]) for r in plover if r["event"] in VIOLENT_EVENTS], detect, ARMED_KINDS),
        _rate("ConfliBERT material conflict sentences (4; armed-violence kind)",
              _penta(datasets, {4}, limit), detect, ARMED_KINDS),
    )
    case: list[tuple[str, str, str]] = []
    inp, outp = datasets / CASE_INPUT, datasets / CASE_OUTPUT
    if inp.exists() and outp.exists():
        labels = dict(line.split("\t", 1) for line in outp.read_text(encoding="utf-8").splitlines()
                      if "\t" in line)
        for line in inp.read_text(encoding="utf-8").splitlines():
            key, _, snippet = line.partition("\t")
            kinds = ",".join(sorted({s.kind for s in detect(snippet)})) or "-"
            case.append((labels.get(key, "?").strip(), kinds, snippet[:120]))
    return DevReport(calm, violent, tuple(case), tuple(examples))


def engine_detector(engine: object, tagger: object | None) -> Detect:
    """``detect(text)`` with the engine and, when given, the real region tagger."""

    def detect(text: str) -> tuple[Signal, ...]:
        regions = tagger.tag(text) if tagger is not None else RegionTags()  # type: ignore[attr-defined]
        return tuple(engine.detect(text, regions))  # type: ignore[attr-defined]

    return detect


def print_devset(report: DevReport) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="Development set (read from ../shared at run time): signal rates")
    for col in ("set", "texts", "any signal", "rate", "live", "live rate"):
        table.add_column(col, justify="left" if col == "set" else "right")
    for r in (*report.calm, *report.violent):
        table.add_row(r.name, str(r.texts), str(r.any_signal),
                      f"{r.any_signal / r.texts:.3f}" if r.texts else "-", str(r.live_signal),
                      f"{r.live_signal / r.texts:.3f}" if r.texts else "-")
    console.print(table)
    if report.case_sample:
        case = Table(title="CASE 2021 task 2 sample: ACLED label against kinds found")
        for col in ("label", "kinds", "snippet"):
            case.add_column(col)
        for row in report.case_sample:
            case.add_row(*row)
        console.print(case)
