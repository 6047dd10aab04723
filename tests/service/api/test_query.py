"""Query validation and matching of ``flashpoint api`` (no Redis)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from flashpoint.service.api.query import AlertQuery, InvalidQueryError, StreamId


def _fields(alert: dict[str, object]) -> dict[str, str]:
    return {"alert": json.dumps(alert), "id": str(alert.get("id")), "severity": str(alert.get("severity")),
            "country": str(alert.get("primary_country"))}


ALERT = {"id": "s-1-v1", "severity": "urgent", "primary_country": "AF", "countries": ["AF", "TJ"],
         "signal_kinds": ["desertion"], "title": "Afghan soldiers flee to Tajikistan"}


@pytest.mark.parametrize(("value", "expected"), [
    ("1712345678901-0", StreamId(1712345678901, 0)), ("1712345678901", StreamId(1712345678901, 0)),
    (" 5-7 ", StreamId(5, 7)),
])
def test_stream_ids_parse_with_an_optional_sequence(value: str, expected: StreamId) -> None:
    assert StreamId.parse(value) == expected


@pytest.mark.parametrize("value", ["", "abc", "1-", "-1", "1-2-3", "1.5-0", f"{2**64}-0", "99999999999999999999-0"])
def test_malformed_stream_ids_are_rejected_with_the_parameter_name(value: str) -> None:
    with pytest.raises(InvalidQueryError) as err:
        StreamId.parse(value, param="Last-Event-ID")
    assert err.value.param == "Last-Event-ID"


def test_stream_ids_order_like_redis_by_time_then_sequence() -> None:
    assert StreamId(5, 9) < StreamId(6, 0) < StreamId(6, 1)


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"country": ["AFG"]}, "country"), ({"kind": ["picnic"]}, "kind"), ({"min_severity": "none!"}, "min_severity"),
    ({"since": datetime(2026, 2, 1), "until": datetime(2026, 1, 1)}, "until"),
    ({"q": " ".join(f"w{i}" for i in range(11))}, "q"),
])
def test_unusable_filters_raise_invalid_query_naming_the_parameter(kwargs: dict[str, object], param: str) -> None:
    with pytest.raises(InvalidQueryError) as err:
        AlertQuery.build(**kwargs)  # type: ignore[arg-type]
    assert err.value.param == param


def test_countries_and_kinds_accept_repeats_and_commas_and_fold_case() -> None:
    query = AlertQuery.build(country=["af,ua", "UA"], kind=["desertion,coup"])
    assert query.countries == ("AF", "UA")
    assert query.kinds == ("coup", "desertion")


@pytest.mark.parametrize(("kwargs", "matches"), [
    ({"country": ["TJ"]}, True),  # a country named besides the primary one
    ({"country": ["UA"]}, False),
    ({"kind": ["desertion", "coup"]}, True),
    ({"kind": ["coup"]}, False),
    ({"min_severity": "urgent"}, True),
    ({"min_severity": "flash"}, False),
    ({"q": "soldiers FLEE"}, True),
    ({"q": "sold"}, False),  # words, not substrings
])
def test_filters_match_a_raw_stream_entry(kwargs: dict[str, object], matches: bool) -> None:
    assert AlertQuery.build(**kwargs).matches(_fields(ALERT)) is matches  # type: ignore[arg-type]


def test_since_and_until_become_inclusive_stream_id_bounds() -> None:
    query = AlertQuery.build(since=datetime(2026, 1, 1, tzinfo=UTC), until=datetime(2026, 1, 1, 0, 0, 1))
    assert query.since == StreamId(1767225600000, 0)
    assert query.until is not None and query.until.ms == 1767225601000
    assert query.within_time(StreamId(1767225601000, 3))
    assert not query.within_time(StreamId(1767225601001, 0))
