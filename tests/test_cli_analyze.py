"""``flashpoint analyze``: the stable offline interface of the analysis (no broker, no Redis)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from flashpoint.cli import app
from tests.fixtures import CANONICAL

runner = CliRunner()


def test_analyze_prints_one_json_analysis_with_the_documented_shape() -> None:
    result = runner.invoke(app, ["analyze", str(CANONICAL)])
    assert result.exit_code == 0, result.output
    analysis = json.loads(result.stdout)
    assert set(analysis) >= {"id", "title", "url", "source", "published_at", "analyzed_at", "regions",
                             "topics", "signals", "severity", "cleaned_text"}
    assert set(analysis["regions"]) >= {"primary_country", "countries", "subdivisions", "macro_regions"}
    signal = analysis["signals"][0]
    assert set(signal) >= {"kind", "rule_id", "quantity", "actor", "country", "modality", "severity", "evidence"}
    assert set(signal["evidence"]) == {"start", "end", "text"}


def test_analyze_tags_no_country_from_the_latest_news_sidebar() -> None:
    analysis = json.loads(runner.invoke(app, ["analyze", str(CANONICAL), "--no-text"]).stdout)
    countries = {c["code"] for c in analysis["regions"]["countries"]}
    assert analysis["regions"]["primary_country"] == "AF"
    assert {"AF", "TJ"} <= countries
    assert not countries & {"BY", "UA", "AR", "DE"}
    assert "cleaned_text" not in analysis


def test_evidence_offsets_point_into_the_cleaned_text() -> None:
    analysis = json.loads(runner.invoke(app, ["analyze", str(CANONICAL)]).stdout)
    text = analysis["cleaned_text"]
    for signal in analysis["signals"]:
        span = signal["evidence"]
        assert text[span["start"]:span["end"]] == span["text"]
    for country in analysis["regions"]["countries"]:
        for span in country["evidence"]:
            assert text[span["start"]:span["end"]] == span["text"]


def test_analyze_reads_jsonl_from_stdin_and_names_the_line_it_rejects_with_exit_code_3() -> None:
    lines = json.dumps({"id": "a", "text": "Mali ordered the mobilization of 5,000 reservists."}) + "\n{broken\n"
    result = runner.invoke(app, ["analyze", "--jsonl", "-"], input=lines)
    assert result.exit_code == 3
    printed = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [a["id"] for a in printed] == ["a"]
    assert result.stderr.startswith("rejected stdin:2 (invalid_json): Expecting property name")
