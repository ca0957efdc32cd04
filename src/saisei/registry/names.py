"""The keys an institution is matched by across the spellings of MHLW's public lists.

The list writes a clinic as its filer did: with a full-width space, an ordinary space or a line
break between the corporation and the clinic (`医療法人美喜有会　リペアセルクリニック札幌院`,
`医療法人美喜有会 リペアセルクリニック 札幌院`), with or without the corporation. A name is
split into the corporation that runs the facility (its legal form, e.g. 医療法人社団, and its own
name) and the facility's name, each normalised (saisei.core.text.normalise) with no white space
at all: two spellings of one prefecture with the same facility key are one institution unless
their corporations differ (a name without one matches either).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from saisei.core.text import normalise

# The legal forms a corporation that runs a hospital or clinic takes, as its name begins
# (医療法 Art 39, 42-2; the others' own Acts), longest first so that 医療法人社団 is not read as
# 医療法人 followed by a name starting 社団.
CORPORATION_FORMS = tuple(
    sorted(
        (
            normalise(form)
            for form in (
                "社会医療法人財団",
                "社会医療法人社団",
                "特定医療法人財団",
                "特定医療法人社団",
                "医療法人社団",
                "医療法人財団",
                "社会医療法人",
                "特定医療法人",
                "医療法人",
                "一般社団法人",
                "一般財団法人",
                "公益社団法人",
                "公益財団法人",
                "社会福祉法人",
                "学校法人",
                "国立大学法人",
                "公立大学法人",
                "地方独立行政法人",
                "独立行政法人",
                "特定非営利活動法人",
                "宗教法人",
                "株式会社",
                "合同会社",
                "有限会社",
            )
        ),
        key=len,
        reverse=True,
    )
)
_FORMS = frozenset("".join(form.split()) for form in CORPORATION_FORMS)
# A corporation's own name written straight on to its facility's, with no space between: up to
# the first 会 (医療法人社団悠仁会羊ヶ丘病院), the ending of most of them.
_RUN_ON = re.compile(r"(.+?会)(.+)")


class NameKey(NamedTuple):
    corporation: str  # legal form and name, normalised, without spaces; "" if none is written
    facility: str  # the facility's name, normalised, without spaces


# The small ke of place names (羊ヶ丘, 羊ケ丘), written either way: one letter in a key.
_KE = str.maketrans({"ゖ": "け", "ヶ": "け", "ヵ": "か", "ゕ": "か"})


def _squeezed(text: str) -> str:
    """A key: no spaces and no punctuation (エフ. クリニック and エフクリニック are one)."""
    return "".join(
        c for c in text.translate(_KE) if c != " " and not unicodedata.category(c).startswith("P")
    )


def legal_form_only(key: str) -> bool:
    """Whether a corporation key is a legal form with no name of its own (医療法人社団)."""
    return key in _FORMS


def name_key(name: str) -> NameKey:
    """The corporation and facility keys of an institution's name as written."""
    text = normalise(name)
    for form in CORPORATION_FORMS:
        if text.startswith(form):
            rest = text[len(form) :].lstrip()
            if " " in rest:
                own, facility = rest.split(" ", 1)
            else:
                found = _RUN_ON.fullmatch(rest)
                own, facility = found.groups() if found else ("", rest)
            if facility:
                # A legal form with no name of its own says nothing of which corporation it is.
                return NameKey(_squeezed(form + own) if own else "", _squeezed(facility))
            # Nothing but a legal form: the whole name stands for the facility.
            return NameKey("", _squeezed(text))
    return NameKey("", _squeezed(text))


def founder_key(founder: str) -> str:
    """A committee founder's name as an institution's corporation key is written, so that the
    institutions it runs are found by it ("" for a legal form alone, which names no one)."""
    key = _squeezed(normalise(founder))
    return "" if legal_form_only(key) else key
