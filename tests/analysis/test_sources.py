"""Publisher homes: learned from a paper's own stories, they resolve its local names at home and
never tag a place by themselves."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.escalation import EscalationEngine
from flashpoint.analysis.models import RawArticle, RegionTags, SourceProfile, SubdivisionTag
from flashpoint.analysis.nlp import load_model
from flashpoint.analysis.regions import RegionTagger
from flashpoint.analysis.sources import SourceProfiles, country_from_domain, source_key
from flashpoint.analysis.topics import TopicTagger

LOUISIANA = SourceProfile("thetowntalk.com", "US", ("US-LA",), 6)
MINNESOTA = SourceProfile("echopress.com", "US", ("US-MN",), 9)
TENNESSEE = SourceProfile("dailypostathenian.com", "US", ("US-TN",), 9)


@pytest.fixture(scope="module")
def tagger() -> RegionTagger:
    return RegionTagger(load_model())


def places(tags: RegionTags) -> list[tuple[str, str | None, str | None]]:
    return [(m.span.text, m.country, m.subdivision) for m in tags.mentions]


def tags_for(primary: str | None, *subs: str) -> RegionTags:
    return RegionTags(
        primary_country=primary,
        subdivisions=tuple(SubdivisionTag(code, code, code.split("-")[0], 1, ()) for code in subs),
    )


# --- naming the publisher -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "source", "key"),
    [
        ("https://www.thetowntalk.com/news/local/2009/story.html", None, "thetowntalk.com"),
        ("http://m.bbc.co.uk/news/world-123", "BBC", "bbc.co.uk"),
        ("thetowntalk.com/a/b", None, "thetowntalk.com"),
        (None, " Reuters ", "reuters"),
        ("", None, None),
        (None, None, None),
        ("http://[bad", "AP", "ap"),  # an unparsable URL falls back to the source name
    ],
)
def test_source_key(url: str | None, source: str | None, key: str | None) -> None:
    assert source_key(url, source) == key


@pytest.mark.parametrize(
    ("domain", "country"),
    [
        ("thisisoxfordshire.co.uk", "GB"),
        ("lfpress.ca", "CA"),
        ("dailystar.com.lb", "LB"),
        ("sptimes.ru", "RU"),
        ("thetowntalk.com", None),
        ("example.org", None),
        ("news.tv", None),  # a country code sold worldwide says nothing
        ("localhost", None),
        (None, None),
    ],
)
def test_country_from_domain(domain: str | None, country: str | None) -> None:
    assert country_from_domain(domain) == country


# --- learning a home -------------------------------------------------------------------------


def test_profile_needs_enough_stories_and_a_leading_country() -> None:
    learner = SourceProfiles(min_articles=3)
    learner.observe("thetowntalk.com", tags_for("US", "US-LA"))
    learner.observe("thetowntalk.com", tags_for("US", "US-LA", "US-TX"))
    assert learner.profile("thetowntalk.com") is None  # two stories: too early to say
    learner.observe("thetowntalk.com", tags_for("EG"))
    learner.observe("thetowntalk.com", tags_for("US", "US-LA"))
    profile = learner.profile("thetowntalk.com")
    assert profile is not None
    assert profile.country == "US"
    assert profile.subdivisions[0] == "US-LA"  # in 3 of 4 stories
    assert "US-TX" not in profile.subdivisions or profile.subdivisions.index("US-TX") > 0
    assert profile.articles == 4


def test_a_province_in_most_stories_makes_a_home_when_countries_split() -> None:
    learner = SourceProfiles(min_articles=3)
    for primary in ("LB", "US", "LB", "US"):  # obituaries read "Lebanon" as the country
        learner.observe("ldnews.com", tags_for(primary, "US-PA"))
    profile = learner.profile("ldnews.com")
    assert profile is not None and profile.country == "US" and profile.subdivisions == ("US-PA",)


def test_wire_service_gets_no_home() -> None:
    learner = SourceProfiles(min_articles=3)
    for cc in ("US", "UA", "AF", "FR", "US", "SD"):
        learner.observe("reuters.com", tags_for(cc))
    assert learner.profile("reuters.com") is None


def test_country_code_domain_gives_the_country_from_the_first_story() -> None:
    learner = SourceProfiles(min_articles=3)
    profile = learner.profile("thisisoxfordshire.co.uk")
    assert profile is not None and profile.country == "GB" and profile.subdivisions == ()


def test_subdivisions_only_inside_the_home_country() -> None:
    learner = SourceProfiles(min_articles=2)
    for _ in range(3):
        learner.observe("jpost.com", tags_for("IL", "IL-JM", "PS-GZA"))
    profile = learner.profile("jpost.com")
    assert profile is not None and profile.subdivisions == ("IL-JM",)


def test_forget_undoes_observe() -> None:
    learner = SourceProfiles(min_articles=1)
    story = tags_for("US", "US-MN")
    learner.observe("echopress.com", story)
    learner.observe("echopress.com", story)
    learner.forget("echopress.com", story)
    profile = learner.profile("echopress.com")
    assert profile is not None and profile.articles == 1 and profile.subdivisions == ("US-MN",)


def test_table_is_bounded_least_recently_seen_first() -> None:
    learner = SourceProfiles(min_articles=1, max_sources=2)
    learner.observe("a.com", tags_for("US"))
    learner.observe("b.com", tags_for("US"))
    learner.observe("a.com", tags_for("US"))  # a.com is now the most recent
    learner.observe("c.com", tags_for("US"))
    assert len(learner) == 2
    assert learner.profile("b.com") is None
    assert learner.profile("a.com") is not None and learner.profile("c.com") is not None


def test_observe_without_a_key_is_ignored() -> None:
    learner = SourceProfiles()
    learner.observe(None, tags_for("US"))
    assert len(learner) == 0 and learner.profile(None) is None


# --- the tagger with a home ---------------------------------------------------------------------


def test_home_resolves_a_local_namesake(tagger: RegionTagger) -> None:
    text = "Police in Alexandria arrested two men on Tuesday.\nThe chase ended near the hospital."
    assert places(tagger.tag(text))[0][1] == "EG"
    tags = tagger.tag(text, profile=LOUISIANA)
    assert places(tags)[0] == ("Alexandria", "US", "US-LA")
    assert tags.publisher == LOUISIANA
    assert tags.to_dict()["publisher"]["subdivisions"] == ["US-LA"]


def test_home_villages_are_read_only_at_home(tagger: RegionTagger) -> None:
    text = "The school board in Parkers Prairie voted Monday.\nThe contract runs three more years."
    assert places(tagger.tag(text)) == []  # a village of 1,000 people is not in the general gazetteer
    assert places(tagger.tag(text, profile=LOUISIANA)) == []  # nor in Louisiana
    assert places(tagger.tag(text, profile=MINNESOTA)) == [("Parkers Prairie", "US", "US-MN")]


def test_home_village_joins_a_known_name(tagger: RegionTagger) -> None:
    text = "Deputies arrested a man in Decatur on Tuesday.\nHe was released on bond."
    assert places(tagger.tag(text)) == [("Decatur", "US", None)]  # five states have one
    assert places(tagger.tag(text, profile=TENNESSEE)) == [("Decatur", "US", "US-TN")]


def test_story_outweighs_the_home(tagger: RegionTagger) -> None:
    text = "Israeli warplanes struck targets in Gaza on Tuesday.\nEgypt called for calm in Cairo."
    assert places(tagger.tag(text, profile=TENNESSEE)) == places(tagger.tag(text))
    georgia = "Deputies in Henry County responded to a crash.\nThe Georgia State Patrol is investigating."
    assert ("Henry County", "US", "US-GA") in places(tagger.tag(georgia, profile=TENNESSEE))


def test_home_never_tags_by_itself(tagger: RegionTagger) -> None:
    tags = tagger.tag("The council met on Tuesday.\nMembers discussed the budget.", profile=TENNESSEE)
    assert tags.countries == () and tags.subdivisions == ()


def test_county_in_many_states_gets_no_guessed_state(tagger: RegionTagger) -> None:
    text = "Deputies in Henry County responded to a crash.\nThe driver was taken to hospital."
    assert places(tagger.tag(text)) == [("Henry County", "US", None)]


# --- the analyzer learns as it goes -----------------------------------------------------------


def test_analyzer_learns_a_papers_home() -> None:
    nlp = load_model()
    analyzer = Analyzer(regions=RegionTagger(nlp), topics=TopicTagger(), escalation=EscalationEngine(nlp))
    now = datetime(2026, 11, 25, tzinfo=UTC)
    url = "https://www.thetowntalk.com/story/{}"
    local = [
        "Rapides Parish deputies arrested a Pineville man.\nHe was booked into jail in Louisiana.",
        "The Louisiana Legislature met in Baton Rouge.\nLawmakers from Rapides Parish spoke.",
        "Flooding closed roads across Louisiana.\nCrews in Pineville cleared debris.",
    ]
    for i, text in enumerate(local):
        analyzer.analyze(RawArticle(id=f"l{i}", text=text, url=url.format(i)), now)
    text = "Police in Alexandria arrested two men.\nThe chase ended downtown."
    story = RawArticle(id="x", text=text, url=url.format(9))
    result = analyzer.analyze(story, now)
    assert result.regions.primary_country == "US"
    assert [s.code for s in result.regions.subdivisions] == ["US-LA"]
    assert result.regions.publisher is not None and result.regions.publisher.key == "thetowntalk.com"
    # the same story from a paper the worker has never read is read on its own
    other = analyzer.analyze(RawArticle(id="y", text=story.text, url="https://example.com/a"), now)
    assert other.regions.primary_country == "EG" and other.regions.publisher is None
    # and with learning off, even the Louisiana paper's story is
    analyzer.sources = None
    alone = analyzer.analyze(RawArticle(id="z", text=story.text, url=url.format(10)), now)
    assert alone.regions.primary_country == "EG"
