"""Japanese in Latin letters for the search's index (saisei.core.text.romanise): place names as
UniDic reads them, katakana loanwords in their English spelling, long vowels both ways."""

from __future__ import annotations

import pytest

from saisei.core.text import romanise


@pytest.mark.parametrize(
    ("text", "spellings"),
    [
        ("札幌", {"Sapporo"}),
        ("東京", {"Tokyo"}),
        ("北海道", {"Hokkaidou", "Hokkaido"}),
        ("クリニック", {"Clinic"}),
        ("ＮＴＴ東日本札幌病院", {"Sapporo", "byouin", "byoin"}),
    ],
)
def test_a_name_is_read_as_an_english_speaker_would_type_it(text: str, spellings: set) -> None:
    words = set(romanise(text).split())
    assert spellings <= words, romanise(text)


def test_a_text_without_japanese_has_no_reading() -> None:
    assert romanise("Revo. Clinic") == ""
    assert romanise("") == ""
