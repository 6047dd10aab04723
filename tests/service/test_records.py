"""The ``articles.analyzed`` wire record: one reader for every version, kinds and surge
observations worked out once, the unknown country named once."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from flashpoint.analysis.models import UNKNOWN_COUNTRY, Analysis, CountryTag, RegionTags, Signal, Span
from flashpoint.service.records import WIRE_VERSION, AnalyzedArticle, WireRecordError
from flashpoint.service.stories import StorySignature

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TEXT = "Hundreds of soldiers deserted near Kharkiv while Moscow mobilized reservists."


def signal(kind: str, modality: str = "asserted", country: str | None = "UA") -> Signal:
    return Signal(kind=kind, rule_id=f"{kind}-1", evidence=Span(0, 8, "Hundreds"), modality=modality,  # type: ignore[arg-type]
                  severity="urgent", country=country)


def analysis(*signals: Signal, severity: str = "urgent") -> Analysis:
    return Analysis(
        id="a-1", title="Soldiers desert", url="https://example.org/a-1", source="wire", published_at=None,
        analyzed_at=NOW, cleaned_text=TEXT,
        regions=RegionTags(primary_country="UA", countries=(CountryTag("UA", "Ukraine", 2, ()),)),
        topics=(), signals=signals, severity=severity,  # type: ignore[arg-type]
    )


def test_a_record_round_trips_through_its_bytes() -> None:
    record = AnalyzedArticle.of(analysis(signal("desertion")), source_timestamp=1.5)
    assert AnalyzedArticle.from_bytes(record.to_bytes()) == record


def test_the_record_carries_the_signature_of_the_text_and_not_the_text() -> None:
    data = orjson.loads(AnalyzedArticle.of(analysis(signal("desertion"))).to_bytes())
    assert data["v"] == WIRE_VERSION
    assert "cleaned_text" not in data and TEXT not in str(data)
    assert StorySignature.decode(data["signature"]) == StorySignature.of(TEXT)


def test_an_article_that_cannot_alert_carries_no_signature() -> None:
    assert AnalyzedArticle.of(analysis(severity="none")).signature is None


def test_kinds_are_distinct_and_sorted_over_every_modality() -> None:
    record = AnalyzedArticle.of(analysis(signal("mobilization"), signal("desertion"),
                                         signal("desertion", "threatened")))
    assert record.kinds == ("desertion", "mobilization")


def test_surge_observations_count_asserted_signals_once_per_country_and_kind() -> None:
    record = AnalyzedArticle.of(analysis(signal("desertion"), signal("desertion"), signal("air_strike", "threatened"),
                                         signal("mobilization", country=None)))
    assert record.surge_observations() == [("UA", "desertion"), (UNKNOWN_COUNTRY, "mobilization")]


def test_an_article_without_a_primary_country_is_filed_under_the_unknown_country() -> None:
    assert AnalyzedArticle(id="x", severity="urgent").alert_country == UNKNOWN_COUNTRY


def test_a_version_1_record_reads_with_its_signature_computed_from_its_text() -> None:
    version_1 = {"id": "old", "severity": "urgent", "cleaned_text": TEXT,
                 "regions": {"primary_country": "UA", "countries": [{"code": "UA"}]},
                 "topics": [{"label": "conflict"}], "signals": [signal("desertion").to_dict()]}
    record = AnalyzedArticle.from_dict(version_1)
    assert (record.primary_country, record.countries, record.topics) == ("UA", ("UA",), ("conflict",))
    assert record.signature == StorySignature.of(TEXT)


@pytest.mark.parametrize("value", [
    b'{"v": 3, "id": "x", "severity": "urgent"}',
    b'{"v": 2, "severity": "urgent"}',
    b'{"v": 2, "id": "x", "severity": "catastrophic"}',
    b'{"v": 2, "id": "x", "severity": "urgent", "signals": [{"no": "kind"}]}',
    b"[1, 2]",
    b"not json",
])
def test_a_record_this_worker_cannot_read_is_a_wire_record_error(value: bytes) -> None:
    with pytest.raises(WireRecordError):
        AnalyzedArticle.from_bytes(value)
