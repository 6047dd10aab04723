"""Progress of the evaluations' long loops, for the command line's progress bars.

A loop names its stage and items with :func:`track`; whoever runs the evaluation decides whether
and how to show it, with :func:`observing`. Without an observer (tests, scripts, a pipe) ``track``
is a plain iteration, so the evaluations stay free of any display code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from rich.console import Console

T = TypeVar("T")
# Called when a stage starts, with its name and item count; returns the per-item callback.
StartStage = Callable[[str, int], Callable[[], None]]

_observer: ContextVar[StartStage | None] = ContextVar("flashpoint_eval_progress", default=None)


def track(items: Iterable[T], stage: str) -> Iterator[T]:
    """``items``, reporting each one done to the current observer, if any."""
    start = _observer.get()
    if start is None:
        yield from items
        return
    listed = items if isinstance(items, Sequence) else list(items)
    done = start(stage, len(listed))
    for item in listed:
        yield item
        done()


@contextmanager
def observing(start: StartStage) -> Iterator[None]:
    """Report the stages of evaluations run inside this block to ``start``."""
    token = _observer.set(start)
    try:
        yield
    finally:
        _observer.reset(token)


@contextmanager
def bars_on(console: Console) -> Iterator[None]:
    """A rich bar for the running stage, on ``console`` when it is a terminal (else nothing)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if not console.is_terminal:
        yield
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=console, transient=True)

    def start(stage: str, total: int) -> Callable[[], None]:
        for task in bar.task_ids:  # one bar at a time: the finished stage gives way
            bar.update(task, visible=False)
        task = bar.add_task(stage, total=total)
        return lambda: bar.advance(task)

    with bar, observing(start):
        yield
