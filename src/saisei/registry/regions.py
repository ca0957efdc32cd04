"""Prefectures and the Regional Bureau of Health and Welfare (地方厚生局) that covers each.

Class II and III provision plans are filed with the Regional Bureau of the institution's
prefecture (domain.md §1.3). Source: MHLW, 地方厚生(支)局の所在地・管轄区域
(https://www.mhlw.go.jp/kouseikyoku/), read 2026. There are seven Regional Bureaus; the
Chugoku-Shikoku Bureau's Shikoku branch (四国厚生支局) receives the filings of the four
Shikoku prefectures, so it is an office of its own here: eight filing offices in all.
Okinawa is covered by the Kyushu Bureau.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Bureau:
    code: str
    name: str
    name_en: str


BUREAUS: tuple[Bureau, ...] = (
    Bureau("hokkaido", "北海道厚生局", "Hokkaido Regional Bureau of Health and Welfare"),
    Bureau("tohoku", "東北厚生局", "Tohoku Regional Bureau of Health and Welfare"),
    Bureau(
        "kanto_shinetsu", "関東信越厚生局", "Kanto-Shinetsu Regional Bureau of Health and Welfare"
    ),
    Bureau(
        "tokai_hokuriku", "東海北陸厚生局", "Tokai-Hokuriku Regional Bureau of Health and Welfare"
    ),
    Bureau("kinki", "近畿厚生局", "Kinki Regional Bureau of Health and Welfare"),
    Bureau(
        "chugoku_shikoku",
        "中国四国厚生局",
        "Chugoku-Shikoku Regional Bureau of Health and Welfare",
    ),
    Bureau("shikoku", "四国厚生支局", "Shikoku Branch, Chugoku-Shikoku Regional Bureau"),
    Bureau("kyushu", "九州厚生局", "Kyushu Regional Bureau of Health and Welfare"),
)
BUREAUS_BY_CODE: dict[str, Bureau] = {b.code: b for b in BUREAUS}


class Prefecture(models.TextChoices):
    """The 47 prefectures by their JIS X 0401 code."""

    HOKKAIDO = "01", _("Hokkaido")
    AOMORI = "02", _("Aomori")
    IWATE = "03", _("Iwate")
    MIYAGI = "04", _("Miyagi")
    AKITA = "05", _("Akita")
    YAMAGATA = "06", _("Yamagata")
    FUKUSHIMA = "07", _("Fukushima")
    IBARAKI = "08", _("Ibaraki")
    TOCHIGI = "09", _("Tochigi")
    GUNMA = "10", _("Gunma")
    SAITAMA = "11", _("Saitama")
    CHIBA = "12", _("Chiba")
    TOKYO = "13", _("Tokyo")
    KANAGAWA = "14", _("Kanagawa")
    NIIGATA = "15", _("Niigata")
    TOYAMA = "16", _("Toyama")
    ISHIKAWA = "17", _("Ishikawa")
    FUKUI = "18", _("Fukui")
    YAMANASHI = "19", _("Yamanashi")
    NAGANO = "20", _("Nagano")
    GIFU = "21", _("Gifu")
    SHIZUOKA = "22", _("Shizuoka")
    AICHI = "23", _("Aichi")
    MIE = "24", _("Mie")
    SHIGA = "25", _("Shiga")
    KYOTO = "26", _("Kyoto")
    OSAKA = "27", _("Osaka")
    HYOGO = "28", _("Hyogo")
    NARA = "29", _("Nara")
    WAKAYAMA = "30", _("Wakayama")
    TOTTORI = "31", _("Tottori")
    SHIMANE = "32", _("Shimane")
    OKAYAMA = "33", _("Okayama")
    HIROSHIMA = "34", _("Hiroshima")
    YAMAGUCHI = "35", _("Yamaguchi")
    TOKUSHIMA = "36", _("Tokushima")
    KAGAWA = "37", _("Kagawa")
    EHIME = "38", _("Ehime")
    KOCHI = "39", _("Kochi")
    FUKUOKA = "40", _("Fukuoka")
    SAGA = "41", _("Saga")
    NAGASAKI = "42", _("Nagasaki")
    KUMAMOTO = "43", _("Kumamoto")
    OITA = "44", _("Oita")
    MIYAZAKI = "45", _("Miyazaki")
    KAGOSHIMA = "46", _("Kagoshima")
    OKINAWA = "47", _("Okinawa")


def _codes(first: int, last: int) -> list[str]:
    return [f"{n:02d}" for n in range(first, last + 1)]


# Prefecture code → bureau code, as the MHLW page lists the jurisdictions.
PREFECTURE_BUREAU: dict[str, str] = {
    "01": "hokkaido",
    **dict.fromkeys(_codes(2, 7), "tohoku"),
    **dict.fromkeys(_codes(8, 15), "kanto_shinetsu"),
    "16": "tokai_hokuriku",
    "17": "tokai_hokuriku",
    "18": "kinki",  # Fukui is in the Kinki Bureau's jurisdiction, not Tokai-Hokuriku's
    "19": "kanto_shinetsu",
    "20": "kanto_shinetsu",
    **dict.fromkeys(_codes(21, 24), "tokai_hokuriku"),
    **dict.fromkeys(_codes(25, 30), "kinki"),
    **dict.fromkeys(_codes(31, 35), "chugoku_shikoku"),
    **dict.fromkeys(_codes(36, 39), "shikoku"),
    **dict.fromkeys(_codes(40, 47), "kyushu"),
}


def bureau_for_prefecture(code: str) -> Bureau:
    return BUREAUS_BY_CODE[PREFECTURE_BUREAU[code]]


# The prefectures' own names (JIS X 0401), as MHLW's public lists write them.
PREFECTURE_NAMES_JA: dict[str, str] = dict(
    zip(
        [f"{n:02d}" for n in range(1, 48)],
        [
            "北海道",
            "青森県",
            "岩手県",
            "宮城県",
            "秋田県",
            "山形県",
            "福島県",
            "茨城県",
            "栃木県",
            "群馬県",
            "埼玉県",
            "千葉県",
            "東京都",
            "神奈川県",
            "新潟県",
            "富山県",
            "石川県",
            "福井県",
            "山梨県",
            "長野県",
            "岐阜県",
            "静岡県",
            "愛知県",
            "三重県",
            "滋賀県",
            "京都府",
            "大阪府",
            "兵庫県",
            "奈良県",
            "和歌山県",
            "鳥取県",
            "島根県",
            "岡山県",
            "広島県",
            "山口県",
            "徳島県",
            "香川県",
            "愛媛県",
            "高知県",
            "福岡県",
            "佐賀県",
            "長崎県",
            "熊本県",
            "大分県",
            "宮崎県",
            "鹿児島県",
            "沖縄県",
        ],
        strict=True,
    )
)
PREFECTURE_BY_NAME_JA: dict[str, str] = {name: code for code, name in PREFECTURE_NAMES_JA.items()}
