"""Turning HTML into the plain text the analyser reads.

Pages go through trafilatura, which drops navigation, sidebars and comments: left in, the
"related stories" boxes of a news page would tag countries and escalations the story never
mentions. Feed summaries are small fragments, where trafilatura often finds no "main" text, so
those are flattened with the stdlib parser instead.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import trafilatura

from flashpoint.service.memory import release_extraction_caches

log = logging.getLogger(__name__)

_BLOCK_TAGS = frozenset(
    (
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "tr", "table", "section", "article", "header", "footer", "pre",
    )
)
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "svg"))
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    text: str
    title: str | None = None


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of a small HTML fragment (a feed summary); plain text passes through."""
    if "<" not in fragment:
        text = html.unescape(fragment)
    else:
        collector = _TextCollector()
        collector.feed(fragment)
        collector.close()
        text = "".join(collector.parts)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def extract_main_text(page: bytes | str, *, url: str | None = None) -> ExtractedPage | None:
    """The main text and title of a news page, or None when trafilatura finds no article in it."""
    try:
        doc = trafilatura.bare_extraction(
            page,
            url=url,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
        )
    except Exception as e:  # a parser bug on one hostile page must not stop ingest
        log.warning("text extraction failed: %s: %s", type(e).__name__, str(e)[:200])
        return None
    finally:
        release_extraction_caches()  # trafilatura's caches would keep this page's text for good
    if doc is None:
        return None
    text = getattr(doc, "text", None)
    if not text or not text.strip():
        return None
    title = getattr(doc, "title", None)
    clean_title = title.strip() if isinstance(title, str) and title.strip() else None
    return ExtractedPage(text=text.strip(), title=clean_title)
