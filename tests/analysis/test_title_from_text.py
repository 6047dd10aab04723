"""Plain-text articles get their headline from the first line of the text."""

from __future__ import annotations

import pytest

from flashpoint.analysis.text import TITLE_MAX_CHARS, title_from_text


@pytest.mark.parametrize(("text", "title"), [
    ("Mali mobilizes reservists\n\nBAMAKO - The government ordered...", "Mali mobilizes reservists"),
    ("\n\n  Troops   cross the border  \nbody", "Troops cross the border"),
    ("", None),
    ("   \n\n", None),
])
def test_the_first_non_empty_line_is_the_title(text: str, title: str | None) -> None:
    assert title_from_text(text) == title


def test_a_first_paragraph_is_shortened_at_a_word() -> None:
    paragraph = "BAMAKO - Mali's transitional government ordered the mobilization of reservists " * 5
    title = title_from_text(paragraph)
    assert title is not None
    assert len(title) <= TITLE_MAX_CHARS + 1
    assert title.endswith("…")
    assert paragraph.startswith(title[:-1])
    assert not title[:-1].endswith(" ")
