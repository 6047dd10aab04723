from __future__ import annotations

import pytest

from flashpoint.analysis.multilingual.text import arabic_variants, normalize_arabic, parse_number


def test_arabic_proclitics_are_peeled_one_by_one() -> None:
    assert arabic_variants(normalize_arabic("وبالعراق")) == ("وبالعراق", "بالعراق", "العراق", "عراق")
    assert "العراق" in arabic_variants(normalize_arabic("للعراق"))


def test_a_short_arabic_word_is_not_cut_into_a_shorter_one() -> None:
    assert arabic_variants("بين") == ("بين",)


def test_arabic_diacritics_and_letter_variants_are_folded() -> None:
    assert normalize_arabic("بَغْدَادُ") == "بغداد"
    assert normalize_arabic("مُحافَظة إدلب") == "محافظه ادلب"


@pytest.mark.parametrize(("text", "value"), [("1.200", 1200), ("1 200", 1200), ("12", 12), ("٣٥", 35), ("2,5", None)])
def test_numbers_are_read_as_people_write_them(text: str, value: int | None) -> None:
    assert parse_number(text) == value
