"""The ``flashpoint`` command, and the composition root for command-line use: it reads
:class:`Settings` once and passes them down. The Faust worker is imported lazily (only
``flashpoint worker`` needs it).

Every error reaches the user as one line on stderr and a documented exit code (:class:`ExitCode`);
a traceback appears only with ``flashpoint --debug``. :class:`FlashpointGroup` does that for every
command, so a command raises (:class:`FlashpointError` and its kinds) rather than printing.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from flashpoint.analysis.models import SEVERITIES
from flashpoint.cli_eval import eval_app
from flashpoint.errors import FlashpointError, ServiceUnreachableError
from flashpoint.settings import Settings

# One paragraph a line: typer keeps the line breaks of a help text.
HELP = "\n\n".join((
    "flashpoint watches the news for conflict escalation. A worker reads articles from a Kafka topic, "
    "tags their countries, provinces and topics, finds escalation signals (troops fleeing across a border, "
    "mobilization, towns seized, consulates closed, air strikes threatened) and writes one explained alert "
    "per story to Redis, within a second.",
    "Try it: 'flashpoint demo' runs everything on embedded defaults; 'flashpoint analyze FILE' analyses "
    "a story offline. Run it for real: 'flashpoint dev up', 'flashpoint worker', 'flashpoint produce FILE', "
    "'flashpoint tail'.",
    "Exit codes: 0 done, 1 failed, 2 wrong usage, 3 some input rejected (named by file and line), "
    "4 input unreadable (nothing was done), 5 broker or Redis unreachable. 'flashpoint --debug COMMAND' "
    "shows the traceback of an error.",
))

# The order a user meets the commands in; a command not listed comes after these.
COMMAND_ORDER = ("demo", "analyze", "dev", "worker", "produce", "ingest", "tail", "api", "eval")


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # an unexpected error (a bug: --debug shows it), or a failure not listed below
    USAGE = 2  # an unknown option or a missing argument (click's code)
    REJECTED = 3  # some messages rejected, each named by file and line; the others went through
    BAD_INPUT = 4  # a named path cannot be read as articles: nothing was analysed or sent
    UNREACHABLE = 5  # the broker or Redis does not answer


def error_line(message: str) -> None:
    """One line on stderr, whatever the message holds (rich would wrap it to the terminal)."""
    typer.echo(typer.style("error: ", fg="red", bold=True) + " ".join(message.split()), err=True)


def _exit_code(error: FlashpointError) -> ExitCode:
    from flashpoint.service.ingest.files import InputError

    if isinstance(error, InputError):
        return ExitCode.BAD_INPUT
    if isinstance(error, ServiceUnreachableError):
        return ExitCode.UNREACHABLE
    return ExitCode.FAILED


class FlashpointGroup(TyperGroup):
    """The root command: subcommands in the order a user meets them, every error one line."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = list(self.commands)
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), names.index(n)))

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
        standalone_mode: bool = True, **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        code = _run_reporting_errors(
            lambda: super(FlashpointGroup, self).main(
                args=argv, prog_name="flashpoint", complete_var=complete_var,
                standalone_mode=False, **extra,
            ),
            debug="--debug" in argv,
        )
        if standalone_mode:
            sys.exit(code)
        return code


def _run_reporting_errors(run: Callable[[], Any], *, debug: bool) -> int:
    try:
        result = run()
    except typer.TyperException as e:  # click's exceptions, as typer vendors click
        ctx = getattr(e, "ctx", None)
        if type(e).__name__ == "NoArgsIsHelpError":  # the help was printed as it was raised
            return ExitCode.OK
        hint = f" (`{ctx.command_path} --help`)" if ctx is not None else ""
        error_line(e.format_message() + hint)
        return int(getattr(e, "exit_code", ExitCode.USAGE))
    except typer.Abort:
        return 130
    except FlashpointError as e:
        if debug:
            raise
        from flashpoint.service.ingest.files import InputError

        for problem in e.problems if isinstance(e, InputError) else (str(e),):
            error_line(problem)
        return _exit_code(e)
    except Exception as e:
        if debug:
            raise
        return _report_unexpected(e)
    return result if isinstance(result, int) else ExitCode.OK


def _report_unexpected(error: Exception) -> int:
    """Broker and Redis failures that escaped a command are infrastructure, not bugs."""
    from kafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import RedisError

    if isinstance(error, (KafkaConnectionError, KafkaTimeoutError, RedisConnectionError)):
        error_line(f"{'Kafka' if isinstance(error, KafkaError) else 'Redis'} does not answer: {error}")
        return ExitCode.UNREACHABLE
    if isinstance(error, (KafkaError, RedisError)):
        error_line(f"{'Kafka' if isinstance(error, KafkaError) else 'Redis'} failed: {type(error).__name__}: {error}")
        return ExitCode.FAILED
    error_line(f"unexpected {type(error).__name__}: {error} (a bug; 'flashpoint --debug ...' shows where)")
    return ExitCode.FAILED


app = typer.Typer(cls=FlashpointGroup, add_completion=False, no_args_is_help=True, help=HELP,
                  pretty_exceptions_enable=False)
ingest_app = typer.Typer(no_args_is_help=True, help="Ingest feeds, pages and archives into Kafka.")
dev_app = typer.Typer(no_args_is_help=True, help="A local broker and Redis for a real worker, without Docker.")
app.add_typer(eval_app, name="eval")
app.add_typer(ingest_app, name="ingest")
app.add_typer(dev_app, name="dev")
console = Console(stderr=True)
out = Console()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")] = False,
) -> None:
    pass  # --debug is read in FlashpointGroup.main, before any command runs


def _fail(message: str, code: int = ExitCode.FAILED) -> typer.Exit:
    error_line(message)
    return typer.Exit(code)


def require_broker(settings: Settings, *, timeout: float = 1.0) -> None:
    """Fail at once, naming the ways to get a broker, when none answers (kafka-python would retry
    for about 30 s and then print a traceback)."""
    from flashpoint.devenv.broker import port_open
    from flashpoint.service.producer import bootstrap_servers

    servers = bootstrap_servers(settings.broker_url)
    for server in servers:
        host, _, port = server.rpartition(":")
        if port.isdigit() and port_open(host.strip("[]") or "127.0.0.1", int(port), timeout=timeout):
            return
    raise ServiceUnreachableError(
        f"no Kafka broker answers at {', '.join(servers)} (FLASHPOINT_BROKER_URL): "
        "`flashpoint dev up` starts one here, `docker compose up` starts the whole stack"
    )


@contextmanager
def _progress(description: str, total: float | None) -> Iterator[Callable[[float], None]]:
    """A progress bar on stderr when it is a terminal; ``advance(n)`` moves it."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    bar = Progress(TextColumn(f"[bold]{description}[/]"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                   TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True,
                   disable=not console.is_terminal)
    with bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def _rejected_line(where: str, reason: str, detail: str, then: str = "") -> None:
    typer.echo(typer.style("rejected ", fg="yellow") + f"{where} ({reason}): {' '.join(detail.split())}{then}",
               err=True)


# --- commands ----------------------------------------------------------------------------------


@app.command()
def analyze(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or '-' for stdin.")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Read JSONL articles (id, text|html, ...).")] = False,
    pretty: Annotated[bool, typer.Option("--pretty", help="Indent the JSON.")] = False,
    with_text: Annotated[bool, typer.Option("--with-text/--no-text", help="Include cleaned_text.")] = True,
) -> None:
    """Analyse articles offline (no broker, no Redis) and print one JSON analysis per article."""
    from flashpoint.analysis.analyzer import Analyzer
    from flashpoint.errors import InvalidArticleError
    from flashpoint.service.ingest.files import Rejected, collect_inputs, read_messages
    from flashpoint.service.pipeline import utcnow
    from flashpoint.service.worker import load_analyzer

    settings = Settings()
    sources = collect_inputs(paths, jsonl=jsonl, stdin=sys.stdin.buffer)
    analyzer: Analyzer | None = None  # loaded for the first valid article only: it takes seconds
    rejected = 0
    for source in sources:
        for item in read_messages(source, max_bytes=settings.max_article_bytes):
            if isinstance(item, Rejected):
                rejected += 1
                _rejected_line(item.where, item.reason, item.detail)
                continue
            analyzer = analyzer or load_analyzer(settings)
            try:
                result = analyzer.analyze(item.article, utcnow()).to_dict()
            except InvalidArticleError as e:  # text that is not language
                rejected += 1
                _rejected_line(item.where, e.reason, e.detail)
                continue
            if not with_text:
                result.pop("cleaned_text", None)
            out.print_json(data=result, indent=2) if pretty else print(json.dumps(result, ensure_ascii=False))
    if rejected:
        raise typer.Exit(ExitCode.REJECTED)


@app.command()
def worker(
    loglevel: Annotated[str, typer.Option("--loglevel", "-l")] = "info",
) -> None:
    """Run the Faust worker (agents analyze_articles, publish_alerts, detect_surges)."""
    settings = Settings()
    require_broker(settings)
    from agents.worker import run_worker

    try:
        run_worker(settings, loglevel)
    except FlashpointError as e:
        raise _fail(str(e)) from e


@app.command()
def produce(
    paths: Annotated[list[str], typer.Argument(help="Text, HTML, JSON or JSONL files or folders, or '-'.")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Read every file as JSONL.")] = False,
    topic: Annotated[str | None, typer.Option(help="Topic (default: the raw articles topic).")] = None,
    loop: Annotated[int, typer.Option(help="Send everything this many times.")] = 1,
) -> None:
    """Send articles to the worker's topic (articles.raw); what the worker would reject is dead-lettered here.

    A message that is not JSON, is over FLASHPOINT_MAX_ARTICLE_BYTES or has no text goes to the
    dead-letter topic at once, named by file and line, and the command exits with code 3.
    """
    from flashpoint.service.ingest.files import collect_inputs, send_files
    from flashpoint.service.producer import ArticleProducer, ensure_topics

    settings = Settings()
    sources = collect_inputs(paths, jsonl=jsonl, stdin=sys.stdin.buffer)
    require_broker(settings)
    ensure_topics(settings)
    dead = settings.topic_dead
    with ArticleProducer(settings, topic=topic) as producer, \
            _progress("producing", sum(s.size for s in sources) * loop or None) as advance:
        sent, rejected = send_files(
            producer, settings, sources, loop=loop, advance=advance,
            on_rejected=lambda r: _rejected_line(r.where, r.reason, r.detail, f"; dead-lettered to {dead}"),
        )
    if sent or not rejected:  # each rejection had its own line
        typer.echo(f"sent {sent} message(s) to {topic or settings.topic_raw}", err=True)
    if rejected:
        raise typer.Exit(ExitCode.REJECTED)


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
        # Wrong usage, like an unknown option: exit 2 with the help named, before touching Redis.
        raise typer.BadParameter(f"must be one of {', '.join(SEVERITIES[:-1])}", param_hint="'--min-severity'")
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


# --- dev: a broker and Redis for a real worker --------------------------------------------------

DevStateOpt = Annotated[Path, typer.Option("--state-dir", help="Where dev up records what it started.")]
DEV_STATE_DIR = Path(".flashpoint/dev")


@dev_app.command("up")
def dev_up(state_dir: DevStateOpt = DEV_STATE_DIR) -> None:
    """Start a Tansu broker and a Redis (unless one answers) in the background; print the settings.

    The settings go to stdout as shell lines: eval "$(flashpoint dev up)" sets them.
    """
    from flashpoint.devenv.stack import start_stack

    stack = start_stack(Settings(), state_dir, say=lambda line: typer.echo(line, err=True))
    for line in stack.exports():
        typer.echo(line)
    typer.echo("next: flashpoint worker; then flashpoint produce FILE and flashpoint tail; "
               "flashpoint dev down stops them", err=True)


@dev_app.command("down")
def dev_down(state_dir: DevStateOpt = DEV_STATE_DIR) -> None:
    """Stop the broker and Redis that dev up started (never a Redis it found running)."""
    from flashpoint.devenv.stack import stop_stack

    if not stop_stack(state_dir, say=lambda line: typer.echo(line, err=True)):
        typer.echo(f"nothing to stop: no running dev environment recorded in {state_dir}", err=True)


@dev_app.command("status")
def dev_status(state_dir: DevStateOpt = DEV_STATE_DIR) -> None:
    """Say whether dev up's broker and Redis run, and print their settings again."""
    from flashpoint.devenv.stack import read_stack

    stack = read_stack(state_dir)
    if stack is None or not stack.running():
        raise _fail(f"not running: {'nothing recorded' if stack is None else 'partly stopped'} in {state_dir} "
                    "(flashpoint dev up starts it)", ExitCode.UNREACHABLE)
    for line in stack.exports():
        typer.echo(line)


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
    require_broker(settings)
    # SIGTERM (docker stop, Kubernetes) ends the run after the poll cycle in progress, which
    # records what it sent: nothing goes out twice after a restart.
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    try:
        ensure_topics(settings)
        stats = run_rss(
            settings, feeds, once=once, state_dir=state_dir or settings.ingest_state_dir,
            serve=(settings.ingest_web_bind, port) if port else None, stop=stop,
        )
    except FlashpointError as e:
        raise _fail(str(e)) from e
    if json_logs:
        logging.getLogger("flashpoint.ingest").info("ingest finished", extra={"stats": stats.as_dict()})
    else:
        _print_ingest_stats(stats)
    if once and stats.feeds_polled and stats.feeds_failed == stats.feeds_polled:
        raise _fail(f"every feed failed ({stats.feeds_failed} of {stats.feeds_polled})", code=ExitCode.REJECTED)


@ingest_app.command("dir")
def ingest_dir(
    path: Path,
    rate: Annotated[str | None, typer.Option(help="e.g. 100/s or 6000/m")] = None,
    source: Annotated[str | None, typer.Option(help="'source' for .txt/.html files")] = None,
) -> None:
    """Backfill articles.raw from .txt/.html/.json/.jsonl(.gz) files under PATH."""
    from flashpoint.service.ingest import parse_rate, run_dir
    from flashpoint.service.ingest.archive import archive_files, archive_kind
    from flashpoint.service.ingest.files import InputError
    from flashpoint.service.producer import ensure_topics

    settings = Settings()
    if not path.exists():
        raise InputError([f"{path}: no such file or folder"])
    if not any(archive_kind(f) for f in archive_files(path)):
        raise InputError([f"{path}: no article files (.txt, .html, .json, .jsonl, or those gzipped)"])
    require_broker(settings)
    try:
        per_second = parse_rate(rate) if rate else None
        ensure_topics(settings)
        stats = run_dir(settings, path, rate=per_second, progress=console.is_terminal, source=source, console=console)
    except FlashpointError as e:
        raise _fail(str(e)) from e
    _print_ingest_stats(stats)
    if stats.rejected or stats.files_failed:
        raise typer.Exit(ExitCode.REJECTED)


def main() -> None:
    from flashpoint.settings import shadowing_folder

    shadow = shadowing_folder()
    if shadow is not None:
        # Everything still imports from the installed package; say why `import flashpoint` in
        # this folder shows something else, before someone chases it.
        console.print(f"[yellow]note:[/] the folder {shadow} shadows the installed flashpoint package "
                      "(flashpoint.__init__ is not run from here); the installed modules are used",
                      soft_wrap=True)  # a path cut at the console width cannot be copied back
    app()


if __name__ == "__main__":
    main()
