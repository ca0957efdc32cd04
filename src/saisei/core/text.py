"""Text as Saisei compares it: the public search's index and query, and the keys institutions are
matched by across the spellings of MHLW's public lists.

`normalise` uses Unicode's own compatibility normalisation (NFKC, from the standard library's
unicodedata, which follows the Unicode version of the running Python): full-width Latin letters,
digits and spaces to their ordinary forms and half-width katakana to full-width, which is what
jaconv's or mojimoji's width conversions do for this text. Katakana are then folded to
hiragana, so that either script finds the other.

`romanise` writes Japanese in Latin letters, so that an English speaker's "Sapporo" or "clinic"
finds 札幌 and クリニック. It uses cutlet, which reads the text with the MeCab tokenizer (fugashi)
and the UniDic dictionary (unidic-lite): place names are read as UniDic reads them (東京 "Tokyo",
札幌 "Sapporo", not a reading character by character), and katakana loanwords come back in their
English spelling (クリニック "clinic", セル "cell"). pykakasi, the other maintained romaniser,
reads character by character from its own table ("toukyou", "kurinikku"), which is not what an
English speaker types. A reading is a guess: it is used to find, never shown as a name.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

# Katakana to hiragana (ァ U+30A1 … ヶ U+30F6 to ぁ U+3041 … ゖ U+3096), so either script finds
# the other; NFKC has already made half-width katakana full-width.
_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
_KANA = str.maketrans({chr(code): chr(code - 0x60) for code in range(0x30A1, 0x30F7)})
# Variant forms of kanji (異体字) that names are written in, each as its common form: 髙橋 and
# 高橋 are one name to a reader. NFKC leaves these alone (they are unified ideographs, 﨑 among
# them, not compatibility ones). Only variants of one character: 沢 and 澤 yes, 渕 and 淵 (two
# characters, both common in names) no.
ITAIJI = {
    "髙": "高",
    "﨑": "崎",
    "嵜": "崎",
    "德": "徳",
    "邊": "辺",
    "邉": "辺",
    "齋": "斎",
    "齊": "斉",
    "濱": "浜",
    "澤": "沢",
    "櫻": "桜",
    "廣": "広",
    "國": "国",
    "眞": "真",
    "惠": "恵",
    "冨": "富",
    "峯": "峰",
    "嶋": "島",
    "嶌": "島",
    "舘": "館",
}
_ITAIJI = str.maketrans(ITAIJI)


def normalise(text: str) -> str:
    """`text` as an index holds it: NFKC (full-width Latin letters and digits to half-width,
    half-width katakana to full-width), case-folded, katakana as hiragana, variant kanji as
    their common form (ITAIJI), runs of white space (line breaks and full-width spaces
    included) as one space."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_KANA).translate(_ITAIJI)
    return " ".join(folded.split())


def csv_cell(text: str) -> str:
    """Written text as a CSV cell a spreadsheet shows as text, never runs as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def one_line(text: str) -> str:
    """`text` as written on one line: each run of line breaks and tabs as one space, the ends
    stripped, every other character (a full-width space included) kept. How a name from a
    public list is kept and shown."""
    return _BREAKS.sub(" ", text).strip()


# Long vowels as Hepburn without macrons writes them and as English speakers mostly do not
# (Hokkaidou, Hokkaido; byouin, byoin): a reading is indexed both ways.
_LONG_VOWELS = re.compile(r"(?<=[ou])u|(?<=o)o", re.IGNORECASE)
_romaniser: Any = None
# cutlet's tagger (MeCab through fugashi) is not known to be safe across threads.
_romaniser_lock = threading.Lock()


# Institutions have several plans each: a rebuild of the index reads each name about thrice.
@lru_cache(maxsize=16384)
def romanise(text: str) -> str:
    """`text` in Latin letters (modified Hepburn, as cutlet writes it), with a second spelling
    that drops long vowels' second letter where that differs ("Hokkaidou Hokkaido"); "" for a
    text with no Japanese in it. The dictionary is loaded on first use (about 0.1 s)."""
    if text.isascii():
        return ""
    global _romaniser
    with _romaniser_lock:
        if _romaniser is None:
            import cutlet

            _romaniser = cutlet.Cutlet()
        reading = str(_romaniser.romaji(text))
    reading = " ".join(reading.split())
    folded = _LONG_VOWELS.sub("", reading)
    return reading if folded == reading else f"{reading} {folded}"
