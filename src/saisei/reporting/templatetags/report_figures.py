"""`{{ value|figure }}`, `{{ share|percent }}`: a periodic report's figures as shown."""

from __future__ import annotations

from decimal import Decimal

from django import template

from saisei.reporting.figures import shown, shown_percent

register = template.Library()


@register.filter
def figure(value: Decimal | float | None) -> str:
    """A summary statistic to two decimals; "—" when there is none."""
    return shown(value) or "—"


@register.filter
def percent(share: Decimal | float | None) -> str:
    """A share as a percentage to one decimal, without the sign; "—" when there is none."""
    return shown_percent(share) or "—"
