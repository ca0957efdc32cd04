"""Text as Saisei compares it: the public search's index and query, and the keys institutions are
matched by across the spellings of MHLW's public lists.

`normalise` uses Unicode's own compatibility normalisation (NFKC, from the standard library's
unicodedata, which follows the Unicode version of the running Python): full-width Latin letters,
digits and spaces to their ordinary forms and half-width katakana to full-width, which is what
jaconv's or mojimoji's width conversions do for this text. Katakana are then folded to
hiragana, so that either script finds the other.
"""

from __future__ import annotations

import re
import unicodedata

# Katakana to hiragana (ァ U+30A1 … ヶ U+30F6 to ぁ U+3041 … ゖ U+3096), so either script finds
# the other; NFKC has already made half-width katakana full-width.
_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
_KANA = str.maketrans({chr(code): chr(code - 0x60) for code in range(0x30A1, 0x30F7)})


def normalise(text: str) -> str:
    """`text` as an index holds it: NFKC (full-width Latin letters and digits to half-width,
    half-width katakana to full-width), case-folded, katakana as hiragana, runs of white space
    (line breaks and full-width spaces included) as one space."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_KANA)
    return " ".join(folded.split())


def one_line(text: str) -> str:
    """`text` as written on one line: each run of line breaks and tabs as one space, the ends
    stripped, every other character (a full-width space included) kept. How a name from a
    public list is kept and shown."""
    return _BREAKS.sub(" ", text).strip()
