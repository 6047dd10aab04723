"""Every change flashpoint makes to Faust's and aiokafka's internals, installed by one call.

Each patch is here because the library, as released, loses an article, stalls a worker or adds
a second of latency against Tansu (the reasons are on each patch, measurements in
``docs/operations.md``). They replace private methods, so they are tied to the library versions
they were written against: :func:`install` checks the installed versions first and refuses to
start on others, saying which are supported, instead of patching code it has never seen.

Nothing is patched at import time. The worker's entry point calls :func:`install` once, with its
settings, before it builds the Faust app; tests call :func:`uninstall` to get the originals back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from aiokafka.client import AIOKafkaClient
from faust.transport import consumer as faust_consumer
from faust.transport.drivers import aiokafka as faust_aiokafka

from flashpoint.errors import FlashpointError
from flashpoint.settings import Settings
from streams.offsets import no_gap_filling, strict_new_offset

# Distribution -> the release series the patches were written and tested against.
SUPPORTED: Mapping[str, str] = {"faust-streaming": "0.15.3", "aiokafka": "0.14"}


class UnsupportedLibraryError(FlashpointError):
    """Faust or aiokafka is a version whose internals the patches were not written for."""


@dataclass(frozen=True)
class Patch:
    owner: type
    name: str
    why: str


PATCHES: tuple[Patch, ...] = (
    Patch(faust_aiokafka.AIOKafkaConsumerThread, "_create_worker_consumer",
          "Faust hard-codes fetch_max_wait_ms=1500 and Tansu holds an empty fetch for the whole wait"),
    Patch(faust_consumer.Consumer, "_new_offset",
          "commits never pass an offset the agent did not finish (streams/offsets.py)"),
    Patch(faust_consumer.Consumer, "_add_gap",
          "offsets missing from a fetch are not counted as processed (streams/offsets.py)"),
    Patch(AIOKafkaClient, "_wait_on_metadata",
          "aiokafka forgets the metadata of a topic it never had to look up; a batch for it then "
          "waits forever for a leader"),
)
_originals: dict[tuple[type, str], Any] = {}


def installed_versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in SUPPORTED}


def check_versions(installed: Mapping[str, str] | None = None) -> None:
    """Raise :class:`UnsupportedLibraryError` unless every library is a supported version."""
    versions = dict(installed) if installed is not None else installed_versions()
    wrong = {name: v for name, v in versions.items() if not _matches(v, SUPPORTED[name])}
    if wrong:
        have = ", ".join(f"{name} {v}" for name, v in sorted(wrong.items()))
        want = ", ".join(f"{name} {series}" for name, series in SUPPORTED.items())
        raise UnsupportedLibraryError(
            f"flashpoint patches Faust and aiokafka internals and supports {want} only; installed: "
            f"{have}. Install the supported versions (pip install -e .), or review streams/patches.py "
            "against the new release before changing SUPPORTED."
        )


def _matches(version: str, series: str) -> bool:
    return version == series or version.startswith(series + ".")


def install(settings: Settings) -> None:
    """Check the library versions, then apply every patch (again: a no-op)."""
    check_versions()
    replacements = _replacements(settings)
    for patch in PATCHES:
        key = (patch.owner, patch.name)
        _originals.setdefault(key, patch.owner.__dict__[patch.name])
        setattr(patch.owner, patch.name, replacements[patch.name])


def uninstall() -> None:
    """Put the libraries' own methods back (tests)."""
    for (owner, name), original in _originals.items():
        setattr(owner, name, original)
    _originals.clear()


def is_installed() -> bool:
    return any(owner.__dict__[name] is not original for (owner, name), original in _originals.items())


def _replacements(settings: Settings) -> dict[str, Callable[..., Any]]:
    original_consumer = _originals.get(
        (faust_aiokafka.AIOKafkaConsumerThread, "_create_worker_consumer"),
        faust_aiokafka.AIOKafkaConsumerThread.__dict__["_create_worker_consumer"],
    )
    original_wait = _originals.get(
        (AIOKafkaClient, "_wait_on_metadata"), AIOKafkaClient.__dict__["_wait_on_metadata"]
    )
    fetch_max_wait_ms = settings.consumer_fetch_max_wait_ms

    def _create_worker_consumer(self: Any, transport: Any) -> Any:
        """Tansu holds an empty fetch for the whole ``fetch_max_wait_ms`` even when a record
        arrives meanwhile, so with Faust's 1,500 ms every hop of the pipeline added up to 1.5 s."""
        consumer = original_consumer(self, transport)
        consumer._fetch_max_wait_ms = fetch_max_wait_ms
        return consumer

    async def _wait_on_metadata(self: Any, topic: str) -> Any:
        """Track every topic this client sends to, as the Java client does.

        aiokafka adds a topic to the metadata it asks for only when the topic is missing. A topic
        known from the all-topics answer at bootstrap (``articles.analyzed``, created before the
        worker started) is therefore never tracked. Once another topic is (the surge topics,
        created later), every metadata answer lists only the tracked ones and replaces the
        cluster view, so the untracked topic's partitions vanish; a batch for it that is waiting
        at that moment has no leader, and the sender asks for metadata in a tight loop until the
        batch expires (20 minutes under Faust). That was the "worker stalls after start-up"."""
        self._topics.add(topic)
        return await original_wait(self, topic)

    return {
        "_create_worker_consumer": _create_worker_consumer,
        "_new_offset": strict_new_offset,
        "_add_gap": no_gap_filling,
        "_wait_on_metadata": _wait_on_metadata,
    }
