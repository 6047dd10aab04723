"""The live page in a real browser: Debian's headless Chromium driven by Playwright.

An article is analysed and written by the worker's own code (``Analyzer`` then
``RedisAlertSink.publish``); the page, already open, must list the alert and colour its country
within 2 s, and its detail must highlight the evidence. Screenshots go to ``tmp_path``, or to
``docs/`` with ``FLASHPOINT_SAVE_SCREENSHOTS=1`` (that is how the README's pictures were made).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.models import parse_raw_article
from flashpoint.devenv.api_process import ApiProcess
from flashpoint.service.records import AnalyzedArticle
from flashpoint.service.sinks.redis_sink import RedisAlertSink
from flashpoint.settings import Settings
from tests.e2e.api.conftest import TOKEN

pytestmark = pytest.mark.e2e
CHROMIUM = "/usr/bin/chromium"
SAMPLES = Path(__file__).resolve().parents[3] / "flashpoint" / "samples"
DOCS = Path(__file__).resolve().parents[3] / "docs"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
    pytest.skip(f"{CHROMIUM} is absent: apt-get install chromium (Debian's package; never `playwright install`)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load()


def publish(analyzer: Analyzer, redis_url: str, prefix: str, raws: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Analyse and write articles exactly as the worker's publishing agent does."""

    async def run() -> list[dict[str, Any]]:
        sink = RedisAlertSink.from_settings(Settings(_env_file=None, redis_url=redis_url, redis_key_prefix=prefix))
        alerts = []
        try:
            for raw in raws:
                now = datetime.now(UTC)
                analysis = analyzer.analyze(parse_raw_article(json.dumps(raw).encode(), max_bytes=2_000_000), now)
                result = await sink.publish(AnalyzedArticle.of(analysis), now)
                if result.alert:
                    alerts.append(result.alert)
        finally:
            await sink.close()
        return alerts

    # Playwright's sync API owns this thread's event loop: write from another thread
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def _screens_dir(tmp_path: Path) -> Path:
    return DOCS if os.environ.get("FLASHPOINT_SAVE_SCREENSHOTS") == "1" else tmp_path


def test_the_page_shows_a_produced_alert_colours_its_country_and_highlights_its_evidence(
    start_api: Callable[..., ApiProcess], analyzer: Analyzer, redis_url: str, api_prefix: str, tmp_path: Path
) -> None:
    api = start_api()
    background = [json.loads(line) for line in (SAMPLES / "wire.jsonl").read_text().splitlines() if line.strip()]
    publish(analyzer, redis_url, api_prefix, background)
    canonical = {
        "id": "afghan-troops", "source": "rfi", "url": "https://www.rfi.fr/en/afghanistan-troops-tajikistan",
        "text": (SAMPLES / "afghan-troops-flee-to-tajikistan.txt").read_text(encoding="utf-8"),
    }
    shots = _screens_dir(tmp_path)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"{api.base_url}/#token={TOKEN}")
            page.wait_for_selector("#status[data-state=live]", timeout=15_000)
            page.wait_for_selector("#map path[data-cc=ML]", timeout=5_000)
            assert page.locator("#alerts li").count() >= 2

            (alert,) = publish(analyzer, redis_url, api_prefix, [canonical])
            # a plain-text article without a title gets its first line as headline
            assert alert["title"].startswith("Afghanistan: Faced with the advance of the Taliban")
            written = time.monotonic()
            page.wait_for_selector(f'#alerts li[data-alert-id="{alert["id"]}"]', timeout=2_000)
            page.wait_for_selector(f'#map path[data-cc=AF][data-severity="{alert["story_severity"]}"]', timeout=2_000)
            assert time.monotonic() - written <= 2.0

            page.click(f'#alerts li[data-alert-id="{alert["id"]}"]')
            marks = page.locator("#detail mark.evidence-span")
            assert marks.count() >= 1
            evidence = {s["evidence"]["text"] for s in alert["signals"]}
            assert all(marks.nth(i).inner_text().rstrip("0123456789,") in evidence for i in range(marks.count()))
            rules = page.locator("#detail .signals tbody tr td[data-label=rule]").all_inner_texts()
            assert sorted(rules) == sorted(s["rule_id"] for s in alert["signals"])
            assert page.get_attribute("[data-testid=article-link]", "href") == canonical["url"]
            page.screenshot(path=str(shots / "live-page-desktop.png"), full_page=True)
            outside = [url for url in requested if not url.startswith(api.base_url)]
            assert not outside, f"the page needs no network beyond its server: {outside}"

            phone = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme="dark",
                                     device_scale_factor=2, is_mobile=True, has_touch=True)
            phone.goto(f"{api.base_url}/#token={TOKEN}")
            phone.wait_for_selector(f'#alerts li[data-alert-id="{alert["id"]}"]', timeout=10_000)
            phone.wait_for_selector("#map path[data-cc=AF].sev-flash")
            phone.screenshot(path=str(shots / "live-page-phone-dark.png"), full_page=False)
            phone.click(f'#alerts li[data-alert-id="{alert["id"]}"]')
            phone.wait_for_selector("#detail mark.evidence-span")
            scroll_width = phone.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= 390, "the page must not scroll sideways at phone width"
            phone.screenshot(path=str(shots / "live-page-phone-dark-detail.png"), full_page=False)
        finally:
            browser.close()
