"""The worker's entry point: ``flashpoint worker`` calls :func:`run_worker`.

Everything a worker needs is built here, explicitly and in order, instead of as a side effect
of importing modules: the library patches (checked against the installed versions), the worker
context (spaCy model, gazetteer, Redis sink, metrics), the Faust app with its topics and table,
and the agents, timers and web views registered on it.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import faust
from faust.types import AgentT
from prometheus_client import REGISTRY, CollectorRegistry

from agents import analyze, housekeeping, offsets, publish, publishers, surge, web
from flashpoint.service.health import Readiness
from flashpoint.service.logs import configure_logging, show_worker_banner, worker_logging_config
from flashpoint.service.metrics import disable_created_series
from flashpoint.service.worker import WorkerContext
from flashpoint.settings import Settings
from streams import patches
from streams.app import build_app
from streams.tables import declare_signal_counts
from streams.topics import Topics, declare_topics


@dataclass
class Worker:
    """A built, not yet running worker: the app and everything registered on it."""

    app: faust.App
    context: WorkerContext
    topics: Topics
    signal_counts: Any
    agents: dict[str, AgentT[bytes]]
    readiness: Readiness
    executor: ThreadPoolExecutor


def build_worker(settings: Settings, *, registry: CollectorRegistry = REGISTRY,
                 context: WorkerContext | None = None) -> Worker:
    """Patch the libraries, load the context and register every agent on a new app."""
    patches.install(settings)
    context = context or WorkerContext.build(settings, registry)
    app = build_app(settings)
    topics = declare_topics(app, settings)
    signal_counts = declare_signal_counts(app, settings)
    # One analysis thread: spaCy work leaves the event loop (heartbeats, /metrics) responsive.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analysis")
    agents = {
        "analyze_articles": analyze.register(app, topics, context, executor),
        "publish_alerts": publish.register(app, topics, context),
        "detect_surges": surge.register(app, topics, signal_counts, context),
    }
    offsets.register(app)
    housekeeping.register(app, context)
    publishers.register(app, context)
    readiness = web.register(app, context)
    return Worker(app, context, topics, signal_counts, agents, readiness, executor)


def install_event_loop(settings: Settings) -> None:
    """Make every event loop the worker creates from now on (Faust's, and the one its consumer
    thread runs aiokafka on) a uvloop loop, unless ``FLASHPOINT_EVENT_LOOP=asyncio``."""
    if settings.event_loop == "uvloop":
        import uvloop  # only where it is wanted: the library has no wheel on some platforms

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    else:
        asyncio.set_event_loop_policy(asyncio.DefaultEventLoopPolicy())


def run_worker(settings: Settings, loglevel: str = "info") -> None:
    """Build the worker and run it until it is stopped (SIGTERM, SIGINT)."""
    configure_logging(settings)
    install_event_loop(settings)
    disable_created_series()
    worker = build_worker(settings)
    # One log stream: Faust's records through our handler (JSON off a terminal), and its banner
    # only for a person at a terminal.
    runner = faust.Worker(
        worker.app, loglevel=loglevel, redirect_stdouts=False, quiet=not show_worker_banner(settings),
        logging_config=worker_logging_config(settings, level=loglevel),
    )
    # Faust's start-up spinner sets the root logger to DEBUG (to spin on every record) when the
    # level is WARN or above: every library debug record was then built and handled, a measurable
    # share of the worker's CPU. Plain log lines are all we want from a service anyway.
    runner.spinner = None
    runner.execute_from_commandline()
