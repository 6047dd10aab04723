"""The durable memory of an RSS ingester: which items were sent, and each feed's validators.

Feeds repeat their items on every poll for days, and the ingester restarts (deploys, crashes).
Without a memory that outlives the process every restart would resend a feed's whole window.
SQLite gives atomic commits in one local file, with nothing to run.

Ids are recorded only after the broker has acknowledged the batch (see ``rss.py``): a crash in
between resends a few items (at-least-once; the alert sink dedups by id) and never loses one.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from flashpoint.service.ingest.errors import StateStoreError

STATE_FILE_NAME = "ingest-state.sqlite3"
# Feeds rarely keep an item longer than a few weeks; forgetting ids older than this bounds the file.
DEFAULT_RETENTION_SECONDS = 90 * 24 * 3600.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_items (
    id TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    first_seen REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS seen_items_first_seen ON seen_items (first_seen);
CREATE TABLE IF NOT EXISTS feed_validators (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    updated REAL NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class FeedValidators:
    """What the server gave us to make the next poll conditional (RFC 9110 §13.1)."""

    etag: str | None = None
    last_modified: str | None = None

    def request_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class SeenStore:
    """A SQLite file of sent item ids and feed validators; one per state directory."""

    def __init__(self, path: Path, *, retention_seconds: float = DEFAULT_RETENTION_SECONDS) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=10.0)
            self._db.executescript(_SCHEMA)
            self._db.execute(
                "DELETE FROM seen_items WHERE first_seen < ?", (time.time() - retention_seconds,)
            )
            self._db.commit()
        except (OSError, sqlite3.Error) as e:
            raise StateStoreError(f"cannot open ingest state {path}: {e}") from e

    @classmethod
    def in_dir(cls, state_dir: Path) -> SeenStore:
        return cls(state_dir / STATE_FILE_NAME)

    def unseen(self, ids: Iterable[str]) -> set[str]:
        """The ids among ``ids`` that were never recorded."""
        wanted = set(ids)
        if not wanted:
            return set()
        found: set[str] = set()
        batch = list(wanted)
        try:
            for start in range(0, len(batch), 500):
                chunk = batch[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(f"SELECT id FROM seen_items WHERE id IN ({marks})", chunk)  # noqa: S608
                found.update(row[0] for row in rows)
        except sqlite3.Error as e:
            raise StateStoreError(f"cannot read ingest state {self.path}: {e}") from e
        return wanted - found

    def mark_seen(self, ids: Iterable[tuple[str, str]]) -> None:
        """Record ``(item id, feed name)`` pairs as sent, in one transaction."""
        now = time.time()
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR IGNORE INTO seen_items (id, feed, first_seen) VALUES (?, ?, ?)",
                    [(item_id, feed, now) for item_id, feed in ids],
                )
        except sqlite3.Error as e:
            raise StateStoreError(f"cannot write ingest state {self.path}: {e}") from e

    def validators(self, url: str) -> FeedValidators:
        try:
            row = self._db.execute(
                "SELECT etag, last_modified FROM feed_validators WHERE url = ?", (url,)
            ).fetchone()
        except sqlite3.Error as e:
            raise StateStoreError(f"cannot read ingest state {self.path}: {e}") from e
        return FeedValidators(etag=row[0], last_modified=row[1]) if row else FeedValidators()

    def set_validators(self, url: str, validators: FeedValidators) -> None:
        try:
            with self._db:
                self._db.execute(
                    "INSERT INTO feed_validators (url, etag, last_modified, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, "
                    "last_modified = excluded.last_modified, updated = excluded.updated",
                    (url, validators.etag, validators.last_modified, time.time()),
                )
        except sqlite3.Error as e:
            raise StateStoreError(f"cannot write ingest state {self.path}: {e}") from e

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SeenStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
