"""Topic tagging (placeholder interface; issue 6 replaces the body)."""

from __future__ import annotations

from flashpoint.models import Topic


class TopicTagger:
    def tag(self, text: str, title: str | None = None) -> tuple[Topic, ...]:
        return ()
