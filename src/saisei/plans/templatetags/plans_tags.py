from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from saisei.plans.models import Plan

register = template.Library()


@register.filter
def local(obj: Any, field: str = "name") -> str:
    """The English name (`name_en`, `title_en`) on an English page, when there is one."""
    if obj is None:
        return ""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field, ""))


def status_css(status: str) -> str:
    """The badge's class for a plan's status."""
    if status in ("suspended", "closed", "discontinued"):
        return "status-bad"
    if status in ("restricted", "filed", "change_under_review", "change_approved"):
        return "status-warn"
    return "status-ok"


@register.filter
def status_class(plan: Plan) -> str:
    return status_css(plan.status)
