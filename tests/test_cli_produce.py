"""``flashpoint produce`` against a real broker: what the worker accepts is sent, up to
FLASHPOINT_MAX_ARTICLE_BYTES, and what it would reject is dead-lettered here with file and line."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli import ExitCode, app
from flashpoint.devenv.broker import TansuBroker
from flashpoint.devenv.processes import settings_from_env
from tests.e2e.helpers import read_topic
from tests.fixtures import CANONICAL

runner = CliRunner()
STORY = CANONICAL.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def broker() -> Iterator[TansuBroker]:
    with TansuBroker() as b:
        yield b


@pytest.fixture
def env(broker: TansuBroker) -> dict[str, str]:
    run = uuid.uuid4().hex[:8]
    return {
        "FLASHPOINT_BROKER_URL": broker.url,
        "FLASHPOINT_TOPIC_RAW": f"articles.raw.{run}",
        "FLASHPOINT_TOPIC_ANALYZED": f"articles.analyzed.{run}",
        "FLASHPOINT_TOPIC_DEAD": f"articles.dead.{run}",
    }


def test_an_article_just_under_the_configured_limit_is_sent(env: dict[str, str], tmp_path: Path) -> None:
    settings = settings_from_env(env)
    story = tmp_path / "long.txt"
    # 1.9 MB of text: with its newlines escaped, the JSON message is just under the 2 MB limit
    text = (STORY * 400).encode("utf-8")[: settings.max_article_bytes - 100_000].decode("utf-8", errors="ignore")
    story.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["produce", str(story)], env=env)
    assert result.exit_code == ExitCode.OK, result.output
    [sent] = read_topic(settings, settings.topic_raw, expect=1)
    assert sent["id"].startswith("long#") and len(sent["text"]) > 1_500_000


def test_rejected_lines_are_dead_lettered_with_their_file_and_line(env: dict[str, str], tmp_path: Path) -> None:
    settings = settings_from_env({**env, "FLASHPOINT_MAX_ARTICLE_BYTES": "20000"})
    wire = tmp_path / "wire.jsonl"
    wire.write_text("\n".join([
        json.dumps({"id": "fits", "text": STORY}),
        '{"id": "broken", "text": ',
        json.dumps({"id": "long", "text": STORY * 4}),
    ]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["produce", str(wire)], env={**env, "FLASHPOINT_MAX_ARTICLE_BYTES": "20000"})
    assert result.exit_code == ExitCode.REJECTED, result.output
    assert [a["id"] for a in read_topic(settings, settings.topic_raw, expect=1)] == ["fits"]
    letters = read_topic(settings, settings.topic_dead, expect=2)
    assert sorted((d["source"]["file"], d["reason"]) for d in letters) == [
        (f"{wire}:2", "invalid_json"), (f"{wire}:3", "too_large")
    ]
