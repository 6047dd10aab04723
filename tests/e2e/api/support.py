"""Alerts for API tests: realistic records (built by the sink's own ``build_alert``) written with
the sink's stream layout, fast enough for 10,000 of them."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

import redis

from flashpoint.analysis.models import SIGNAL_KINDS, UNKNOWN_COUNTRY
from flashpoint.service.alerts import AlertDecision, build_alert
from flashpoint.service.records import AnalyzedArticle
from flashpoint.service.sinks.keys import RedisKeys

COUNTRIES = ("AF", "UA", "RU", "SD", "ML", "IL", "US", "FR", "CN", "MM")
SEVERITIES = ("routine", "urgent", "flash")
WORDS = ("troops", "border", "capital", "strike", "talks", "convoy", "militia", "refugees", "airport", "port")


def synthetic_alert(i: int, rng: random.Random, *, now: datetime | None = None) -> dict[str, Any]:
    primary = rng.choice(COUNTRIES)
    others = rng.sample([c for c in COUNTRIES if c != primary], rng.choice((0, 0, 1, 2)))
    kinds = rng.sample(SIGNAL_KINDS[:8], rng.choice((1, 2, 3)))
    title = " ".join(rng.sample(WORDS, 3)).capitalize() + f" near site {i}"
    article = AnalyzedArticle(
        id=f"art-{i}", title=title, url=f"https://news.example/{i}", source="example",
        severity=rng.choice(SEVERITIES), severity_reason="synthetic", primary_country=primary,
        countries=(primary, *others),
        signals=tuple(
            {"kind": k, "rule_id": f"{k}-rule", "quantity": None, "actor": primary, "modality": "asserted",
             "explanation": f"{k} in {primary}", "evidence": {"start": 0, "end": 10, "text": title[:10]}}
            for k in kinds
        ),
    )
    story = f"s-{i:016x}"
    decision = AlertDecision("new", story, 1, "first article of this story")
    when = now or datetime.now(UTC)
    return build_alert(article, decision, first_seen=when.isoformat(), updated_at=when, reprints=0,
                       dashboard_url="http://grafana.example/d")


def write_alerts(client: redis.Redis, prefix: str, alerts: list[dict[str, Any]],
                 ids: list[str] | None = None) -> list[str]:
    """XADD each alert to the main and its country stream, with the fields the sink writes."""
    keys = RedisKeys(prefix)
    pipe = client.pipeline(transaction=False)
    for n, alert in enumerate(alerts):
        primary = alert.get("primary_country") or UNKNOWN_COUNTRY
        fields = {"alert": json.dumps(alert, ensure_ascii=False), "id": alert["id"],
                  "severity": alert["severity"], "country": primary}
        entry_id = ids[n] if ids else "*"
        pipe.xadd(keys.alerts, fields, id=entry_id)  # type: ignore[arg-type]
        pipe.xadd(keys.country_alerts(primary), fields, id=entry_id)  # type: ignore[arg-type]
    replies = pipe.execute()
    return [str(r) for r in replies[0::2]]
