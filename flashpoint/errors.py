"""One exception tree, so callers can catch flashpoint's own failures apart from bugs."""

from __future__ import annotations


class FlashpointError(Exception):
    """Base of every error flashpoint raises on purpose."""


class InvalidArticleError(FlashpointError):
    """A raw message cannot be analysed; ``reason`` is a bounded label for metrics."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class LexiconError(FlashpointError):
    """A rule or gazetteer file is malformed; the message names file, line and reason."""


class ModelMissingError(FlashpointError):
    """The spaCy model package is not installed."""


class BrokerStartError(FlashpointError):
    """The embedded Kafka-protocol broker could not be started."""


class ServiceUnreachableError(FlashpointError):
    """A broker or Redis the command needs does not answer (the CLI exits with code 5)."""
