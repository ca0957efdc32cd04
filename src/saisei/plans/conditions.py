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


def _kind(text: str) -> str | None:
    for kind, words in CONDITION_TERMS:
        if any(word in text for word in words):
            return kind
    return None


def condition_of(*texts: str | None) -> str:
    """The kind of condition these texts (a target disease, a treatment's name) name: the first
    text's stated target first, then the whole of each; Condition.OTHER if none names one."""
    folded = [normalise(text).replace(" ", "") for text in texts if text]
    for text in folded:
        mark = _TARGET_MARK.search(text)
        if mark is not None and (kind := _kind(text[: mark.start()])) is not None:
            return kind
    for text in folded:
        if (kind := _kind(text)) is not None:
            return kind
    return Condition.OTHER
