"""How ``flashpoint tail`` shows an alert: time, source and URL, templates, no wrapping."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from flashpoint.errors import FlashpointError
from flashpoint.service.subscribe import AlertTemplate, render_alert_row

ALERT = {
    "id": "s-1-v1", "type": "new", "story_id": "s-1", "severity": "flash", "primary_country": "AF",
    "title": "Afghanistan: a thousand soldiers flee to Tajikistan after fighting with the Taliban in the north",
    "source": "rfi", "url": "https://www.rfi.fr/en/afghan-troops", "updated_at": "2026-12-07T03:27:05.123+00:00",
    "signal_kinds": ["desertion", "territory_seized"],
    "signals": [{"kind": "desertion", "modality": "asserted", "quantity": 1000, "actor": "AF",
                 "evidence": {"start": 0, "end": 10, "text": "A thousand Afghan soldiers took shelter"}}],
}


def test_the_row_shows_time_source_title_and_url() -> None:
    text = render_alert_row(ALERT).plain
    assert "2026-12-07 03:27:05Z" in text
    assert " rfi " in text
    assert ALERT["title"] in text
    assert "https://www.rfi.fr/en/afghan-troops" in text
    assert "qty=1000" in text


def test_a_piped_row_is_not_broken_at_80_columns() -> None:
    buffer = io.StringIO()
    Console(file=buffer, width=80, force_terminal=False).print(render_alert_row(ALERT), soft_wrap=True)
    first_line = buffer.getvalue().splitlines()[0]
    assert len(first_line) > 80
    assert first_line.endswith(ALERT["title"])


def test_an_alert_without_title_shows_its_story_id() -> None:
    assert "s-1" in render_alert_row({**ALERT, "title": None}).plain.splitlines()[0]


def test_a_template_renders_fields_and_tabs() -> None:
    line = AlertTemplate.parse(r"{time}\t{severity}\t{country}\t{kinds}\t{url}").render(ALERT)
    assert line == "2026-12-07 03:27:05Z\tflash\tAF\tdesertion,territory_seized\thttps://www.rfi.fr/en/afghan-troops"


def test_missing_fields_render_empty_and_headline_falls_back_to_the_story() -> None:
    line = AlertTemplate.parse("{headline}|{published_at}|").render({**ALERT, "title": None})
    assert line == "s-1||"


@pytest.mark.parametrize("template", ["{titel}", "{title.__class__}", "{countries[0]}", "{title", "{0}"])
def test_a_template_with_an_unknown_or_unsafe_field_is_rejected_up_front(template: str) -> None:
    with pytest.raises(FlashpointError):
        AlertTemplate.parse(template).render(ALERT)
