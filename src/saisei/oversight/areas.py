"""The area a regulator's figures cover: the nation, a Regional Bureau's jurisdiction or one
prefecture (saisei.registry.regions). An area is a query parameter, `bureau:kinki` or
`pref:13`; anything else is the nation, so a link can never widen what a page shows by
mistake into an error."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from saisei.registry.regions import (
    BUREAUS,
    BUREAUS_BY_CODE,
    PREFECTURE_BUREAU,
    PREFECTURE_NAMES_JA,
    Prefecture,
)


@dataclass(frozen=True)
class Area:
    kind: str  # "nation", "bureau" or "prefecture"
    code: str = ""

    @property
    def param(self) -> str:
        return {"nation": "", "bureau": f"bureau:{self.code}", "prefecture": f"pref:{self.code}"}[
            self.kind
        ]

    @property
    def prefectures(self) -> tuple[str, ...] | None:
        """The prefecture codes the area covers; None for the nation (no filter at all)."""
        if self.kind == "bureau":
            return tuple(p for p, b in PREFECTURE_BUREAU.items() if b == self.code)
        if self.kind == "prefecture":
            return (self.code,)
        return None

    @property
    def label(self) -> str:
        japanese = (get_language() or "").startswith("ja")
        if self.kind == "bureau":
            bureau = BUREAUS_BY_CODE[self.code]
            return bureau.name if japanese else bureau.name_en
        if self.kind == "prefecture":
            return prefecture_label(self.code)
        return _("Japan (every prefecture)")


NATION = Area("nation")


def prefecture_label(code: str) -> str:
    if (get_language() or "").startswith("ja"):
        return PREFECTURE_NAMES_JA.get(code, code)
    return str(Prefecture(code).label) if code in Prefecture.values else code


def parse_area(value: str | None) -> Area:
    kind, _sep, code = (value or "").partition(":")
    if kind == "bureau" and code in BUREAUS_BY_CODE:
        return Area("bureau", code)
    if kind == "pref" and code in PREFECTURE_BUREAU:
        return Area("prefecture", code)
    return NATION


def area_choices() -> list[tuple[str, str]]:
    """The area menu: the nation, each bureau, then each prefecture under its bureau's name."""
    choices = [(NATION.param, NATION.label)]
    for bureau in BUREAUS:
        area = Area("bureau", bureau.code)
        choices.append((area.param, area.label))
    for code in Prefecture.values:
        area = Area("prefecture", code)
        choices.append((area.param, area.label))
    return choices


def bureau_of(prefecture: str | None) -> str:
    """The bureau code a prefecture belongs to; "" for none (a duty with no place, such as a
    committee's renewal)."""
    return PREFECTURE_BUREAU.get(prefecture or "", "")
