"""The world-news regression set (tests/fixtures/regions/*.yaml): every story of every file is
tagged as written, and again as a paper in the US or Canada would see it (the publisher's country
known): world news must not turn into namesakes at home ("London" into London, Ontario)."""

from __future__ import annotations

import pytest

from flashpoint.analysis.nlp import load_model
from flashpoint.analysis.regions import RegionTagger
from flashpoint.tools.eval.world_news import FIXTURES, WorldStory, load_world_stories, story_errors

STORIES = load_world_stories()


@pytest.fixture(scope="module")
def tagger() -> RegionTagger:
    return RegionTagger(load_model())


def test_every_fixture_file_holds_stories() -> None:
    files = sorted(FIXTURES.glob("*.yaml"))
    assert files
    assert len(STORIES) >= 30
    assert len({s.id for s in STORIES}) == len(STORIES), "story ids must be unique"


@pytest.mark.parametrize("story", STORIES, ids=[s.id for s in STORIES])
def test_world_news_story_is_tagged_as_expected(tagger: RegionTagger, story: WorldStory) -> None:
    assert story_errors(story, tagger.tag(story.text)) == []


@pytest.mark.parametrize("locale", ["US", "CA"])
@pytest.mark.parametrize("story", STORIES, ids=[s.id for s in STORIES])
def test_a_publisher_abroad_does_not_change_the_countries(tagger: RegionTagger, story: WorldStory, locale: str) -> None:
    got = {c.code for c in tagger.tag(story.text, locale=locale).countries}
    assert got == story.countries
