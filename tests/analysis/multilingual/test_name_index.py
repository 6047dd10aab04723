"""The per-language name index keeps only the matcher's views once complete (memory: a worker
holds five), and names added between two ``finish`` calls still merge with the ones before."""

from __future__ import annotations

import pytest

from flashpoint.analysis.gazetteer import Place
from flashpoint.analysis.multilingual.places import NameEntry, NameIndex


def _place(key: int, country: str) -> Place:
    return Place(key=key, name=f"p{key}", kind="city", country=country, subdivision=None, population=1,
                 lat=None, lon=None, source=f"test:{key}")


def test_a_name_added_after_finish_merges_with_the_same_name_before() -> None:
    index = NameIndex("es")
    index.add(NameEntry(("san", "juan"), (_place(1, "PR"),), "test"))
    index.finish()
    index.add(NameEntry(("san", "juan"), (_place(2, "AR"),), "test"))
    index.finish()
    (entry,) = index.by_pair[("san", "juan")]
    assert {p.country for p in entry.places} == {"PR", "AR"}


def test_a_compacted_index_keeps_its_views_and_refuses_new_names() -> None:
    index = NameIndex("es")
    index.add(NameEntry(("bogota",), (_place(1, "CO"),), "test"))
    index.add(NameEntry(("valle", "del", "cauca"), (_place(2, "CO"),), "test"))
    index.finish()
    index.compact()
    assert index.by_first == {}
    assert [e.keys for e in index.singles["bogota"]] == [("bogota",)]
    assert [e.keys for e in index.by_pair[("valle", "del")]] == [("valle", "del", "cauca")]
    with pytest.raises(RuntimeError):
        index.add(NameEntry(("cali",), (_place(3, "CO"),), "test"))
