"""Alert url and title fields: only http(s) links without credentials, titles as plain text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashpoint.service.alerts import AlertDecision, build_alert
from flashpoint.service.records import AnalyzedArticle
from flashpoint.service.sanitize import plain_title, safe_url


@pytest.mark.parametrize("url", [
    "javascript:alert(document.domain)", "JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>",
    "file:///etc/passwd", "vbscript:msgbox", "//evil.example/x", "evil.example/path", "http://",
    "https://exa mple.org/", "https://example.org/\u0000x",
])
def test_a_url_that_is_not_http_or_https_becomes_null_with_a_reason(url: str) -> None:
    kept, reason = safe_url(url)
    assert kept is None and reason


def test_credentials_in_a_feed_link_are_stripped() -> None:
    assert safe_url("https://user:pw@news.example:8443/a?b=1#c") == ("https://news.example:8443/a?b=1#c", None)


def test_an_ordinary_link_is_kept_as_it_is() -> None:
    link = "https://news.example/2026/12/07/story.html"
    assert safe_url(link) == (link, None)


def test_a_title_is_plain_text_without_markup_or_control_characters() -> None:
    title = '<script>alert(1)</script>Troops\u0007 &amp; tanks\u200b\n  <b>move</b>'
    assert plain_title(title) == "alert(1) Troops & tanks move"


def test_the_alert_carries_the_safe_url_and_title_and_says_why_a_url_was_dropped() -> None:
    article = AnalyzedArticle(id="a", severity="urgent", url="javascript:alert(document.domain)",
                              title="<script>x</script>Coup\u0000 in the capital")
    alert = build_alert(article, AlertDecision("new", "s-1", 1, "first"), first_seen="t", updated_at=_now(),
                        reprints=0, dashboard_url="http://grafana")
    assert alert["url"] is None and alert["links"]["article"] is None
    assert "javascript" in alert["url_rejected"]
    assert alert["title"] == "x Coup in the capital"


def _now() -> datetime:
    return datetime(2026, 12, 7, tzinfo=UTC)
