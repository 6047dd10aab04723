"""Stories and countries, written by the worker's own sink (``RedisAlertSink.publish``) and read
through a running ``flashpoint api``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from flashpoint.devenv.api_process import ApiProcess
from flashpoint.service.records import AnalyzedArticle
from flashpoint.service.sinks.redis_sink import RedisAlertSink
from flashpoint.settings import Settings
from tests.e2e.api.conftest import TOKEN

pytestmark = pytest.mark.e2e
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = ("Mali's transitional government ordered the mobilization of 5,000 reservists on Thursday after "
        "jihadist fighters seized three towns in the central Mopti region, the army said in a statement. ")


OTHER_TEXT = ("Ukrainian officials said Russian artillery shelled residential districts of Kharkiv overnight, "
              "damaging a school and two apartment blocks, while air defences intercepted several drones. ")


def analysis(article_id: str, severity: str, kinds: list[str], country: str = "ML") -> dict[str, Any]:
    text = TEXT if country == "ML" else OTHER_TEXT
    return {
        "id": article_id, "title": f"Mali story {article_id}", "url": f"https://news.example/{article_id}",
        "source": "wire", "severity": severity, "severity_reason": "test", "cleaned_text": text * 3,
        "regions": {"primary_country": country, "countries": [{"code": country}]},
        "signals": [{"kind": k, "rule_id": f"{k}-rule", "quantity": None, "actor": country, "modality": "asserted",
                     "explanation": k, "evidence": {"start": 0, "end": 20, "text": text[:20]}} for k in kinds],
    }


def publish(redis_url: str, prefix: str, items: list[tuple[dict[str, Any], datetime]]) -> list[Any]:
    async def run() -> list[Any]:
        settings = Settings(_env_file=None, redis_url=SecretStr(redis_url), redis_key_prefix=prefix)
        sink = RedisAlertSink.from_settings(settings)
        try:
            return [await sink.publish(AnalyzedArticle.from_dict(a), now) for a, now in items]
        finally:
            await sink.close()

    return asyncio.run(run())


def test_a_story_returns_its_latest_state_and_every_alert_it_produced(
    start_api: Callable[..., ApiProcess], redis_url: str, api_prefix: str
) -> None:
    now = datetime.now(UTC)
    first, update, reprint = publish(redis_url, api_prefix, [
        (analysis("a1", "urgent", ["mobilization"]), now),
        (analysis("a2", "flash", ["mobilization", "territory_seized"]), now + timedelta(seconds=1)),
        (analysis("a3", "urgent", ["mobilization"]), now + timedelta(seconds=2)),
    ])
    assert (first.decision, update.decision, reprint.decision) == ("new", "update", "reprint")
    api = start_api()
    story = httpx.get(f"{api.base_url}/v1/stories/{first.story_id}", headers=AUTH, timeout=10).json()
    assert [a["alert"]["id"] for a in story["alerts"]] == [f"{first.story_id}-v1", f"{first.story_id}-v2"]
    assert story["state"]["severity"] == "flash"
    assert story["state"]["reprints"] == 1
    assert story["state"]["kinds"] == ["mobilization", "territory_seized"]
    assert story["latest"]["id"] == f"{first.story_id}-v2"
    assert "signature" not in story["state"]


def test_a_country_lists_hot_stories_and_counts_signals_by_kind_over_three_windows(
    start_api: Callable[..., ApiProcess], redis_url: str, api_prefix: str
) -> None:
    now = datetime.now(UTC)
    publish(redis_url, api_prefix, [
        (analysis("m1", "urgent", ["mobilization", "territory_seized"]), now),
        (analysis("u1", "routine", ["shelling"], country="UA"), now),
    ])
    api = start_api()
    mali = httpx.get(f"{api.base_url}/v1/countries/ml", headers=AUTH, timeout=10).json()
    assert mali["country"] == "ML"
    assert [s["alert"]["article_id"] for s in mali["hot_stories"]] == ["m1"]
    for window in ("1h", "24h", "7d"):
        assert mali["signals"][window] == {"mobilization": 1, "territory_seized": 1}
        assert mali["alerts"][window] == 1
    world = httpx.get(f"{api.base_url}/v1/countries", headers=AUTH, timeout=10).json()
    assert world["countries"] == {"ML": {"severity": "urgent", "stories": 1},
                                  "UA": {"severity": "routine", "stories": 1}}
