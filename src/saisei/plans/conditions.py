"""What a treatment is for, in broad kinds a patient searches by (Condition), read from the words
of its target disease and its name.

Neither a plan filed through Saisei nor MHLW's public list files a kind of condition: a plan names
its target disease in its own words (Plan.target_disease) and the list gives only the treatment's
name, which usually says what it treats ("変形性膝関節症に対する…", "…を用いた脊髄損傷の治療").
So the kind is inferred, and every page that shows it says so. The words are this module's
table, in Japanese and English, tried in order, the first kind with a word found winning: the
kinds that name an organ or a disease come before those that name a purpose (動脈硬化に対する…
抗加齢治療 is for the blood vessels, not for appearance), and muscles before joints (…筋肉、腱、
靭帯…の治療(関節外の軟部組織) is not for a joint). The part of a name before
に対する / を対象とした / における is read first, as the treatment's own statement of its target.

The table is search data, not law: a change to it takes effect for the rows written after it
(`saisei plans reindex` writes them all).
"""

from __future__ import annotations

import re
import unicodedata

from saisei.core.text import normalise
from saisei.plans.models import Condition

# (kind, words), in the order they are tried. The words are matched after saisei.core.text's
# normalise (NFKC, lower case, katakana as hiragana) with spaces removed, so each is written so.
CONDITION_TERMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        Condition.CANCER,
        ("がん", "癌", "悪性腫瘍", "腫瘍", "白血病", "りんぱ腫", "cancer", "tumour", "tumor"),
    ),
    (
        Condition.NERVES,
        (
            "脳卒中",
            "脳梗塞",
            "脳出血",
            "脊髄",
            "神経",
            "ぱーきんそん",
            "認知症",
            "側索硬化",
            "自閉",
            "stroke",
            "spinal",
            "nerve",
            "neuro",
            "parkinson",
            "dementia",
        ),
    ),
    (
        Condition.HEART,
        (
            "心不全",
            "心筋",
            "心疾患",
            "狭心",
            "動脈",
            "血管",
            "虚血",
            "heart",
            "cardi",
            "arter",
            "vascular",
            "ischaemi",
            "ischemi",
        ),
    ),
    (
        Condition.MOUTH,
        ("口腔", "歯", "顎骨", "顎堤", "dental", "periodont", "tooth", "teeth", "jaw", "oral"),
    ),
    (
        Condition.FERTILITY,
        (
            "卵巣",
            "子宮",
            "不妊",
            "着床",
            "精子",
            "膣",
            "ovar",
            "uterus",
            "uterine",
            "endometri",
            "fertil",
        ),
    ),
    (
        Condition.HAIR,
        ("毛髪", "脱毛", "薄毛", "育毛", "発毛", "hair", "alopecia"),
    ),
    (
        Condition.MUSCLES,
        (
            "腱",
            "靭帯",
            "靱帯",
            "筋",
            "すぽーつ",
            "骨折",
            "tendon",
            "ligament",
            "muscle",
            "sport",
            "fracture",
        ),
    ),
    (
        Condition.JOINTS,
        (
            "関節",
            "軟骨",
            "膝",
            "半月板",
            "joint",
            "cartilage",
            "knee",
            "osteoarthritis",
            "arthritis",
            "meniscus",
        ),
    ),
    (Condition.PAIN, ("疼痛", "痛み", "pain")),
    (
        Condition.SKIN,
        (
            "皮膚",
            "しわ",
            "たるみ",
            "瘢痕",
            "にきび",
            "創傷",
            "潰瘍",
            "熱傷",
            "豊胸",
            "美容",
            "抗加齢",
            "あんちえいじんぐ",
            "skin",
            "wrinkle",
            "scar",
            "wound",
            "ulcer",
            "cosmetic",
            "aesthetic",
            "ageing",
            "anti-aging",
            "antiaging",
        ),
    ),
)

# Where a treatment's name states its target: the words before these.
_TARGET_MARK = re.compile("に対する|を対象とした|を対象とする|における|に対して")
# Words matched in the text as written (NFKC, lower case) rather than with katakana as hiragana:
# がん written in hiragana is cancer, ガン in katakana may be a part of another word (ガンマ).
AS_WRITTEN = frozenset({"がん"})


def _pattern(word: str) -> str:
    # An English word starts a word ("oral" is not in "temporal", "pain" not in "spain"); it may
    # go on ("cardi" is in "cardiac"). A Japanese word is found anywhere.
    return rf"(?<![a-z]){re.escape(word)}" if word.isascii() else re.escape(word)


_PATTERNS = [
    (
        kind,
        re.compile("|".join(_pattern(w) for w in words if w not in AS_WRITTEN)),
        [w for w in words if w in AS_WRITTEN],
    )
    for kind, words in CONDITION_TERMS
]


def _kind(folded: str, written: str) -> str | None:
    for kind, pattern, as_written in _PATTERNS:
        if pattern.search(folded) or any(word in written for word in as_written):
            return kind
    return None


def _forms(text: str) -> tuple[str, str]:
    """The text as matched (saisei.core.text.normalise, without spaces) and as written (NFKC,
    lower case, without spaces); both of the same length, so a mark found in one cuts both."""
    written = unicodedata.normalize("NFKC", text).casefold()
    written = "".join(written.split())
    return normalise(text).replace(" ", ""), written


def condition_of(*texts: str | None) -> str:
    """The kind of condition these texts (a target disease, a treatment's name) name: the first
    text's stated target first, then the whole of each; Condition.OTHER if none names one."""
    forms = [_forms(text) for text in texts if text]
    for folded, written in forms:
        mark = _TARGET_MARK.search(folded)
        if mark is not None and len(folded) == len(written):
            cut = mark.start()
            if (kind := _kind(folded[:cut], written[:cut])) is not None:
                return kind
    for folded, written in forms:
        if (kind := _kind(folded, written)) is not None:
            return kind
    return Condition.OTHER
