"""Alert fields that come from the article as it was fetched, made safe to hand on.

An article's ``url`` and ``title`` are whatever a feed or a producer sent. An alert passes them to
dashboards, chat hooks and browsers, so:

- a ``url`` is kept only when it is ``http`` or ``https``, with any ``user:password@`` removed;
  anything else (``javascript:``, ``data:``, ``file:``, no scheme) becomes null, and the alert's
  ``url_rejected`` says why;
- a ``title`` is plain text: markup removed, entities decoded, control and invisible format
  characters dropped, whitespace collapsed, at most ``MAX_TITLE_CHARS``.

Plain text is not HTML-safe text: a subscriber that renders a title in HTML must still escape it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

MAX_TITLE_CHARS = 500
MAX_URL_CHARS = 2048
_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACE = re.compile(r"\s+")


def safe_url(value: str | None) -> tuple[str | None, str | None]:
    """``(url, None)`` for an http(s) URL (credentials stripped), else ``(None, reason)``."""
    if not value:
        return None, None
    text = value.strip()
    if len(text) > MAX_URL_CHARS:
        return None, f"longer than {MAX_URL_CHARS} characters"
    if any(unicodedata.category(ch) in ("Cc", "Cf") or ch.isspace() for ch in text):
        return None, "contains whitespace or control characters"
    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a malformed port
    except ValueError as e:
        return None, f"not a valid URL: {e}"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return None, f"scheme {scheme!r} is not http or https" if scheme else "no http(s) scheme"
    if not parts.hostname:
        return None, "no host"
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment)), None


def plain_title(value: str | None) -> str | None:
    if not value:
        return None
    text = html.unescape(_TAG.sub(" ", value))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co") or ch in "\t\n")
    text = _SPACE.sub(" ", text).strip()
    return text[:MAX_TITLE_CHARS] or None
