"""Generate the provisioned Grafana dashboards in ``deploy/grafana/dashboards/``.

Plain Python on purpose (no grafana-foundation-sdk): the dashboards are a dozen panels each, and a
small builder keeps every panel on the same datasource, units and layout while the JSON stays the
reviewed artefact that Grafana loads. Run ``python deploy/grafana/generate.py`` after editing;
``tests/deploy`` fails when the committed JSON differs from what this script writes.

Queries use only metric names from ``flashpoint/service/metrics.py``, recording rules from
``deploy/prometheus/rules/recording.yml`` and Prometheus' own ``up``/``ALERTS``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DASHBOARD_DIR = Path(__file__).resolve().parent / "dashboards"
DATASOURCE: dict[str, str] = {"type": "prometheus", "uid": "prometheus"}
WORKER = 'job="flashpoint-worker", instance=~"$instance"'
INGEST = 'job="flashpoint-ingest"'
# Units: Grafana has none for articles or polls, and `reqps` ("requests/s") would be wrong, so
# rates carry a custom suffix naming what they count. tests/deploy checks each panel's unit
# against what its queries compute.
ARTICLES_PER_SECOND = "suffix: articles/s"
MESSAGES_PER_SECOND = "suffix: messages/s"
OPERATIONS_PER_SECOND = "suffix: operations/s"
ALERTS_PER_SECOND = "suffix: alerts/s"
POLLS_PER_SECOND = "suffix: polls/s"
ITEMS_PER_SECOND = "suffix: items/s"
FETCHES_PER_SECOND = "suffix: fetches/s"
SIGNALS_PER_HOUR = "suffix: signals/h"
ALERTS_PER_HOUR = "suffix: alerts/h"
SIGNALS = 'flashpoint_escalation_signals_total{country=~"$country", kind=~"$kind"}'


def worker_rate(metric: str, by: str) -> str:
    """Per-second rate of a worker counter, summed by the given labels."""
    return f"sum by ({by}) (rate({metric}{{{WORKER}}}[$__rate_interval]))"


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str = "__auto"
    instant: bool = False
    table: bool = False


@dataclass
class Layout:
    """Places panels left to right on Grafana's 24-column grid, wrapping to a new row."""

    x: int = 0
    y: int = 0
    row_height: int = 0
    next_id: int = 1
    panels: list[dict[str, Any]] = field(default_factory=list)

    def row(self, title: str) -> None:
        """A full-width row header on a line of its own; the panels added next go under it."""
        self.x, self.y, self.row_height = 0, self.y + self.row_height, 0
        self.add({"type": "row", "title": title, "collapsed": False, "panels": []}, 24, 1)

    def add(self, panel: dict[str, Any], w: int, h: int) -> None:
        if self.x + w > 24:
            self.x, self.y, self.row_height = 0, self.y + self.row_height, 0
        panel["id"] = self.next_id
        panel["gridPos"] = {"x": self.x, "y": self.y, "w": w, "h": h}
        self.next_id += 1
        self.x += w
        self.row_height = max(self.row_height, h)
        self.panels.append(panel)


def _targets(queries: list[Query]) -> list[dict[str, Any]]:
    targets = []
    for ref, q in zip("ABCDEFGH", queries, strict=False):
        target: dict[str, Any] = {
            "datasource": DATASOURCE,
            "refId": ref,
            "expr": q.expr,
            "legendFormat": q.legend,
            "range": not q.instant,
            "instant": q.instant,
        }
        if q.table:
            target["format"] = "table"
        targets.append(target)
    return targets


def panel(
    kind: str,
    title: str,
    description: str,
    queries: list[Query],
    *,
    unit: str = "short",
    stack: bool = False,
    options: dict[str, Any] | None = None,
    thresholds: list[tuple[float | None, str]] | None = None,
) -> dict[str, Any]:
    steps = [{"value": v, "color": c} for v, c in (thresholds or [(None, "green")])]
    defaults: dict[str, Any] = {
        "unit": unit,
        "thresholds": {"mode": "absolute", "steps": steps},
    }
    if kind == "timeseries":
        defaults["custom"] = {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 20 if stack else 0,
            "stacking": {"mode": "normal" if stack else "none", "group": "A"},
            "showPoints": "never",
        }
        defaults["color"] = {"mode": "palette-classic"}
    else:
        defaults["color"] = {"mode": "thresholds"}
    return {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "targets": _targets(queries),
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": options or {},
    }


def variable(name: str, label: str, query: str) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DATASOURCE,
        # The plain-string form: every Grafana version reads it (and migrates it in the editor).
        "query": query,
        "definition": query,
        "refresh": 2,
        "multi": True,
        "includeAll": True,
        "allValue": ".*",
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "sort": 1,
    }


def dashboard(
    uid: str, title: str, description: str, tags: list[str], layout: Layout, variables: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["flashpoint", *tags],
        "timezone": "utc",
        "editable": True,
        "graphTooltip": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "schemaVersion": 39,
        "version": 1,
        "templating": {"list": variables},
        "annotations": {"list": []},
        "links": [
            {"title": "Pipeline health", "type": "link", "url": "/d/flashpoint-pipeline-health"},
            {"title": "Escalation overview", "type": "link", "url": "/d/flashpoint-escalation"},
        ],
        "panels": layout.panels,
    }


def pipeline_health() -> dict[str, Any]:
    lay = Layout()
    stat_opts = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}}
    lay.add(
        panel(
            "stat",
            "Workers up",
            "Worker targets answering scrapes.",
            [Query(f"sum(up{{{WORKER}}})", instant=True)],
            options=stat_opts,
            thresholds=[(None, "red"), (1, "green")],
        ),
        3,
        4,
    )
    lay.add(
        panel(
            "stat",
            "Articles read",
            "Messages read from the input topic, all workers.",
            [Query(f"sum(rate(flashpoint_articles_consumed_total{{{WORKER}}}[$__rate_interval]))")],
            unit=ARTICLES_PER_SECOND,
            options=stat_opts,
        ),
        3,
        4,
    )
    lay.add(
        panel(
            "stat",
            "Consumer lag",
            "Messages waiting on the input topic: the group's lag, each partition counted once "
            "(recording rule flashpoint:consumer_lag_messages:sum), not once per worker.",
            [Query('sum(flashpoint:consumer_lag_messages:sum{job="flashpoint-worker"})')],
            options=stat_opts,
            thresholds=[(None, "green"), (100, "orange"), (1000, "red")],
        ),
        3,
        4,
    )
    lay.add(
        panel(
            "stat",
            "Broker up",
            "1 while every worker's last Metadata probe of the Kafka broker was answered in time.",
            [Query(f"min(flashpoint_broker_up{{{WORKER}}})")],
            options=stat_opts,
            thresholds=[(None, "red"), (1, "green")],
        ),
        3,
        4,
    )
    lay.add(
        panel(
            "stat",
            "Alert sink up",
            "1 while every worker's last Redis operation succeeded.",
            [Query(f"min(flashpoint_alert_sink_up{{{WORKER}}})")],
            options=stat_opts,
            thresholds=[(None, "red"), (1, "green")],
        ),
        3,
        4,
    )
    lay.add(
        panel(
            "stat",
            "In flight",
            "Articles taken from the broker but not yet acknowledged.",
            [Query(f"sum(flashpoint_articles_in_flight{{{WORKER}}})")],
            options=stat_opts,
        ),
        3,
        4,
    )
    lay.add(
        panel(
            "stat",
            "End-to-end p99",
            "99th percentile from publication to alert written (SLO: 99% under 1 s).",
            [
                Query(
                    "histogram_quantile(0.99, sum by (le) (rate(flashpoint_end_to_end_latency_seconds_bucket"
                    f"{{{WORKER}}}[$__rate_interval])))"
                )
            ],
            unit="s",
            options=stat_opts,
            thresholds=[(None, "green"), (0.5, "orange"), (1, "red")],
        ),
        3,
        4,
    )
    lay.add(
        panel(
            "stat",
            "Ops alerts firing",
            "Flashpoint ops alert rules firing now (Prometheus ALERTS; surges are not counted).",
            [Query('count(ALERTS{alertstate="firing", alertname=~"Flashpoint.*", '
                   'alertname!="FlashpointEscalationSurge"}) or vector(0)', instant=True)],
            options=stat_opts,
            thresholds=[(None, "green"), (1, "red")],
        ),
        3,
        4,
    )
    lay.add(
        panel(
            "timeseries",
            "Throughput",
            "Articles read per worker, and analysed by severity tier.",
            [
                Query(
                    worker_rate("flashpoint_articles_consumed_total", "instance"),
                    "read {{instance}}",
                ),
                Query(
                    worker_rate("flashpoint_articles_analyzed_total", "severity"),
                    "analysed {{severity}}",
                ),
            ],
            unit=ARTICLES_PER_SECOND,
        ),
        12,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Consumer lag by partition",
            "Messages between the consumed position and the end of each input partition.",
            [
                Query(
                    f"max by (topic, partition) (flashpoint_consumer_lag_messages{{{WORKER}}})",
                    "{{topic}}/{{partition}}",
                )
            ],
            stack=True,
        ),
        12,
        8,
    )
    e2e = f"flashpoint_end_to_end_latency_seconds_bucket{{{WORKER}}}[$__rate_interval]"
    lay.add(
        panel(
            "timeseries",
            "End-to-end latency",
            "From publication on the input topic to the alert written in Redis.",
            [
                Query(f"histogram_quantile({q}, sum by (le) (rate({e2e})))", f"p{int(float(q) * 100)}")
                for q in ("0.50", "0.95", "0.99")
            ],
            unit="s",
        ),
        12,
        8,
    )
    proc = f"flashpoint_article_processing_seconds_bucket{{{WORKER}}}[$__rate_interval]"
    lay.add(
        panel(
            "timeseries",
            "Processing time",
            "Analysis time per article (p50, p99), and p95 per analysis stage.",
            [
                Query(f"histogram_quantile(0.5, sum by (le) (rate({proc})))", "p50"),
                Query(f"histogram_quantile(0.99, sum by (le) (rate({proc})))", "p99"),
                Query(
                    "histogram_quantile(0.95, "
                    + worker_rate("flashpoint_analysis_stage_seconds_bucket", "le, stage")
                    + ")",
                    "p95 {{stage}}",
                ),
            ],
            unit="s",
        ),
        12,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Rejections by reason",
            "Messages sent to the dead-letter topic.",
            [
                Query(
                    worker_rate("flashpoint_articles_rejected_total", "reason"),
                    "{{reason}}",
                )
            ],
            unit=MESSAGES_PER_SECOND,
            stack=True,
        ),
        12,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Alert sink errors and retries",
            "Failed Redis operations and their retries, by operation.",
            [
                Query(
                    worker_rate("flashpoint_alert_sink_errors_total", "operation"),
                    "errors {{operation}}",
                ),
                Query(
                    worker_rate("flashpoint_alert_sink_retries_total", "operation"),
                    "retries {{operation}}",
                ),
            ],
            unit=OPERATIONS_PER_SECOND,
        ),
        12,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Alert sink up",
            "Per worker: 1 if its last Redis operation succeeded.",
            [Query(f"flashpoint_alert_sink_up{{{WORKER}}}", "{{instance}}")],
        ),
        6,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Broker up",
            "Per worker: 1 if the Kafka broker answered its last Metadata probe in time.",
            [Query(f"flashpoint_broker_up{{{WORKER}}}", "{{instance}}")],
        ),
        6,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "In flight",
            "Per worker: articles taken from the broker but not yet acknowledged.",
            [Query(f"flashpoint_articles_in_flight{{{WORKER}}}", "{{instance}}")],
        ),
        6,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Time since last article",
            "Per worker: seconds since it last finished an article (grows while idle or stalled); "
            "no data before its first article.",
            [Query(f"time() - (flashpoint_last_processed_timestamp_seconds{{{WORKER}}} > 0)", "{{instance}}")],
            unit="s",
        ),
        6,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Latency SLO error ratio",
            "Share of articles slower than 1 s (recording rules); the budget is 1%.",
            [
                Query("flashpoint:end_to_end_latency_slo_errors:ratio_rate5m", "5m"),
                Query("flashpoint:end_to_end_latency_slo_errors:ratio_rate1h", "1h"),
                Query("flashpoint:end_to_end_latency_slo_errors:ratio_rate6h", "6h"),
            ],
            unit="percentunit",
        ),
        12,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Alerts suppressed",
            "Domain alerts not written because they repeat a known story.",
            [
                Query(
                    worker_rate("flashpoint_alerts_suppressed_total", "reason"),
                    "{{reason}}",
                )
            ],
            unit=ALERTS_PER_SECOND,
        ),
        12,
        8,
    )
    lay.add(
        panel(
            "table",
            "Workers",
            "Version and Python of each worker.",
            [Query(f"flashpoint_build_info{{{WORKER}}}", instant=True, table=True)],
        ),
        24,
        6,
    )
    ingest_row(lay)
    return dashboard(
        "flashpoint-pipeline-health",
        "Flashpoint / Pipeline health",
        "Is the monitor keeping up? Throughput, lag, latency, errors, rejections, Redis sink.",
        ["ops"],
        lay,
        [variable("instance", "Worker", 'label_values(up{job="flashpoint-worker"}, instance)')],
    )


def ingest_row(lay: Layout) -> None:
    """The RSS ingester (job flashpoint-ingest): is every feed read, and does it reach the broker?"""
    lay.row("Ingest (RSS feeds)")
    lay.add(
        panel(
            "stat",
            "Feeds up",
            "Feeds whose last poll succeeded, of all feeds the ingester polls.",
            [
                Query(f"sum(flashpoint_ingest_feed_up{{{INGEST}}})", "up", instant=True),
                Query(f"count(flashpoint_ingest_feed_up{{{INGEST}}})", "feeds", instant=True),
            ],
            options={"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
        ),
        6,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Polls by outcome",
            "Feed polls: ok (200), not_modified (304), failed.",
            [Query(f"sum by (outcome) (rate(flashpoint_ingest_polls_total{{{INGEST}}}[$__rate_interval]))",
                   "{{outcome}}")],
            unit=POLLS_PER_SECOND,
            stack=True,
        ),
        9,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Items by outcome",
            "Feed items sent to the broker, already seen, rejected by the wire schema, or dropped.",
            [Query(f"sum by (outcome) (rate(flashpoint_ingest_items_total{{{INGEST}}}[$__rate_interval]))",
                   "{{outcome}}")],
            unit=ITEMS_PER_SECOND,
            stack=True,
        ),
        9,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Fetch errors by reason",
            "Failed fetches of feeds and of article pages, by reason.",
            [Query(f"sum by (target, reason) (rate(flashpoint_ingest_fetch_errors_total{{{INGEST}}}"
                   "[$__rate_interval])) > 0", "{{target}} {{reason}}")],
            unit=FETCHES_PER_SECOND,
            stack=True,
        ),
        12,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Time since last good poll",
            "Per feed: seconds since its last successful poll (the ingester's start until its first).",
            [Query(f"time() - flashpoint_ingest_last_success_timestamp_seconds{{{INGEST}}}", "{{feed}}")],
            unit="s",
        ),
        12,
        8,
    )


def escalation_overview() -> dict[str, Any]:
    lay = Layout()
    lay.add(
        panel(
            "timeseries",
            "Signals by country",
            "Escalation signals per hour, by country (ISO alpha-2; 'unknown' when untagged).",
            [Query(f"sum by (country) (rate({SIGNALS}[$__rate_interval])) * 3600", "{{country}}")],
            unit=SIGNALS_PER_HOUR,
            stack=True,
        ),
        12,
        9,
    )
    lay.add(
        panel(
            "timeseries",
            "Signals by kind",
            "Escalation signals per hour, by kind.",
            [Query(f"sum by (kind) (rate({SIGNALS}[$__rate_interval])) * 3600", "{{kind}}")],
            unit=SIGNALS_PER_HOUR,
            stack=True,
        ),
        12,
        9,
    )
    lay.add(
        panel(
            "bargauge",
            "Top countries, last hour",
            "The ten countries with the most escalation signals in the last hour.",
            [
                Query(
                    "topk(10, sum by (country) (increase(flashpoint_escalation_signals_total"
                    '{country!="unknown", kind=~"$kind"}[1h])))',
                    "{{country}}",
                    instant=True,
                )
            ],
            options={
                "orientation": "horizontal",
                "displayMode": "gradient",
                "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            },
            thresholds=[(None, "green"), (10, "orange"), (50, "red")],
        ),
        8,
        9,
    )
    lay.add(
        panel(
            "stat",
            "Domain alerts by severity, last 24h",
            "Alerts written to Redis (new, update and surge) by severity.",
            [
                Query(
                    "sum by (severity) (increase(flashpoint_alerts_published_total[24h]))",
                    "{{severity}}",
                    instant=True,
                )
            ],
            options={"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
        ),
        8,
        9,
    )
    lay.add(
        panel(
            "table",
            "Surge alerts firing",
            "FlashpointEscalationSurge alerts (Prometheus rule) firing now, one row per country.",
            [
                Query(
                    'ALERTS{alertname="FlashpointEscalationSurge", alertstate="firing"}',
                    instant=True,
                    table=True,
                )
            ],
        ),
        8,
        9,
    )
    lay.add(
        panel(
            "timeseries",
            "Domain alerts by severity",
            "Alerts written to Redis per hour, by severity.",
            [
                Query(
                    "sum by (severity) (rate(flashpoint_alerts_published_total[$__rate_interval])) * 3600",
                    "{{severity}}",
                )
            ],
            unit=ALERTS_PER_HOUR,
            stack=True,
        ),
        12,
        8,
    )
    lay.add(
        panel(
            "timeseries",
            "Surge alerts",
            "Surge alerts raised by the workers per hour (countries with a firing surge rule: the "
            "table above).",
            [
                Query(
                    'sum by (severity) (rate(flashpoint_alerts_published_total{type="surge"}'
                    "[$__rate_interval])) * 3600",
                    "worker surge {{severity}}",
                ),
            ],
            unit=ALERTS_PER_HOUR,
        ),
        12,
        8,
    )
    lay.add(
        panel(
            "table",
            "Signals by country and kind, last 24h",
            "Counts per (country, kind) pair with at least one signal.",
            [
                Query(
                    f"sum by (country, kind) (increase({SIGNALS}[24h])) > 0",
                    instant=True,
                    table=True,
                )
            ],
        ),
        24,
        10,
    )
    return dashboard(
        "flashpoint-escalation",
        "Flashpoint / Escalation overview",
        "Where is escalation rising? Signals by country and kind, top countries, alerts, surges.",
        ["analysts"],
        lay,
        [
            variable("country", "Country", "label_values(flashpoint_escalation_signals_total, country)"),
            variable("kind", "Signal kind", "label_values(flashpoint_escalation_signals_total, kind)"),
        ],
    )


DASHBOARDS = {
    "pipeline-health.json": pipeline_health,
    "escalation-overview.json": escalation_overview,
}


def render() -> dict[str, str]:
    return {name: json.dumps(build(), indent=2, sort_keys=False) + "\n" for name, build in DASHBOARDS.items()}


def main() -> int:
    DASHBOARD_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (DASHBOARD_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {DASHBOARD_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
