"""Reading alerts from Redis for people and scripts: filters, live follow, durable groups."""

from __future__ import annotations

import json
import string
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis
from redis.exceptions import RedisError, ResponseError
from rich.text import Text

from flashpoint.analysis.models import SEVERITY_RANK
from flashpoint.errors import FlashpointError
from flashpoint.service.alerts import alert_matches
from flashpoint.service.sinks.keys import RedisKeys
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
    stream = RedisKeys(settings.redis_key_prefix).alerts
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


def _when(alert: dict[str, Any]) -> str:
    """The alert's time, short and unambiguous: ``2026-12-07 03:27:05Z``."""
    raw = alert.get("updated_at") or alert.get("first_seen") or ""
    try:
        when = datetime.fromisoformat(str(raw))
    except ValueError:
        return str(raw)[:20]
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M:%SZ")


def render_alert_row(alert: dict[str, Any]) -> Text:
    """A headline line (severity, type, country, time, source, title), the kinds and the
    article's URL, then the most telling signals. Print it with ``soft_wrap=True``: a piped
    ``tail`` must not break lines at 80 columns."""
    severity = str(alert.get("severity", ""))
    line = Text()
    line.append(f" {severity.upper():7} ", style=SEVERITY_STYLE.get(severity, ""))
    line.append(f" {alert.get('type', ''):6} ", style="cyan")
    line.append(f"{alert.get('primary_country') or '--':3}", style="bold")
    line.append(f" {_when(alert)} ", style="green")
    line.append(f"{alert.get('source') or '-'}  ", style="blue")
    line.append(str(alert.get("title") or alert.get("story_id") or alert.get("id")), style="bold")
    kinds = ",".join(alert.get("signal_kinds", []))
    url = alert.get("url") or (alert.get("links") or {}).get("article")
    line.append(f"\n      {kinds}" + (f"  {url}" if url else ""), style="magenta")
    for signal in sorted(alert.get("signals", []), key=_signal_order)[:10]:
        qty = f" qty={signal['quantity']}" if signal.get("quantity") is not None else ""
        actor = f" actor={signal['actor']}" if signal.get("actor") else ""
        killed = f" killed={signal['fatalities']}" if signal.get("fatalities") is not None else ""
        line.append(
            f"\n      - {signal['kind']} [{signal.get('modality')}]{qty}{killed}{actor}: "
            f"\"{signal['evidence']['text'][:100]}\"",
            style="dim",
        )
    return line


# Fields a --format template may name: the alert's own (README, "Alerts") and a few derived ones.
TEMPLATE_FIELDS = frozenset({
    "schema_version", "id", "type", "story_id", "version", "article_id", "title", "url", "source",
    "published_at", "severity", "severity_reason", "story_severity", "reason", "primary_country",
    "countries", "subdivisions", "macro_regions", "topics", "signal_kinds", "first_seen",
    "updated_at", "reprints", "kind", "count", "baseline",
    "time", "kinds", "country", "headline",
})


class _AlertFormatter(string.Formatter):
    """str.format over an alert's top-level fields only: no attribute or index access, so a
    template cannot reach into Python objects."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if not field_name.isidentifier():
            raise FlashpointError(f"--format: {{{field_name}}} is not a field name")
        return self.get_value(field_name, args, kwargs), field_name


@dataclass(frozen=True)
class AlertTemplate:
    """``flashpoint tail --format '{time} {severity} {country} {title} {url}'``; ``\\t`` and
    ``\\n`` in the template are a tab and a newline."""

    template: str

    @classmethod
    def parse(cls, template: str) -> AlertTemplate:
        text = template.replace("\\t", "\t").replace("\\n", "\n")
        try:
            names = {name for _lit, name, _spec, _conv in _AlertFormatter().parse(text) if name is not None}
        except ValueError as e:
            raise FlashpointError(f"--format: {e}") from e
        unknown = sorted(n for n in names if n not in TEMPLATE_FIELDS)
        if unknown:
            raise FlashpointError(
                f"--format: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(TEMPLATE_FIELDS))}"
            )
        return cls(text)

    def render(self, alert: dict[str, Any]) -> str:
        values: dict[str, Any] = {name: "" for name in TEMPLATE_FIELDS}
        for key, value in alert.items():
            if value is None:
                continue
            values[key] = ",".join(map(str, value)) if isinstance(value, list) else value
        values["time"] = _when(alert)
        values["kinds"] = values.get("signal_kinds", "")
        values["country"] = alert.get("primary_country") or ""
        values["headline"] = alert.get("title") or alert.get("story_id") or alert.get("id") or ""
        if not values["url"]:
            values["url"] = (alert.get("links") or {}).get("article") or ""
        try:
            return _AlertFormatter().vformat(self.template, (), values)
        except (ValueError, TypeError) as e:
            raise FlashpointError(f"--format: {e}") from e
