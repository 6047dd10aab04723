"""The ``flashpoint`` command: demo, worker, produce, analyze, tail, eval, ingest.

This module is the composition root for command-line use: it reads :class:`Settings` once and
passes them down. The Faust worker is imported lazily (only ``flashpoint worker`` needs it).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from flashpoint.analysis.models import SEVERITIES
from flashpoint.errors import FlashpointError
from flashpoint.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
eval_app = typer.Typer(no_args_is_help=True, help="Quality figures on the public datasets (FLASHPOINT_DATASETS).")
ingest_app = typer.Typer(no_args_is_help=True, help="Ingest feeds, pages and archives into Kafka.")
app.add_typer(eval_app, name="eval")
app.add_typer(ingest_app, name="ingest")
console = Console(stderr=True)
out = Console()

def _fail(message: str, code: int = 1) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


# --- reading articles from files ---------------------------------------------------------------


def iter_article_files(paths: list[str], *, jsonl: bool = False) -> Iterator[dict[str, Any] | bytes]:
    """Articles from text/HTML/JSON/JSONL files or stdin ('-'). JSONL lines that are not valid
    JSON are yielded as raw bytes, so the caller decides (analyze reports, produce dead-letters)."""
    for name in paths:
        if name == "-":
            data = sys.stdin.read()
            if jsonl:
                yield from _jsonl_records(data)
            else:
                yield {"id": "stdin", "text": data}
            continue
        path = Path(name)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            text = file.read_text(encoding="utf-8", errors="replace")
            if jsonl or file.suffix == ".jsonl":
                yield from _jsonl_records(text)
            elif file.suffix == ".json":
                obj = json.loads(text)
                yield from (obj if isinstance(obj, list) else [obj])
            elif file.suffix in (".html", ".htm"):
                yield {"id": file.stem, "html": text, "source": "file"}
            else:
                yield {"id": file.stem, "text": text, "source": "file"}


def _jsonl_records(data: str) -> Iterator[dict[str, Any] | bytes]:
    for line in data.splitlines():
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            yield line.encode("utf-8")
            continue
        yield obj if isinstance(obj, dict) else line.encode("utf-8")


# --- commands ----------------------------------------------------------------------------------


@app.command()
def analyze(
    paths: Annotated[list[str], typer.Argument(help="Files, directories or '-' for stdin.")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Read JSONL articles (id, text|html, ...).")] = False,
    pretty: Annotated[bool, typer.Option("--pretty", help="Indent the JSON.")] = False,
    with_text: Annotated[bool, typer.Option("--with-text/--no-text", help="Include cleaned_text.")] = True,
) -> None:
    """Analyse articles offline (no broker) and print one JSON analysis per article."""
    from flashpoint.analysis.analyzer import Analyzer
    from flashpoint.analysis.models import parse_raw_article
    from flashpoint.errors import InvalidArticleError
    from flashpoint.service.pipeline import utcnow

    settings = Settings()
    try:
        analyzer = Analyzer.load(
            settings.spacy_model,
            max_text_chars=settings.max_text_chars,
            source_profiles=settings.source_profiles,
            source_profile_min_articles=settings.source_profile_min_articles,
        )
    except FlashpointError as e:
        raise _fail(str(e)) from e
    failures = 0
    for item in iter_article_files(paths, jsonl=jsonl):
        try:
            article = parse_raw_article(item, max_bytes=settings.max_article_bytes)
        except InvalidArticleError as e:
            failures += 1
            console.print(f"[yellow]rejected[/] ({e.reason}): {e.detail}")
            continue
        try:
            result = analyzer.analyze(article, utcnow()).to_dict()
        except InvalidArticleError as e:  # text that is not language
            failures += 1
            console.print(f"[yellow]rejected[/] ({e.reason}): {e.detail}")
            continue
        if not with_text:
            result.pop("cleaned_text", None)
        out.print_json(data=result, indent=2) if pretty else print(json.dumps(result, ensure_ascii=False))
    if failures:
        raise typer.Exit(2)


@app.command()
def worker(
    loglevel: Annotated[str, typer.Option("--loglevel", "-l")] = "info",
) -> None:
    """Run the Faust worker (agents analyze_articles, publish_alerts, detect_surges)."""
    from agents.worker import run_worker

    run_worker(loglevel)


@app.command()
def produce(
    paths: Annotated[list[str], typer.Argument(help="Text, HTML, JSON or JSONL files/directories, or '-'.")],
    jsonl: Annotated[bool, typer.Option("--jsonl")] = False,
    topic: Annotated[str | None, typer.Option(help="Topic (default: the raw articles topic).")] = None,
    loop: Annotated[int, typer.Option(help="Send everything this many times.")] = 1,
) -> None:
    """Send articles to ``articles.raw`` with a progress bar."""
    from rich.progress import track

    from flashpoint.service.producer import ArticleProducer, ensure_topics

    settings = Settings()
    items = list(iter_article_files(paths, jsonl=jsonl))
    try:
        ensure_topics(settings)
        with ArticleProducer(settings, topic=topic) as producer:
            for _ in range(loop):
                for item in track(items, description="producing", console=console):
                    if isinstance(item, bytes):
                        producer.send_raw(item)
                    else:
                        producer.send(item)
    except FlashpointError as e:
        raise _fail(str(e)) from e
    console.print(f"sent {len(items) * loop} message(s) to {topic or settings.topic_raw}")


@app.command()
def tail(
    country: Annotated[list[str] | None, typer.Option("--country", "-c", help="ISO alpha-2; repeatable.")] = None,
    min_severity: Annotated[str | None, typer.Option("--min-severity", help="routine|urgent|flash")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", "-k", help="Signal kind; repeatable.")] = None,
    group: Annotated[str | None, typer.Option("--group", help="Consume as this durable consumer group.")] = None,
    consumer: Annotated[str, typer.Option("--consumer", help="Consumer name within --group.")] = "tail-1",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON alert per line.")] = False,
    from_start: Annotated[bool, typer.Option("--from-start", help="Replay the stream from its start.")] = False,
    count: Annotated[int | None, typer.Option(help="Stop after this many alerts.")] = None,
    timeout: Annotated[float | None, typer.Option(help="Stop after this many idle seconds.")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="One line per alert from a template: '{time} {severity} {country} {headline} {url}'."
    )] = None,
) -> None:
    """Follow alerts from Redis, with filters; ``--group`` acknowledges what it has shown."""
    from flashpoint.service.subscribe import AlertFilter, AlertTemplate, follow_alerts, render_alert_row

    if min_severity and min_severity not in SEVERITIES:
        raise _fail(f"--min-severity must be one of {', '.join(SEVERITIES[:-1])}")
    try:
        template = AlertTemplate.parse(fmt) if fmt is not None else None
    except FlashpointError as e:
        raise _fail(str(e)) from e
    settings = Settings()
    flt = AlertFilter(countries=tuple(country or ()), min_severity=min_severity, kinds=tuple(kind or ()))
    try:
        for alert in follow_alerts(
            settings, flt, group=group, consumer=consumer, from_start=from_start, count=count, idle_timeout=timeout
        ):
            if as_json:
                print(json.dumps(alert, ensure_ascii=False), flush=True)
            elif template is not None:
                print(template.render(alert), flush=True)
            else:
                out.print(render_alert_row(alert), soft_wrap=True)  # no breaks at 80 columns when piped
    except KeyboardInterrupt:
        pass
    except FlashpointError as e:
        raise _fail(str(e)) from e


@app.command()
def api(
    host: Annotated[str | None, typer.Option("--host", help="Bind address (FLASHPOINT_API_HOST).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (FLASHPOINT_API_PORT, 8080).")] = None,
) -> None:
    """Serve the subscriber API and the live page (OpenAPI at /openapi.json)."""
    from flashpoint.service.api.server import run_api

    run_api(Settings(), host=host, port=port)


@app.command()
def demo(
    duration: Annotated[float | None, typer.Option(help="Stop after this many seconds.")] = None,
    exit_when_done: Annotated[
        bool, typer.Option("--exit-when-done", help="Stop once every sample went through.")
    ] = False,
    keep: Annotated[bool, typer.Option("--keep", help="Keep the demo's Redis keys afterwards.")] = False,
) -> None:
    """The main job on embedded defaults: broker, Redis, worker, sample articles, alerts printed."""
    from flashpoint.devenv.demo import run_demo

    try:
        code = run_demo(
            Settings(), console=console, out=out, duration=duration, exit_when_done=exit_when_done, keep=keep
        )
    except FlashpointError as e:
        raise _fail(str(e)) from e
    raise typer.Exit(code)


# --- evaluations -------------------------------------------------------------------------------

DatasetsOpt = Annotated[
    Path | None,
    typer.Option(
        "--datasets", "--shared",
        help="The public datasets folder (default: FLASHPOINT_DATASETS, ../shared/datasets); "
        "the shared/ folder that holds it works too.",
    ),
]
LimitOpt = Annotated[int | None, typer.Option("--limit", help="Evaluate on about N items (a sample).")]


def _datasets_folder(option: Path | None) -> Path:
    folder = option if option is not None else Settings().datasets
    if not folder.is_dir():
        raise _fail(f"no datasets folder at {folder}: set FLASHPOINT_DATASETS or pass --datasets")
    return folder / "datasets" if (folder / "datasets").is_dir() else folder


@eval_app.command("regions")
def eval_regions(datasets: DatasetsOpt = None, limit: LimitOpt = None) -> None:
    """LGL per-article country/ADM1 P/R/F1 and GeoVirus accuracy within 161 km."""
    from flashpoint.tools.eval.regions import print_region_report, run_region_eval

    print_region_report(run_region_eval(_datasets_folder(datasets), limit))


@eval_app.command("escalation")
def eval_escalation(datasets: DatasetsOpt = None, limit: LimitOpt = None) -> None:
    """Per-kind precision/recall on PLOVER gold records and the canonical example."""
    from flashpoint.tools.eval.escalation import print_escalation_report, run_escalation_eval

    print_escalation_report(run_escalation_eval(_datasets_folder(datasets), limit))


@eval_app.command("topics")
def eval_topics(datasets: DatasetsOpt = None, limit: LimitOpt = None) -> None:
    """AG News 4-class accuracy and BBC politics F1."""
    from flashpoint.tools.eval.topics import print_topic_report, run_topic_eval

    print_topic_report(run_topic_eval(_datasets_folder(datasets), limit))


# --- ingest ------------------------------------------------------------------------------------


def _print_ingest_stats(stats: Any) -> None:
    from rich.table import Table

    table = Table(title="ingest")
    table.add_column("count")
    table.add_column("value", justify="right")
    for name, value in stats.as_dict().items():
        if name == "problems":
            for reason, n in value.items():
                table.add_row(f"problem: {reason}", str(n))
        elif value:
            table.add_row(name, str(value))
    console.print(table)


@ingest_app.command("rss")
def ingest_rss(
    feeds: Annotated[list[str], typer.Argument(help="Feed URLs and/or feeds YAML files.")],
    once: Annotated[bool, typer.Option("--once", help="Poll every feed once, then exit.")] = False,
    state_dir: Annotated[Path | None, typer.Option(help="Seen ids and feed validators.")] = None,
    web_port: Annotated[
        int | None, typer.Option(help="Serve /metrics and /healthz here (default: FLASHPOINT_INGEST_WEB_PORT; 0: off).")
    ] = None,
) -> None:
    """Poll RSS/Atom feeds into articles.raw (each item once, even across restarts).

    Runs until stopped, serving /metrics and /healthz; with --once it polls every feed once and
    exits 3 when every feed failed."""
    from flashpoint.service.ingest import run_rss
    from flashpoint.service.logs import configure_logging
    from flashpoint.service.producer import ensure_topics

    settings = Settings()
    json_logs = configure_logging(settings) == "json"
    port = settings.ingest_web_port if web_port is None and not once else (web_port or 0)
    try:
        ensure_topics(settings)
        stats = run_rss(
            settings, feeds, once=once, state_dir=state_dir or settings.ingest_state_dir,
            serve=(settings.ingest_web_bind, port) if port else None,
        )
    except FlashpointError as e:
        raise _fail(str(e)) from e
    if json_logs:
        logging.getLogger("flashpoint.ingest").info("ingest finished", extra={"stats": stats.as_dict()})
    else:
        _print_ingest_stats(stats)
    if once and stats.feeds_polled and stats.feeds_failed == stats.feeds_polled:
        raise _fail(f"every feed failed ({stats.feeds_failed} of {stats.feeds_polled})", code=3)


@ingest_app.command("dir")
def ingest_dir(
    path: Path,
    rate: Annotated[str | None, typer.Option(help="e.g. 100/s or 6000/m")] = None,
    source: Annotated[str | None, typer.Option(help="'source' for .txt/.html files")] = None,
) -> None:
    """Backfill articles.raw from .txt/.html/.json/.jsonl(.gz) files under PATH."""
    from flashpoint.service.ingest import parse_rate, run_dir
    from flashpoint.service.producer import ensure_topics

    settings = Settings()
    try:
        per_second = parse_rate(rate) if rate else None
        ensure_topics(settings)
        stats = run_dir(settings, path, rate=per_second, progress=console.is_terminal, source=source, console=console)
    except FlashpointError as e:
        raise _fail(str(e)) from e
    _print_ingest_stats(stats)
    if stats.rejected or stats.files_failed:
        raise typer.Exit(2)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
