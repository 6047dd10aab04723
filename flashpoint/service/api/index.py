"""An in-memory index of the alert stream, so filters over the whole stream cost milliseconds.

Scanning the stream for a selective filter reads every entry from Redis: about 16 µs an entry
here (160 ms for 10,000 alerts, seconds for the 100,000 a stream may hold), most of it moving
payloads the filter then throws away. The index keeps, per entry, only what the filters look at,
in columns: the stream id, the severity rank, the primary country, a bit mask of signal kinds,
the other countries and the case-folded title. A query selects rows with numpy, checks the few
Python-level conditions on the candidates only, then fetches the payloads of one page.

It is built once at start-up (``/readyz`` answers 503 until it is), then kept current by the live
hub, which reads every new entry anyway; each query first reads whatever the hub has not yet seen,
so a client always finds an alert that was written before it asked. Entries trimmed from the
capped stream are dropped from the front.
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from flashpoint.analysis.models import SEVERITY_RANK
from flashpoint.service.api.query import AlertQuery, StreamId, title_words

BUILD_BATCH = 2000
MAX_KIND_BITS = 63
OTHER_KIND_BIT = 63  # kinds beyond the first 63 seen share this bit; candidates are re-checked


def _key(entry_id: StreamId) -> int:
    return (entry_id.ms << 64) | entry_id.seq


class AlertIndex:
    def __init__(self) -> None:
        self.keys: list[int] = []  # ascending stream ids as ints (bisect)
        self.ids: list[str] = []
        self._severity = np.zeros(1024, dtype=np.uint8)
        self._country = np.zeros(1024, dtype=np.uint16)
        self._kinds = np.zeros(1024, dtype=np.uint64)
        self.others: list[frozenset[str] | None] = []  # countries besides the primary one
        self.titles: list[str] = []
        self.country_codes: dict[str, int] = {"": 0}
        self.kind_bits: dict[str, int] = {}
        self.ready = asyncio.Event()
        self.lock = asyncio.Lock()
        self.offset = 0  # rows dropped from the front live below this offset in the arrays

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def last(self) -> StreamId | None:
        if not self.keys:
            return None
        key = self.keys[-1]
        return StreamId(key >> 64, key & ((1 << 64) - 1))

    def _kind_mask(self, kinds: Iterable[str], *, create: bool) -> int:
        mask = 0
        for kind in kinds:
            bit = self.kind_bits.get(kind)
            if bit is None:
                if not create:
                    continue
                bit = len(self.kind_bits) if len(self.kind_bits) < MAX_KIND_BITS else OTHER_KIND_BIT
                if bit != OTHER_KIND_BIT:
                    self.kind_bits[kind] = bit
            mask |= 1 << bit
        return mask

    def add(self, entry_id: StreamId, fields: dict[str, str]) -> bool:
        """Append one entry if it is newer than the last one indexed."""
        key = _key(entry_id)
        if self.keys and key <= self.keys[-1]:
            return False
        try:
            alert: dict[str, Any] = orjson.loads(fields.get("alert", "{}"))
        except orjson.JSONDecodeError:
            alert = {}
        if self.offset + len(self.keys) >= len(self._severity):
            self._grow()  # compacts: the offset goes back to 0
        row = self.offset + len(self.keys)
        primary = str(alert.get("primary_country") or fields.get("country") or "")
        self._severity[row] = SEVERITY_RANK.get(str(alert.get("severity") or fields.get("severity")), 0)
        self._country[row] = self.country_codes.setdefault(primary, len(self.country_codes))
        kinds = set(alert.get("signal_kinds") or [])
        if alert.get("kind"):
            kinds.add(str(alert["kind"]))
        self._kinds[row] = self._kind_mask(kinds, create=True)
        others = frozenset(str(c) for c in alert.get("countries") or []) - {primary}
        self.others.append(others or None)
        title = alert.get("title")
        self.titles.append(title.casefold() if isinstance(title, str) else "")
        self.keys.append(key)
        self.ids.append(str(entry_id))
        return True

    def _grow(self) -> None:
        live = len(self.keys)
        size = max(1024, live * 2)

        def moved(arr: npt.NDArray[Any]) -> npt.NDArray[Any]:
            out = np.zeros(size, dtype=arr.dtype)
            out[:live] = arr[self.offset:self.offset + live]
            return out

        self._severity, self._country, self._kinds = moved(self._severity), moved(self._country), moved(self._kinds)
        self.offset = 0

    def drop_before(self, first: StreamId) -> int:
        """Forget entries the capped stream has trimmed (those older than its first entry)."""
        cut = bisect.bisect_left(self.keys, _key(first))
        if cut:
            del self.keys[:cut], self.ids[:cut], self.others[:cut], self.titles[:cut]
            self.offset += cut
        return cut

    def select(self, query: AlertQuery, *, before: StreamId | None, limit: int) -> tuple[list[str], bool]:
        """Stream ids of up to ``limit`` matching entries, newest first, older than ``before``;
        and whether older matches may remain."""
        lo = bisect.bisect_left(self.keys, _key(query.since)) if query.since else 0
        hi = bisect.bisect_right(self.keys, _key(query.until)) if query.until else len(self.keys)
        if before is not None:
            hi = min(hi, bisect.bisect_left(self.keys, _key(before)))
        if hi <= lo:
            return [], False
        a, b = self.offset + lo, self.offset + hi
        mask = np.ones(hi - lo, dtype=bool)
        if query.min_severity:
            mask &= self._severity[a:b] >= SEVERITY_RANK[query.min_severity]
        if query.kinds:
            wanted = self._kind_mask(query.kinds, create=False)
            if OTHER_KIND_BIT in {self.kind_bits.get(k, OTHER_KIND_BIT) for k in query.kinds}:
                wanted |= 1 << OTHER_KIND_BIT
            mask &= (self._kinds[a:b] & np.uint64(wanted)) != 0
        primary_ok: npt.NDArray[np.bool_] | None = None
        if query.countries:
            codes = [self.country_codes[c] for c in query.countries if c in self.country_codes]
            primary_ok = np.isin(self._country[a:b], codes)
        rows = np.flatnonzero(mask)[::-1]
        found: list[str] = []
        words = set(query.words)
        for r in rows.tolist():
            i = lo + r
            if primary_ok is not None and not primary_ok[r]:
                others = self.others[i]
                if not others or not others.intersection(query.countries):
                    continue
            if words and not (all(w in self.titles[i] for w in words) and words <= title_words(self.titles[i])):
                continue
            found.append(self.ids[i])
            if len(found) == limit:
                return found, True
        return found, False

    def extend(self, entries: Sequence[tuple[str, dict[str, str]]]) -> int:
        return sum(self.add(StreamId.parse(i), f) for i, f in entries)

    def memory_bytes(self) -> int:
        """A rough figure for /metrics: the numpy columns plus about 200 bytes of Python objects a row."""
        arrays = self._severity.nbytes + self._country.nbytes + self._kinds.nbytes
        return int(arrays + 200 * len(self.keys))
