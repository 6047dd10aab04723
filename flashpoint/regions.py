"""Region tagging (placeholder interface; issue 4 replaces the body)."""

from __future__ import annotations

from typing import Any

from flashpoint.models import RegionTags


class RegionTagger:
    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp

    def tag(self, text: str) -> RegionTags:
        return RegionTags()
