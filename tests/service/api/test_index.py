"""The in-memory stream index selects exactly what a plain scan with the same query selects."""

from __future__ import annotations

import json
import random

import pytest

from flashpoint.service.api.index import AlertIndex
from flashpoint.service.api.query import AlertQuery, StreamId

COUNTRIES = ["AF", "UA", "RU", "ML", "SD"]
KINDS = ["desertion", "mobilization", "coup", "shelling", "air_strike"]


def _entries(n: int, seed: int = 1) -> list[tuple[StreamId, dict[str, str]]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        primary = rng.choice(COUNTRIES)
        alert = {"id": f"s-{i}-v1", "severity": rng.choice(["routine", "urgent", "flash"]),
                 "primary_country": primary, "countries": [primary, *rng.sample(COUNTRIES, rng.choice((0, 1)))],
                 "signal_kinds": rng.sample(KINDS, 2), "title": f"{rng.choice(['Troops', 'Talks'])} near town {i % 7}"}
        out.append((StreamId(1000 + i // 2, i % 2), {"alert": json.dumps(alert), "id": alert["id"],
                                                     "severity": alert["severity"], "country": primary}))
    return out


QUERIES = [
    AlertQuery(), AlertQuery.build(country=["UA"]), AlertQuery.build(kind=["coup", "shelling"]),
    AlertQuery.build(min_severity="flash", q="troops"),
    AlertQuery.build(country=["ML"], kind=["desertion"], q="town 3"),
    AlertQuery(since=StreamId(1100, 0), until=StreamId(1200, 0)),
]


@pytest.mark.parametrize("query", QUERIES)
def test_index_selection_equals_a_plain_scan_newest_first(query: AlertQuery) -> None:
    entries = _entries(600)
    index = AlertIndex()
    for entry_id, fields in entries:
        index.add(entry_id, fields)
    expected = [str(i) for i, f in reversed(entries) if query.within_time(i) and query.matches(f)]
    ids, more = index.select(query, before=None, limit=10_000)
    assert ids == expected
    assert not more


def test_pages_from_the_index_follow_the_cursor_without_gaps_or_repeats() -> None:
    index = AlertIndex()
    for entry_id, fields in _entries(300):
        index.add(entry_id, fields)
    query = AlertQuery.build(country=["AF"])
    full, _ = index.select(query, before=None, limit=10_000)
    pages: list[str] = []
    cursor = None
    while True:
        ids, more = index.select(query, before=cursor, limit=7)
        pages.extend(ids)
        if not more:
            break
        cursor = StreamId.parse(ids[-1])
    assert pages == full


def test_entries_trimmed_from_the_stream_leave_the_index_and_later_ones_still_append() -> None:
    index = AlertIndex()
    entries = _entries(3000)
    for entry_id, fields in entries[:2000]:
        index.add(entry_id, fields)
    index.drop_before(entries[1500][0])
    for entry_id, fields in entries[2000:]:
        index.add(entry_id, fields)
    ids, _ = index.select(AlertQuery(), before=None, limit=10_000)
    assert ids == [str(i) for i, _f in reversed(entries[1500:])]


def test_an_entry_not_newer_than_the_last_one_is_ignored() -> None:
    index = AlertIndex()
    (first_id, fields), (second_id, second) = _entries(2)
    assert index.add(second_id, second)
    assert not index.add(first_id, fields)
    assert not index.add(second_id, second)
    assert len(index) == 1
