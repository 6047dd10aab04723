"""``flashpoint eval``: quality figures on the public datasets and the multilingual stories.

Offline and slow (minutes), and about the analysis, not the service: kept apart from the
commands that run the pipe (flashpoint/cli.py registers this group). Errors are raised, and
:class:`flashpoint.cli.FlashpointGroup` turns them into one line and an exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from flashpoint.settings import Settings

eval_app = typer.Typer(no_args_is_help=True, help="Quality figures on the public datasets (FLASHPOINT_DATASETS) "
                       "and the multilingual stories.")
console = Console(stderr=True)

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
    from flashpoint.service.ingest.files import InputError

    folder = option if option is not None else Settings().datasets
    if not folder.is_dir():
        raise InputError([f"no datasets folder at {folder}: set FLASHPOINT_DATASETS or pass --datasets"])
    return folder / "datasets" if (folder / "datasets").is_dir() else folder


def _eval_progress() -> Any:
    from flashpoint.tools.eval.progress import bars_on

    return bars_on(console)


@eval_app.command("regions")
def eval_regions(datasets: DatasetsOpt = None, limit: LimitOpt = None) -> None:
    """LGL per-article country/ADM1 P/R/F1 and GeoVirus accuracy within 161 km."""
    from flashpoint.tools.eval.regions import print_region_report, run_region_eval

    folder = _datasets_folder(datasets)
    with _eval_progress():
        report = run_region_eval(folder, limit)
    print_region_report(report)


@eval_app.command("escalation")
def eval_escalation(datasets: DatasetsOpt = None, limit: LimitOpt = None) -> None:
    """Per-kind precision/recall on PLOVER gold records, the canonical example, the regression
    stories and the development set."""
    from flashpoint.tools.eval.escalation import print_escalation_report, run_escalation_eval

    folder = _datasets_folder(datasets)
    with _eval_progress():
        report = run_escalation_eval(folder, limit)
    print_escalation_report(report)


@eval_app.command("topics")
def eval_topics(datasets: DatasetsOpt = None, limit: LimitOpt = None) -> None:
    """AG News 4-class accuracy and BBC politics F1."""
    from flashpoint.tools.eval.topics import print_topic_report, run_topic_eval

    folder = _datasets_folder(datasets)
    with _eval_progress():
        report = run_topic_eval(folder, limit)
    print_topic_report(report)


@eval_app.command("multilingual")
def eval_multilingual(
    stories: Annotated[Path | None, typer.Option("--stories", help="Folder of <lang>/*.yaml stories.")] = None,
    errors: Annotated[bool, typer.Option("--errors", help="List every story whose analysis differs.")] = False,
) -> None:
    """Per-language signal, country and subdivision P/R/F1 on the es/fr/ru/uk/ar stories."""
    from flashpoint.tools.eval.multilingual import print_multilingual_report, run_multilingual_eval

    print_multilingual_report(run_multilingual_eval(stories), errors=errors)
