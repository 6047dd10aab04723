"""Story clustering and the new/update/reprint policy."""

from __future__ import annotations

from flashpoint.service.alerts import StoryState, alert_id, alert_matches, decide_alert
from flashpoint.service.stories import StorySignature, story_id_for

STORY = (
    "A thousand Afghan soldiers took shelter in Tajikistan overnight after fighting in northeastern "
    "Afghanistan with the Taliban, which continues to gain ground. Tajikistan mobilized 20,000 "
    "reservists to strengthen the border, while Moscow announced the temporary closure of one of its "
    "consulates in northern Afghanistan due to the deterioration of the situation on the border."
)
REWORDED = (
    "Tajikistan mobilized 20,000 reservists to strengthen the border. A thousand Afghan soldiers took "
    "shelter in Tajikistan overnight after fighting in northeastern Afghanistan with the Taliban, "
    "which continues to gain ground, officials said on Monday. Moscow announced the temporary closure "
    "of one of its consulates in northern Afghanistan due to the deterioration of the situation."
)
OTHER = (
    "The central bank raised interest rates by half a point on Thursday, citing stubborn inflation in "
    "services and a tight labour market, and signalled that further increases were likely this year."
)


def prior(severity: str = "urgent", kinds: tuple[str, ...] = ("desertion",)) -> StoryState:
    return StoryState("s-1", severity, frozenset(kinds), version=1, reprints=0, first_seen="t0")


def test_first_article_of_a_story_is_a_new_alert() -> None:
    decision = decide_alert(None, story_id="s-9", severity="urgent", kinds=["desertion"])
    assert (decision.kind, decision.version) == ("new", 1)


def test_same_severity_and_kinds_is_a_reprint() -> None:
    assert decide_alert(prior(), story_id="s-1", severity="urgent", kinds=["desertion"]).kind == "reprint"


def test_a_new_signal_kind_is_an_update() -> None:
    decision = decide_alert(prior(), story_id="s-1", severity="urgent", kinds=["desertion", "coup"])
    assert (decision.kind, decision.version) == ("update", 2)
    assert decision.new_kinds == frozenset({"coup"})


def test_raised_severity_is_an_update() -> None:
    decision = decide_alert(prior(), story_id="s-1", severity="flash", kinds=["desertion"])
    assert decision.kind == "update"
    assert "severity raised" in decision.reason


def test_lower_severity_with_known_kinds_is_a_reprint() -> None:
    assert decide_alert(prior("flash"), story_id="s-1", severity="routine", kinds=[]).kind == "reprint"


def test_reworded_reprint_is_similar_and_an_unrelated_story_is_not() -> None:
    base = StorySignature.of(STORY)
    assert base.jaccard(StorySignature.of(REWORDED)) >= 0.3
    assert base.jaccard(StorySignature.of(OTHER)) < 0.1


def test_identical_texts_share_lsh_bands() -> None:
    assert set(StorySignature.of(STORY).bands()) == set(StorySignature.of(STORY).bands())


def test_signature_round_trips_through_its_encoding() -> None:
    signature = StorySignature.of(STORY)
    assert StorySignature.decode(signature.encode()) == signature


def test_ids_are_deterministic() -> None:
    assert story_id_for("a") == story_id_for("a") != story_id_for("b")
    assert alert_id("s-1", 2) == "s-1-v2"


def test_filters_select_by_country_severity_and_kind() -> None:
    alert = {"primary_country": "AF", "countries": ["AF", "TJ"], "severity": "urgent",
             "signal_kinds": ["desertion", "mobilization"]}
    assert alert_matches(alert, countries=["tj"])
    assert not alert_matches(alert, countries=["UA"])
    assert alert_matches(alert, min_severity="routine")
    assert not alert_matches(alert, min_severity="flash")
    assert alert_matches(alert, kinds=["mobilization"])
    assert not alert_matches(alert, kinds=["coup"])
