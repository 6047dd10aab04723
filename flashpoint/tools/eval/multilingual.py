"""Quality of the es, fr, ru, uk and ar analysis on stories written for it.

The stories live in ``tests/fixtures/multilingual/<lang>/*.yaml`` (one story and its expected
analysis per file: countries, subdivisions, signal kinds), written in wire style for flashpoint,
with calm stories full of look-alikes (a football "ataque", a central bank's "атака на инфляцию").
Where the same story is also written in English (``english:``), the English analysis must give the
same countries and kinds: that is the one-vocabulary promise of the issue.

``es/colombia-sentences.yaml`` holds single sentences about Colombia in the style of the unseen
wire set issue 19 is judged on: it reports how many violent sentences raise a violent signal, tag
Colombia and tag their department, and how many calm protest and cooperation sentences raise a
violent signal.

Every story goes through the whole :class:`~flashpoint.analysis.analyzer.Analyzer`, language
identification included, exactly as the worker reads it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.models import Analysis, RawArticle
from flashpoint.analysis.multilingual import SUPPORTED_LANGUAGES
from flashpoint.analysis.multilingual.rules import load_kinds

STORIES_DIR = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "multilingual"
SENTENCES_FILE = "es/colombia-sentences.yaml"
_NOW = datetime(2026, 11, 30, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    language: str
    text: str
    countries: frozenset[str]
    subdivisions: frozenset[str]
    kinds: frozenset[str]
    english: str | None = None


@dataclass
class Scores:
    """True positives, false positives and false negatives, micro-averaged over stories."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: Iterable[str], gold: Iterable[str]) -> None:
        p, g = set(predicted), set(gold)
        self.tp += len(p & g)
        self.fp += len(p - g)
        self.fn += len(g - p)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class LanguageReport:
    language: str
    stories: int = 0
    identified: int = 0
    countries: Scores = field(default_factory=Scores)
    subdivisions: Scores = field(default_factory=Scores)
    signals: Scores = field(default_factory=Scores)
    pairs: int = 0
    pairs_agree: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class SentenceReport:
    violent: int = 0
    violent_signal: int = 0
    colombia: int = 0
    named_department: int = 0
    department_tagged: int = 0
    calm: int = 0
    calm_violent_signal: int = 0
    misses: list[str] = field(default_factory=list)


@dataclass
class MultilingualReport:
    languages: list[LanguageReport]
    sentences: SentenceReport | None


def read_stories(folder: Path, language: str) -> list[Story]:
    out = []
    for path in sorted((folder / language).glob("*.yaml")):
        doc: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or "expected" not in doc:
            continue  # the sentence set has its own shape
        exp = doc["expected"]
        out.append(Story(
            id=str(doc["id"]), language=language, text=str(doc["text"]),
            countries=frozenset(exp.get("countries") or ()), subdivisions=frozenset(exp.get("subdivisions") or ()),
            kinds=frozenset(exp.get("signals") or ()), english=doc.get("english"),
        ))
    return out


def _analyze(analyzer: Analyzer, text: str, ident: str) -> Analysis:
    return analyzer.analyze(RawArticle(id=ident, text=text, published_at=_NOW), _NOW)


def _tags(a: Analysis) -> tuple[set[str], set[str], set[str]]:
    return ({c.code for c in a.regions.countries}, {s.code for s in a.regions.subdivisions},
            {s.kind for s in a.signals})


def evaluate_language(analyzer: Analyzer, stories: list[Story], language: str) -> LanguageReport:
    rep = LanguageReport(language)
    for story in stories:
        a = _analyze(analyzer, story.text, story.id)
        countries, subs, kinds = _tags(a)
        rep.stories += 1
        rep.identified += a.language == language
        rep.countries.add(countries, story.countries)
        rep.subdivisions.add(subs, story.subdivisions)
        rep.signals.add(kinds, story.kinds)
        if countries != story.countries or kinds != story.kinds or subs != story.subdivisions:
            rep.errors.append(
                f"{story.id}: countries {sorted(countries)} (want {sorted(story.countries)}), subdivisions "
                f"{sorted(subs)} (want {sorted(story.subdivisions)}), kinds {sorted(kinds)} "
                f"(want {sorted(story.kinds)})"
            )
        if story.english:
            e_countries, _e_subs, e_kinds = _tags(_analyze(analyzer, story.english, story.id + "-en"))
            rep.pairs += 1
            if e_countries == countries and e_kinds == kinds:
                rep.pairs_agree += 1
            else:
                rep.errors.append(f"{story.id} (English version): countries {sorted(e_countries)} vs "
                                  f"{sorted(countries)}, kinds {sorted(e_kinds)} vs {sorted(kinds)}")
    return rep


def evaluate_sentences(analyzer: Analyzer, path: Path) -> SentenceReport:
    violent_kinds = {k for k, info in load_kinds().items() if info.violent}
    doc: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    rep = SentenceReport()
    for i, item in enumerate(doc["sentences"]):
        a = _analyze(analyzer, str(item["text"]), f"sentence-{i}")
        countries, subs, kinds = _tags(a)
        violent = bool(kinds & violent_kinds)
        if item["violent"]:
            rep.violent += 1
            rep.violent_signal += violent
            rep.colombia += "CO" in countries
            if item.get("department"):
                rep.named_department += 1
                rep.department_tagged += item["department"] in subs
            if not violent or "CO" not in countries or (item.get("department") and item["department"] not in subs):
                rep.misses.append(f"{item['text'][:90]} -> {sorted(countries)} {sorted(subs)} {sorted(kinds)}")
        else:
            rep.calm += 1
            rep.calm_violent_signal += violent
            if violent:
                rep.misses.append(f"CALM {item['text'][:90]} -> {sorted(kinds)}")
    return rep


def run_multilingual_eval(folder: Path | None = None, analyzer: Analyzer | None = None) -> MultilingualReport:
    folder = folder or STORIES_DIR
    analyzer = analyzer or Analyzer.load(source_profiles=False)
    reports = [evaluate_language(analyzer, read_stories(folder, lang), lang) for lang in SUPPORTED_LANGUAGES]
    sentences = folder / SENTENCES_FILE
    return MultilingualReport(reports, evaluate_sentences(analyzer, sentences) if sentences.exists() else None)


def print_multilingual_report(report: MultilingualReport, *, errors: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=170)
    table = Table(title="Multilingual stories: micro P/R/F1 per language (tests/fixtures/multilingual)")
    for col in ("lang", "stories", "lang id", "signal P", "R", "F1", "country P", "R", "F1", "ADM1 P", "R", "F1",
                "en pairs agree"):
        table.add_column(col, justify="right")
    for r in report.languages:
        table.add_row(
            r.language, str(r.stories), f"{r.identified}/{r.stories}",
            *(f"{x:.3f}" for s in (r.signals, r.countries, r.subdivisions) for x in (s.precision, s.recall, s.f1)),
            f"{r.pairs_agree}/{r.pairs}",
        )
    console.print(table)
    if report.sentences is not None:
        s = report.sentences
        t = Table(title="Colombian sentences (es/colombia-sentences.yaml)")
        t.add_column("measure")
        t.add_column("value", justify="right")
        t.add_column("aim", justify="right")
        t.add_row("violent sentences raising a violent signal", f"{s.violent_signal}/{s.violent} "
                  f"({s.violent_signal / max(s.violent, 1):.2f})", ">= 0.60")
        t.add_row("violent sentences tagged CO", f"{s.colombia}/{s.violent} ({s.colombia / max(s.violent, 1):.2f})",
                  ">= 0.90")
        t.add_row("named department tagged", f"{s.department_tagged}/{s.named_department} "
                  f"({s.department_tagged / max(s.named_department, 1):.2f})", ">= 0.70")
        t.add_row("calm sentences raising a violent signal", f"{s.calm_violent_signal}/{s.calm} "
                  f"({s.calm_violent_signal / max(s.calm, 1):.2f})", "<= 0.03")
        console.print(t)
    if errors:
        for r in report.languages:
            for e in r.errors:
                console.print(f"[{r.language}] {e}", markup=False)
        if report.sentences is not None:
            for m in report.sentences.misses:
                console.print(f"[es sentences] {m}", markup=False)
    totals = Counter[str]()
    for r in report.languages:
        totals["stories"] += r.stories
    console.print(f"{totals['stories']} stories in {len(report.languages)} languages")
