"""The worker's entry point: ``flashpoint worker`` calls :func:`run_worker`."""

from __future__ import annotations

import sys


def run_worker(loglevel: str = "info") -> None:
    """Register every agent on the Faust app and run the worker until it is stopped."""
    import agents  # noqa: F401 - registers the agents, timers and web views
    from streams.app import app

    sys.argv = [sys.argv[0], "worker", "--loglevel", loglevel]
    app.main()
