"""Ingest failures that the CLI reports to the operator instead of a traceback."""

from __future__ import annotations

from flashpoint.errors import FlashpointError


class IngestError(FlashpointError):
    """Base of failures that stop an ingest run (bad configuration, unusable state directory)."""


class FeedConfigError(IngestError):
    """The feeds file or a feed argument is unusable; the message names the file and the entry."""


class RateParseError(IngestError):
    """A ``--rate`` value is not of the form ``N/s``, ``N/m`` or ``N/h``."""


class StateStoreError(IngestError):
    """The seen-id store cannot be opened or written; ingesting without it would resend items."""
