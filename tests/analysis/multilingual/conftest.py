"""One set of language packs for every multilingual test (building them takes a few seconds each)."""

from __future__ import annotations

import pytest

from flashpoint.analysis.multilingual.pack import Multilingual
from flashpoint.analysis.regions import RegionTagger


@pytest.fixture(scope="session")
def multilingual() -> Multilingual:
    return Multilingual(RegionTagger(None).knowledge)
