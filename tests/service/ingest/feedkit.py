"""Building RSS feeds and article pages for the local publisher."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Item:
    guid: str
    title: str
    link: str
    summary: str
    pub_date: str = "Tue, 24 Nov 2026 10:00:00 +0000"


def rss(items: list[Item], *, title: str = "Test wire") -> bytes:
    entries = "".join(
        f"<item><guid>{escape(i.guid)}</guid><title>{escape(i.title)}</title>"
        f"<link>{escape(i.link)}</link><description>{escape(i.summary)}</description>"
        f"<pubDate>{i.pub_date}</pubDate></item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://127.0.0.1/</link><language>en</language>"
        f"{entries}</channel></rss>"
    ).encode()


def article_page(headline: str, body_sentence: str) -> bytes:
    """A news page with navigation and a sidebar around the story, as real pages have."""
    paragraphs = "".join(f"<p>{body_sentence} Paragraph {n} adds detail.</p>" for n in range(6))
    return (
        f"<html><head><title>{headline}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{headline}</h1>{paragraphs}</article>"
        "<aside><h2>Most read</h2><ul><li>Football scores</li><li>Weather</li></ul></aside>"
        "</body></html>"
    ).encode()
