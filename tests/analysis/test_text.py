"""Text cleaning: page furniture never reaches the taggers, and odd input never crashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashpoint.analysis.models import RawArticle
from flashpoint.analysis.text import (
    clean_article,
    default_furniture_rules,
    html_to_text,
    load_furniture_rules,
    strip_furniture,
    strip_furniture_traced,
)
from flashpoint.errors import LexiconError
from tests.fixtures import CANONICAL as EXAMPLE

STORY = "Fighting spread across northern Afghanistan overnight as the Taliban advanced. " * 5


@pytest.fixture(scope="module")
def canonical_clean() -> str:
    return strip_furniture(EXAMPLE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "furniture",
    [
        "NewsWorldAfghanistan: Faced with the advance",
        "Published on : Modified :",
        "To read also",
        "Comments are closed.",
        "Latest news",
        "Russia to supply nuclear-capable missiles to Belarus",
        "G7 summit which opens in Germany",
        "Avellaneda massacre",
        "You might also like",
        "Recommended to you",
    ],
)
def test_canonical_example_loses_its_page_furniture(canonical_clean: str, furniture: str) -> None:
    assert furniture not in canonical_clean


@pytest.mark.parametrize(
    "story_text",
    [
        "Afghanistan: Faced with the advance of the Taliban, a thousand soldiers flee to Tajikistan",
        "1,037 Afghan government troops have retreated",
        "mobilization of 20,000 reservists",
        "With AFP",
    ],
)
def test_canonical_example_keeps_the_story(canonical_clean: str, story_text: str) -> None:
    assert story_text in canonical_clean


@pytest.mark.parametrize(
    ("line", "rule_id"),
    [
        ("Read also: Taliban take Kunduz", "read-also"),
        (">> To read also: “Afghanistan: the fall of Kabul”", "read-also"),
        ("Share this article", "share-block"),
        ("Photo: AFP", "photo-credit"),
        ("Soldiers at the border / AFP", "photo-credit"),
        ("Updated: 5 July 2021", "published-modified-stamp"),
        ("Leave a comment", "comment-block"),
        ("12 comments", "comment-block"),
    ],
)
def test_furniture_lines_are_dropped_by_their_rule(line: str, rule_id: str) -> None:
    trace = strip_furniture_traced(f"{STORY}\n{line}\n{STORY}")
    assert line not in trace.text
    assert (rule_id, line) in trace.removed


@pytest.mark.parametrize(
    "sidebar_cue",
    ["Latest news", "Most read", "You might also like", "Recommended for you", "Related articles"],
)
def test_sidebar_cue_cuts_everything_after_it(sidebar_cue: str) -> None:
    cleaned = strip_furniture(f"{STORY}\n\n{sidebar_cue}\n\nRussia to supply missiles to Belarus\n")
    assert "Belarus" not in cleaned
    assert cleaned.startswith("Fighting spread")


def test_sidebar_cue_at_the_top_does_not_erase_the_story() -> None:
    cleaned = strip_furniture(f"Latest news\n\n{STORY}")
    assert "Fighting spread" in cleaned


def test_sentence_mentioning_latest_news_is_kept() -> None:
    text = f"{STORY}\nThe latest news from Kabul is grim, officials said.\n"
    assert "latest news from Kabul" in strip_furniture(text)


def test_html_page_is_reduced_to_its_article_text() -> None:
    html = (
        "<html><body><nav>Home | World | Sport</nav><article><h1>Troops flee</h1>"
        + "".join(f"<p>{STORY} Paragraph {i}.</p>" for i in range(4))
        + "</article><footer>Copyright 2021 Example News</footer></body></html>"
    )
    text = clean_article(RawArticle(id="a", html=html), max_chars=100_000)
    assert "Fighting spread" in text
    assert "Copyright" not in text


def test_html_fragment_that_trafilatura_rejects_still_yields_its_text() -> None:
    text = html_to_text("<p>Clashes in <b>Kunduz</b></p>", max_chars=1000)
    assert "Clashes in Kunduz" in text


def test_plain_text_wins_over_html_when_both_are_given() -> None:
    article = RawArticle(id="a", text="Plain story about Kabul.", html="<p>HTML story about Paris</p>")
    assert clean_article(article, max_chars=1000) == "Plain story about Kabul."


def test_huge_html_is_bounded_by_max_chars() -> None:
    html = "<div>" + "<p>word " * 200_000 + "</div>"
    text = clean_article(RawArticle(id="a", html=html), max_chars=5_000)
    assert len(text) <= 5_000


@pytest.mark.parametrize(
    "article",
    [
        RawArticle(id="a", text=""),
        RawArticle(id="a", text="   \n\n  "),
        RawArticle(id="a", html="<html></html>"),
        RawArticle(id="a", html="<html><head><title>x</title></head><body><script>1</script></body></html>"),
        RawArticle(id="a"),
    ],
)
def test_empty_input_gives_empty_text_without_crashing(article: RawArticle) -> None:
    assert clean_article(article, max_chars=1000).strip() == ""


@pytest.mark.parametrize(
    "html",
    ["<<<>>>&&&", "<p><b><i>unclosed", "&#xffffffff; &bogus;", "<!DOCTYPE x [<!ENTITY a 'b'>]><p>&a;</p>"],
)
def test_broken_html_gives_text_without_markup_or_crash(html: str) -> None:
    text = clean_article(RawArticle(id="a", html=html), max_chars=1000)
    assert "<p>" not in text and "<b>" not in text


@pytest.mark.parametrize(
    "text",
    [
        "Талибы захватили шесть районов провинции Бадахшан.",
        "塔利班控制了巴达赫尚省的六个地区。",
        "Les talibans ont pris six districts du Badakhchan.\nÀ lire aussi : la chute de Kaboul",
    ],
)
def test_non_english_text_passes_through_without_crashing(text: str) -> None:
    cleaned = clean_article(RawArticle(id="a", text=text), max_chars=1000)
    assert cleaned.splitlines()[0] == text.splitlines()[0]


def test_furniture_lexicon_has_unique_kebab_case_ids() -> None:
    ids = [rule.id for rule in default_furniture_rules()]
    assert len(ids) == len(set(ids)) > 5


def test_bad_furniture_rule_fails_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "furniture.yaml"
    path.write_text("rules:\n  - id: broken-rule\n    action: drop-line\n    regex: '('\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"furniture.yaml:2: .*bad regex"):
        load_furniture_rules(path)
