"""Reading alerts from Redis for people and scripts: filters, live follow, durable groups."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import redis
from redis.exceptions import RedisError, ResponseError
from rich.text import Text

from flashpoint.analysis.models import SEVERITY_RANK
from flashpoint.errors import FlashpointError
from flashpoint.service.alerts import alert_matches
from flashpoint.settings import Settings

SEVERITY_STYLE = {"flash": "bold white on red", "urgent": "bold red", "routine": "yellow"}


@dataclass(frozen=True)
class AlertFilter:
    countries: tuple[str, ...] = ()
    min_severity: str | None = None
    kinds: tuple[str, ...] = ()

    def __call__(self, alert: dict[str, Any]) -> bool:
        return alert_matches(alert, countries=self.countries, min_severity=self.min_severity,
                             kinds=self.kinds)


def follow_alerts(
    settings: Settings,
    flt: AlertFilter,
    *,
    group: str | None = None,
    consumer: str = "tail-1",
    from_start: bool = False,
    count: int | None = None,
    idle_timeout: float | None = None,
    block_ms: int = 1000,
) -> Iterator[dict[str, Any]]:
    """Yield alerts from the main stream. With ``group``, read as a durable consumer group (its
    pending entries first, then new ones) and XACK each entry once yielded."""
    client = redis.Redis.from_url(settings.redis_dsn, decode_responses=True)
    stream = f"{settings.redis_key_prefix}alerts"
    shown = 0
    last_activity = time.monotonic()
    try:
        if group:
            try:
                client.xgroup_create(stream, group, id="0" if from_start else "$", mkstream=True)
            except ResponseError as e:
                if "BUSYGROUP" not in str(e):
                    raise
            pending_id: str | None = "0"  # first our own pending entries, then new ones (">")
        last_id = "0" if from_start else "$"
        while count is None or shown < count:
            if group:
                read_id = pending_id if pending_id is not None else ">"
                reply: Any = client.xreadgroup(group, consumer, {stream: read_id}, count=100,
                                               block=block_ms)
            else:
                reply = client.xread({stream: last_id}, count=100, block=block_ms)
            entries = reply[0][1] if reply else []
            if group and pending_id is not None and not entries:
                pending_id = None
                continue
            if not entries:
                if idle_timeout is not None and time.monotonic() - last_activity > idle_timeout:
                    return
                continue
            last_activity = time.monotonic()
            for entry_id, fields in entries:
                last_id = entry_id
                if group and pending_id is not None:
                    pending_id = entry_id
                alert = json.loads(fields["alert"])
                if flt(alert):
                    yield alert
                    shown += 1
                if group:
                    client.xack(stream, group, entry_id)
                if count is not None and shown >= count:
                    return
    except RedisError as e:
        raise FlashpointError(f"Redis at {_safe_url(settings)}: {e}") from e
    finally:
        client.close()


def _safe_url(settings: Settings) -> str:
    from flashpoint.service.logs import redact

    return redact(settings.redis_dsn)


def _signal_order(signal: dict[str, Any]) -> tuple[int, int, int]:
    """Most telling first: asserted over hedged, higher severity, then quantified."""
    return (
        0 if signal.get("modality") == "asserted" else 1,
        -SEVERITY_RANK.get(str(signal.get("severity")), 0),
        0 if signal.get("quantity") is not None else 1,
    )


def render_alert_row(alert: dict[str, Any]) -> Text:
    severity = str(alert.get("severity", ""))
    line = Text()
    line.append(f" {severity.upper():7} ", style=SEVERITY_STYLE.get(severity, ""))
    line.append(f" {alert.get('type', ''):6} ", style="cyan")
    line.append(f"{alert.get('primary_country') or '--':3}", style="bold")
    kinds = ",".join(alert.get("signal_kinds", []))
    line.append(f" {kinds[:48]:48} ", style="magenta")
    line.append(str(alert.get("title") or alert.get("id"))[:90])
    for signal in sorted(alert.get("signals", []), key=_signal_order)[:10]:
        qty = f" qty={signal['quantity']}" if signal.get("quantity") is not None else ""
        actor = f" actor={signal['actor']}" if signal.get("actor") else ""
        line.append(
            f"\n      - {signal['kind']} [{signal.get('modality')}]{qty}{actor}: "
            f"\"{signal['evidence']['text'][:100]}\"",
            style="dim",
        )
    return line
