"""The worker's entry point: ``flashpoint worker`` calls :func:`run_worker`."""

from __future__ import annotations

import faust


def run_worker(loglevel: str = "info") -> None:
    """Register every agent on the Faust app and run the worker until it is stopped."""
    import agents  # noqa: F401 - registers the agents, timers and web views
    from flashpoint.service.logs import show_worker_banner, worker_logging_config
    from flashpoint.service.metrics import disable_created_series
    from streams.app import app, settings

    disable_created_series()
    # One log stream: Faust's records through our handler (JSON off a terminal), and its banner
    # and spinner only for a person at a terminal.
    runner = faust.Worker(
        app, loglevel=loglevel, redirect_stdouts=False, quiet=not show_worker_banner(settings),
        logging_config=worker_logging_config(settings, level=loglevel),
    )
    if not show_worker_banner(settings):
        runner.spinner = None
    runner.execute_from_commandline()
