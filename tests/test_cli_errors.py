"""Every CLI error is one line on stderr with the documented exit code, and no traceback.

The table drives the real command group in-process (``FlashpointGroup.main`` is where errors
become lines, for ``flashpoint`` and ``python -m flashpoint.cli`` alike); one case runs as a
subprocess to show the installed entry point behaves the same. Cases that send need a broker:
a real Tansu, started once for the module.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli import ExitCode, app
from flashpoint.devenv.broker import TansuBroker, free_port
from tests.fixtures import CANONICAL

runner = CliRunner()
LIMIT = 4096  # FLASHPOINT_MAX_ARTICLE_BYTES in these tests, so "too large" is cheap


@pytest.fixture(scope="module")
def broker() -> Iterator[TansuBroker]:
    with TansuBroker() as b:
        yield b


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]  # {dir} is the test's folder
    setup: Callable[[Path], None]
    code: ExitCode
    says: tuple[str, ...]
    needs_broker: bool = False  # else the broker URL points at a closed port

    def __str__(self) -> str:
        return self.name


def nothing(folder: Path) -> None:
    pass


def empty_dir(folder: Path) -> None:
    (folder / "archive").mkdir()
    (folder / "archive" / "notes.pdf").write_bytes(b"%PDF-1.4")


def empty_file(folder: Path) -> None:
    (folder / "empty.txt").write_text("\n  \n", encoding="utf-8")


def binary_file(folder: Path) -> None:
    (folder / "photo.txt").write_bytes(bytes(range(256)) * 40)


def oversized_file(folder: Path) -> None:
    (folder / "long.txt").write_text(CANONICAL.read_text(encoding="utf-8") * 2, encoding="utf-8")


def invalid_jsonl(folder: Path) -> None:
    (folder / "wire.jsonl").write_text('\n{"id": "a", "text": "Troops fled.",\n', encoding="utf-8")


def one_story(folder: Path) -> None:
    (folder / "story.txt").write_text(CANONICAL.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "archive").mkdir()
    (folder / "archive" / "story.txt").write_text(CANONICAL.read_text(encoding="utf-8"), encoding="utf-8")


UNREACHABLE = ("no Kafka broker answers", "flashpoint dev up", "docker compose up")

CASES = [
    Case("analyze a missing file", ("analyze", "{dir}/gone.txt"), nothing, ExitCode.BAD_INPUT,
         ("gone.txt: no such file",)),
    Case("produce a missing file", ("produce", "{dir}/gone.txt"), nothing, ExitCode.BAD_INPUT,
         ("gone.txt: no such file",)),
    Case("ingest a missing folder", ("ingest", "dir", "{dir}/gone"), nothing, ExitCode.BAD_INPUT,
         ("gone: no such file",)),
    Case("analyze a folder without articles", ("analyze", "{dir}/archive"), empty_dir, ExitCode.BAD_INPUT,
         ("archive: a folder with no article files",)),
    Case("produce a folder without articles", ("produce", "{dir}/archive"), empty_dir, ExitCode.BAD_INPUT,
         ("archive: a folder with no article files",)),
    Case("ingest a folder without articles", ("ingest", "dir", "{dir}/archive"), empty_dir, ExitCode.BAD_INPUT,
         ("archive: no article files",)),
    Case("analyze an empty file", ("analyze", "{dir}/empty.txt"), empty_file, ExitCode.BAD_INPUT,
         ("empty.txt: empty",)),
    Case("produce an empty file", ("produce", "{dir}/empty.txt"), empty_file, ExitCode.BAD_INPUT,
         ("empty.txt: empty",)),
    Case("analyze empty stdin", ("analyze", "-"), nothing, ExitCode.BAD_INPUT, ("stdin: empty",)),
    Case("analyze a binary file", ("analyze", "{dir}/photo.txt"), binary_file, ExitCode.BAD_INPUT,
         ("photo.txt: binary data",)),
    Case("produce a binary file", ("produce", "{dir}/photo.txt"), binary_file, ExitCode.BAD_INPUT,
         ("photo.txt: binary data",)),
    Case("analyze an oversized file", ("analyze", "{dir}/long.txt"), oversized_file, ExitCode.REJECTED,
         ("long.txt (too_large)", f"{LIMIT:,}")),
    Case("produce an oversized file", ("produce", "{dir}/long.txt"), oversized_file, ExitCode.REJECTED,
         ("long.txt (too_large)", "dead-lettered to"), needs_broker=True),
    Case("analyze invalid JSONL", ("analyze", "{dir}/wire.jsonl"), invalid_jsonl, ExitCode.REJECTED,
         ("wire.jsonl:2 (invalid_json)", "column")),
    Case("produce invalid JSONL", ("produce", "{dir}/wire.jsonl"), invalid_jsonl, ExitCode.REJECTED,
         ("wire.jsonl:2 (invalid_json)", "dead-lettered to"), needs_broker=True),
    Case("produce with no broker", ("produce", "{dir}/story.txt"), one_story, ExitCode.UNREACHABLE, UNREACHABLE),
    Case("ingest with no broker", ("ingest", "dir", "{dir}/archive"), one_story, ExitCode.UNREACHABLE,
         UNREACHABLE),
    Case("run a worker with no broker", ("worker",), nothing, ExitCode.UNREACHABLE, UNREACHABLE),
    Case("evaluate without the datasets", ("eval", "topics", "--datasets", "{dir}/gone"), nothing,
         ExitCode.BAD_INPUT, ("no datasets folder at",)),
    Case("tail with an unknown severity", ("tail", "--min-severity", "severe"), nothing, ExitCode.USAGE,
         ("Invalid value for '--min-severity'", "flash, urgent, routine", "flashpoint tail --help")),
]


def env_for(case: Case, broker: Callable[[], TansuBroker]) -> dict[str, str]:
    run = uuid.uuid4().hex[:8]
    url = broker().url if case.needs_broker else f"kafka://127.0.0.1:{free_port()}"
    return {
        "FLASHPOINT_BROKER_URL": url,
        "FLASHPOINT_MAX_ARTICLE_BYTES": str(LIMIT),
        "FLASHPOINT_TOPIC_RAW": f"articles.raw.{run}",
        "FLASHPOINT_TOPIC_ANALYZED": f"articles.analyzed.{run}",
        "FLASHPOINT_TOPIC_DEAD": f"articles.dead.{run}",
    }


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_error_is_one_line_with_its_exit_code_and_no_traceback(
    case: Case, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    case.setup(tmp_path)
    args = [a.replace("{dir}", str(tmp_path)) for a in case.args]
    result = runner.invoke(app, args, env=env_for(case, lambda: request.getfixturevalue("broker")), input="")
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    assert result.exit_code == case.code, result.output
    for words in case.says:
        assert words in lines[0]


def test_the_installed_command_prints_the_same_single_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "flashpoint.cli", "analyze", str(tmp_path / "gone.txt")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stdout) == (ExitCode.BAD_INPUT, "")
    assert result.stderr.splitlines() == [f"error: {tmp_path / 'gone.txt'}: no such file or folder"]


def test_every_bad_path_of_one_command_gets_its_own_line(tmp_path: Path) -> None:
    empty_file(tmp_path)
    result = runner.invoke(app, ["analyze", str(tmp_path / "gone.txt"), str(tmp_path / "empty.txt")])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert [line.split(": ", 2)[-1] for line in result.output.splitlines()] == ["no such file or folder", "empty"]


def test_an_unexpected_error_is_one_line_and_debug_shows_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something nobody planned for")

    monkeypatch.setattr("flashpoint.service.ingest.files.collect_inputs", broken)
    plain = runner.invoke(app, ["analyze", str(tmp_path)])
    assert plain.exit_code == ExitCode.FAILED
    assert plain.output.splitlines() == [
        "error: unexpected RuntimeError: something nobody planned for (a bug; 'flashpoint --debug ...' shows where)"
    ]
    debug = runner.invoke(app, ["--debug", "analyze", str(tmp_path)])
    assert isinstance(debug.exception, RuntimeError)


def test_a_usage_error_is_one_line_naming_the_help() -> None:
    result = runner.invoke(app, ["produce", "--no-such-option", "x"])
    assert result.exit_code == ExitCode.USAGE
    assert result.output.splitlines() == ["error: No such option: --no-such-option (`flashpoint produce --help`)"]
