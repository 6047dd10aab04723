"""One log stream: every record, ours or a library's, rendered by one handler."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import warnings
from collections.abc import Iterator

import pytest
import structlog

from flashpoint.service.logs import configure_logging, resolve_log_format, show_worker_banner, worker_logging_config
from flashpoint.settings import Settings


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.captureWarnings(False)
    structlog.reset_defaults()


def _lines(stream: io.StringIO) -> list[str]:
    return [line for line in stream.getvalue().splitlines() if line]


def test_auto_is_json_off_a_terminal_and_console_on_one() -> None:
    settings = Settings(log_format="auto")
    assert resolve_log_format(settings, io.StringIO()) == "json"
    assert resolve_log_format(settings, Tty()) == "console"
    assert resolve_log_format(Settings(log_format="console"), io.StringIO()) == "console"


def test_library_records_structlog_events_and_warnings_are_json_lines() -> None:
    stream = io.StringIO()
    assert configure_logging(Settings(log_format="auto", log_level="INFO"), stream) == "json"
    logging.getLogger("aiokafka.conn").error("Unable connect to node with id 1: [Errno 111]")
    logging.getLogger("faust.worker").warning("Timer refresh_consumer_lag is overlapping")
    structlog.get_logger("flashpoint.test").info("alert written", country="UA")
    warnings.warn("old API", UserWarning, stacklevel=1)
    events = [json.loads(line) for line in _lines(stream)]
    assert [e["event"] for e in events][:3] == [
        "Unable connect to node with id 1: [Errno 111]", "Timer refresh_consumer_lag is overlapping", "alert written",
    ]
    assert events[0]["logger"] == "aiokafka.conn" and events[0]["level"] == "error"
    assert events[2]["country"] == "UA"
    assert any("old API" in e["event"] for e in events[3:])


def test_console_output_has_no_ansi_codes_off_a_terminal() -> None:
    stream = io.StringIO()
    configure_logging(Settings(log_format="console"), stream)
    logging.getLogger("faust").warning("plain")
    assert "plain" in stream.getvalue() and "\x1b[" not in stream.getvalue()


def test_faust_dictconfig_keeps_one_json_handler_on_the_root_logger() -> None:
    stream = io.StringIO()
    settings = Settings(log_format="json", log_level="WARNING")
    logging.config.dictConfig(worker_logging_config(settings, stream))
    assert len(logging.getLogger().handlers) == 1
    logging.getLogger("mode.worker").warning("[^Worker]: Ready")
    assert json.loads(_lines(stream)[-1])["event"] == "[^Worker]: Ready"


def test_a_secret_in_a_library_record_is_redacted_in_json() -> None:
    stream = io.StringIO()
    configure_logging(Settings(log_format="json"), stream)
    logging.getLogger("redis").error("cannot connect to redis://:hunter2@10.0.0.5:6379/0")
    assert "hunter2" not in stream.getvalue()


def test_the_faust_banner_shows_only_with_console_logs() -> None:
    assert not show_worker_banner(Settings(log_format="auto"), io.StringIO())
    assert show_worker_banner(Settings(log_format="auto"), Tty())
