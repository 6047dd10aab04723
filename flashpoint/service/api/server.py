"""Running ``flashpoint api`` under uvicorn (one process; run more behind a load balancer)."""

from __future__ import annotations

import logging

import uvicorn

from flashpoint.service.api.app import create_app
from flashpoint.service.logs import RedactingFilter, configure_logging
from flashpoint.settings import Settings


def run_api(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    configure_logging(settings)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).addFilter(RedactingFilter())
    app = create_app(settings)
    uvicorn.run(
        app,
        host=host or settings.api_host,
        port=port or settings.api_port,
        access_log=False,  # AccessLog logs each request once, with the token's fingerprint only
        log_config=None,
        proxy_headers=False,
        timeout_graceful_shutdown=3,
    )
