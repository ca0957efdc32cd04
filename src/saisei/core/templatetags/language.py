"""`{{ obj|localised:"title" }}`: a record's field in the page's language, a fallback marked
(`localised_ja` for a record whose field is English, with `<field>_ja` beside it).

Records carry Japanese fields (`name`, `title`) and English ones beside them (`name_en`,
`title_en`) where the filer or the law gives them. An English page shows the English field; where
there is none it shows the Japanese one, in a `lang="ja"` span, marked "(in Japanese)" so that a
reader (and a screen reader) knows why. A Japanese page shows the Japanese field, or the English
one marked "(in English)" where a record has only that.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def localised(obj: Any, field: str = "name") -> str | SafeString:
    if obj is None:
        return ""
    return _in_language(
        str(getattr(obj, field, "") or ""), str(getattr(obj, f"{field}_en", "") or "")
    )


@register.filter
def localised_ja(obj: Any, field: str) -> str | SafeString:
    """`{{ obj|localised_ja:"indication" }}`: the same for a record whose field is English, with
    the Japanese beside it in `<field>_ja` (a product's description and indication)."""
    if obj is None:
        return ""
    return _in_language(
        str(getattr(obj, f"{field}_ja", "") or ""), str(getattr(obj, field, "") or "")
    )


def _in_language(japanese: str, english: str) -> str | SafeString:
    if (get_language() or "").startswith("en"):
        if english:
            return english
        if japanese:
            return format_html(
                '<span lang="ja">{}</span> <span class="fallback">{}</span>',
                japanese,
                _("(in Japanese)"),
            )
        return ""
    if japanese or not english:
        return japanese
    return format_html(
        '<span lang="en">{}</span> <span class="fallback">{}</span>', english, _("(in English)")
    )
