"""Text cleaning (placeholder interface; the region-tagging work replaces the body)."""

from __future__ import annotations

from flashpoint.models import RawArticle


def clean_article(article: RawArticle, *, max_chars: int = 200_000) -> str:
    return (article.text or article.html or "")[:max_chars]
