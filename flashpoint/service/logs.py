"""Logging: structlog, JSON in production, readable in a terminal, secrets redacted.

Redaction works on the rendered line, so a password in a URL is removed wherever it comes from
(our code, redis-py, aiokafka, Faust).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

from flashpoint.settings import Settings

_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@/\s]+)@", re.I)
_KEY_VALUE = re.compile(
    r"(?P<key>password|passwd|secret|token|requirepass)(?P<sep>['\"]?\s*[=:]\s*['\"]?)(?P<val>[^\s'\",}]+)",
    re.I,
)
# Redis command syntax separates the secret with a space: CONFIG SET requirepass X, AUTH [user] X.
_REDIS_COMMAND = re.compile(r"(?P<cmd>\brequirepass|\bAUTH)(?P<args>(?:\s+[^\s'\",}]+){1,2})", re.I)


def redact(text: str) -> str:
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    text = _KEY_VALUE.sub(lambda m: f"{m['key']}{m['sep']}***", text)
    return _REDIS_COMMAND.sub(lambda m: f"{m['cmd']} ***", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _redact_event(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> dict[str, Any]:
    return {k: redact(v) if isinstance(v, str) else v for k, v in event.items()}


def resolve_log_format(settings: Settings, stream: TextIO | None = None) -> str:
    """``json`` or ``console``: ``auto`` is readable on a terminal and JSON everywhere else."""
    if settings.log_format != "auto":
        return settings.log_format
    return "console" if (stream or sys.stdout).isatty() else "json"


def log_handler(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """One handler that renders every record, structlog's or any library's, the same way:
    a JSON object per line, or readable (coloured only on a terminal) console lines."""
    stream = stream or sys.stdout
    fmt = resolve_log_format(settings, stream)
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=stream.isatty())
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, _redact_event, renderer],
        foreign_pre_chain=[*_SHARED, structlog.stdlib.ExtraAdder()],
    ))
    handler.addFilter(RedactingFilter())
    return handler


_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.format_exc_info,
]


def configure_logging(settings: Settings, stream: TextIO | None = None) -> str:
    """Route every logger of the process (ours, Faust, aiokafka, kafka-python, redis) through one
    handler on stdout (``stream``); returns the format in use (``json`` or ``console``).

    Handlers that libraries installed on the root logger are replaced, so no line escapes in
    another format; our own loggers propagate to it.
    """
    handler = log_handler(settings, stream)
    structlog.configure(
        processors=[*_SHARED[:-1], structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    for name in ("flashpoint", "aiokafka", "faust", "mode", "redis", "kafka"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # kafka-python narrates every connection and httpx every request at INFO; their warnings
    # still come through.
    for chatty in ("kafka", "httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(max(root.level, logging.WARNING))
    # Python's own warnings (DeprecationWarning and friends) would go to stderr as plain text.
    logging.captureWarnings(True)
    return resolve_log_format(settings, stream)


def worker_logging_config(
    settings: Settings, stream: TextIO | None = None, *, level: str | None = None
) -> dict[str, Any]:
    """The ``logging_config`` for Faust's worker (mode's ``setup_logging`` runs dictConfig with
    it at start-up and would otherwise install its own coloured handler on the root logger):
    our one handler, so Faust's, aiokafka's and our records come out the same way. ``level``
    (the CLI's ``--loglevel``) overrides ``settings.log_level``."""
    level = (level or settings.log_level).upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"flashpoint": {"()": log_handler, "settings": settings, "stream": stream}},
        "root": {"handlers": ["flashpoint"], "level": "WARNING" if level == "WARN" else level},
    }


def show_worker_banner(settings: Settings, stream: TextIO | None = None) -> bool:
    """Faust's start-up banner and spinner are for a person at a terminal: only with console
    logs. In JSON mode the same facts are logged as one ``worker ready`` event."""
    return resolve_log_format(settings, stream) == "console"
