"""``flashpoint analyze`` and the worker's message path give the same analysis of a story in
another language, and an article in a language flashpoint does not read is passed through."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from typer.testing import CliRunner

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.cli import app
from flashpoint.service.pipeline import MessageMeta, analyze_message

runner = CliRunner()
SPANISH = {
    "id": "es-1",
    "title": "Ataque con explosivos en el Cauca",
    "text": "Dos soldados murieron en un ataque con explosivos atribuido a disidencias de las FARC en zona "
            "rural de Argelia, Cauca, informó el Ejército.",
    "published_at": "2026-11-30T08:00:00Z",
}


def _without_clock(analysis: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in analysis.items() if k != "analyzed_at"}


def test_the_cli_and_the_worker_give_the_same_analysis_of_a_spanish_story(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "story.json"
    path.write_text(json.dumps(SPANISH), encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(path)])
    assert result.exit_code == 0, result.output
    offline = json.loads(result.stdout)
    worker = analyze_message(json.dumps(SPANISH).encode(), MessageMeta("articles.raw", 0, 0), Analyzer.load(),
                             now=datetime(2026, 11, 30, 9, tzinfo=UTC), max_bytes=1_000_000,
                             dead_letter_max_bytes=16_384)
    assert not hasattr(worker, "reason")
    online = worker.to_dict()  # type: ignore[union-attr]
    assert _without_clock(online) == _without_clock(offline)
    assert (online["language"], online["script"]) == ("es", "Latn")
    assert {c["code"] for c in online["regions"]["countries"]} == {"CO"}  # type: ignore[index]
    assert [s["kind"] for s in online["signals"]] == ["bombing"]  # type: ignore[index]


def test_an_article_in_a_language_not_analysed_passes_through_with_no_tags(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "story.txt"
    path.write_text("Almeno cinque soldati sono morti in un attacco contro un posto di blocco nel nord del paese, "
                    "ha detto l'esercito in un comunicato.", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(path)])
    assert result.exit_code == 0, result.output
    analysis = json.loads(result.stdout)
    assert analysis["language"] == "it"
    assert (analysis["signals"], analysis["topics"], analysis["regions"]["countries"]) == ([], [], [])
