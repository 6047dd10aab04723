"""The worker's loaded resources, built once when the worker imports its agents."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from flashpoint.service.logs import configure_logging
from flashpoint.service.worker import WorkerContext
from streams.app import settings

configure_logging(settings)
context = WorkerContext.build(settings)
# One analysis thread: spaCy work leaves the event loop (heartbeats, /metrics) responsive.
analysis_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analysis")
