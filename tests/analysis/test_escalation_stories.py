"""The escalation regression set: every story of tests/fixtures/escalation gives what its
expected file says, through the whole analysis (cleaning, regions, escalation, severity)."""

from __future__ import annotations

import pytest

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.tools.eval.escalation_stories import STORIES_DIR, Story, check_story, load_stories

STORIES = load_stories()


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load(source_profiles=False)


def test_the_regression_set_has_sixty_stories_covering_every_kind() -> None:
    from flashpoint.analysis.models import SIGNAL_KINDS

    assert len(STORIES) >= 60, STORIES_DIR
    wanted = {w["kind"] for s in STORIES for w in s.expected.get("signals_must_include") or []}
    assert wanted == set(SIGNAL_KINDS)


def test_every_story_has_a_publication_time() -> None:
    assert all(s.published_at is not None for s in STORIES)


@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.name)
def test_story_gives_its_expected_analysis(analyzer: Analyzer, story: Story) -> None:
    assert story.published_at is not None
    result = check_story(story, analyzer.analyze(story.article(), story.published_at))
    assert result.ok, "\n".join(result.failures)
