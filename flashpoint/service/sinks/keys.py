"""Every Redis key and channel name flashpoint uses, built in one place.

``P`` is the configured prefix (``FLASHPOINT_REDIS_KEY_PREFIX``, default ``flashpoint:``):

- ``P alerts`` and ``P alerts:country:<CC>``: capped Streams of alert records (field ``alert``),
  and Pub/Sub channels of the same names.
- ``P story:<story_id>``: hash with the story's latest alert, severity, kinds, version, reprints.
- ``P stories:recent`` and ``P stories:country:<CC>``: sorted sets of story ids by update time.
- ``P article:<article_id>:<content_hash>``: marks an article as handled (replays after a crash
  are no-ops; another article under the same id is not a replay).
- ``P lsh:<band>``: MinHash LSH buckets pointing at story ids (dedup of reprints).
- ``P surge:<CC>:<kind>:<window>``: one surge alert per country, kind and window.
- ``P publisher:<host>``: a publisher's learned home, pooled by every worker.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RedisKeys:
    prefix: str

    @property
    def alerts(self) -> str:
        return f"{self.prefix}alerts"

    def country_alerts(self, country: str) -> str:
        return f"{self.prefix}alerts:country:{country}"

    def story(self, story_id: str) -> str:
        return f"{self.prefix}story:{story_id}"

    @property
    def recent(self) -> str:
        return f"{self.prefix}stories:recent"

    def country_recent(self, country: str) -> str:
        return f"{self.prefix}stories:country:{country}"

    def article(self, article_id: str, content_hash: str) -> str:
        return f"{self.prefix}article:{article_id}:{content_hash}"

    def band(self, band: str) -> str:
        return f"{self.prefix}lsh:{band}"

    def surge(self, country: str, kind: str, window: int) -> str:
        return f"{self.prefix}surge:{country}:{kind}:{window}"

    @property
    def publishers(self) -> str:
        """The common prefix of every publisher-home key (for SCAN)."""
        return f"{self.prefix}publisher:"

    def publisher(self, host: str) -> str:
        return f"{self.publishers}{host}"
