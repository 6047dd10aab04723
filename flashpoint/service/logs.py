"""Logging: structlog, JSON in production, readable in a terminal, secrets redacted.

Redaction works on the rendered line, so a password in a URL is removed wherever it comes from
(our code, redis-py, aiokafka, Faust).
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

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


def _redact_event(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
    return {k: redact(v) if isinstance(v, str) else v for k, v in event.items()}


def configure_logging(settings: Settings) -> None:
    fmt = settings.log_format
    if fmt == "auto":
        fmt = "console" if sys.stderr.isatty() else "json"
    renderer: Any = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer()
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso"),
        _redact_event,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        processor=renderer, foreign_pre_chain=shared,
    ))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("flashpoint")
    logger.handlers[:] = [handler]
    logger.setLevel(settings.log_level.upper())
    logger.propagate = False
    for name in ("aiokafka", "faust", "mode", "redis"):
        logging.getLogger(name).addFilter(RedactingFilter())
