"""The evaluations report their stages to whoever shows progress, and to nobody by default."""

from __future__ import annotations

from collections.abc import Callable

from flashpoint.tools.eval.progress import observing, track


def test_without_an_observer_track_is_a_plain_iteration() -> None:
    assert list(track(iter("abc"), "letters")) == ["a", "b", "c"]


def test_an_observer_hears_each_stage_with_its_size_and_each_item_done() -> None:
    heard: list[str] = []

    def start(stage: str, total: int) -> Callable[[], None]:
        heard.append(f"{stage}/{total}")
        return lambda: heard.append("done")

    with observing(start):
        seen = [x for x in track(iter([1, 2]), "numbers")]
    assert (seen, heard) == ([1, 2], ["numbers/2", "done", "done"])
    assert list(track([3], "after")) == [3] and heard[-1] == "done"
