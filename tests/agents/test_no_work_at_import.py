"""Importing the Faust wiring does no work: no settings read, no spaCy model, no connection, no
patch of Faust or aiokafka. The worker's entry point does all of that, explicitly.

Each check runs in a fresh interpreter, so what other tests imported cannot hide an import-time
side effect.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Records every socket connect and the functions the patches would replace, before the imports.
PROBE = """
import gc, json, socket, sys
connects = []
for name in ("connect", "connect_ex"):
    original = getattr(socket.socket, name)
    def recording(self, address, _original=original):
        connects.append(repr(address))
        return _original(self, address)
    setattr(socket.socket, name, recording)
import aiokafka.client, faust.transport.consumer, faust.transport.drivers.aiokafka
PATCHED = [(faust.transport.drivers.aiokafka.AIOKafkaConsumerThread, "_create_worker_consumer"),
           (faust.transport.consumer.Consumer, "_new_offset"),
           (faust.transport.consumer.Consumer, "_add_gap"),
           (aiokafka.client.AIOKafkaClient, "_wait_on_metadata")]
before = {f"{o.__name__}.{n}": o.__dict__[n] for o, n in PATCHED}
import pydantic_settings
settings_read = []
original_init = pydantic_settings.BaseSettings.__init__
def recording_init(self, *a, **k):
    settings_read.append(type(self).__name__)
    original_init(self, *a, **k)
pydantic_settings.BaseSettings.__init__ = recording_init
for module in sys.argv[1:]:
    __import__(module)
models = []
if "spacy" in sys.modules:
    from spacy.language import Language
    models = [type(o).__name__ for o in gc.get_objects() if isinstance(o, Language)]
print(json.dumps({
    "spacy_imported": "spacy" in sys.modules,
    "models": models,
    "connects": connects,
    "settings_read": settings_read,
    "patched": sorted(f"{o.__name__}.{n}" for o, n in PATCHED if o.__dict__[n] is not before[f"{o.__name__}.{n}"]),
    "faust_apps": sum(1 for o in gc.get_objects() if type(o).__name__ == "App"),
}))
"""

WIRING = ["streams.app", "streams.topics", "streams.tables", "streams.patches", "streams.offsets",
          "streams.delivery", "streams.events"]
AGENTS = ["agents", "agents.analyze", "agents.publish", "agents.surge", "agents.offsets",
          "agents.publishers", "agents.web", "agents.housekeeping", "agents.worker"]


def import_effects(*modules: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, *modules], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def streams_app_and_agents() -> dict[str, object]:
    return import_effects("streams.app", "agents")


@pytest.fixture(scope="module")
def every_wiring_module() -> dict[str, object]:
    return import_effects(*WIRING, *AGENTS)


def test_importing_streams_app_and_agents_does_not_even_import_spacy(streams_app_and_agents: dict[str, object]) -> None:
    assert streams_app_and_agents["spacy_imported"] is False


def test_importing_streams_app_and_agents_reads_no_settings(streams_app_and_agents: dict[str, object]) -> None:
    assert streams_app_and_agents["settings_read"] == []


def test_importing_every_agent_and_stream_module_loads_no_spacy_model(every_wiring_module: dict[str, object]) -> None:
    assert every_wiring_module["models"] == []


def test_importing_every_agent_and_stream_module_opens_no_connection(every_wiring_module: dict[str, object]) -> None:
    assert every_wiring_module["connects"] == []


def test_importing_every_agent_and_stream_module_patches_nothing(every_wiring_module: dict[str, object]) -> None:
    assert every_wiring_module["patched"] == []


def test_importing_every_agent_and_stream_module_builds_no_app_and_reads_no_settings(
    every_wiring_module: dict[str, object],
) -> None:
    assert (every_wiring_module["faust_apps"], every_wiring_module["settings_read"]) == (0, [])
