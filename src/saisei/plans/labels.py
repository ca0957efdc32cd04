"""The labels of the plans' choice lists in the current language, made once per process and
language: they are the same for every visitor, and Django's get_FOO_display() hashes every lazy
label of its list on each call (three columns of fifty rows made that most of a list page's
time, and the status label a tenth of the public API's)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from saisei.plans.models import (
    PUBLIC_STATUS_CHOICES,
    Condition,
    OrderRecord,
    ReportingRecord,
    RiskClass,
    Therapy,
)
from saisei.registry.regions import Prefecture

_CHOICES: dict[str, Iterable[tuple[Any, Any]]] = {
    "prefecture": Prefecture.choices,
    "risk_class": RiskClass.choices,
    # A Saisei plan's statuses and a listed plan's (the public search shows both).
    "status": PUBLIC_STATUS_CHOICES,
    "therapy": Therapy.choices,
    # The public search's facets of what a row keeps (saisei.plans.search).
    "condition": Condition.choices,
    "reporting": ReportingRecord.choices,
    "orders": OrderRecord.choices,
}
_LABELS: dict[tuple[str, str], dict[str, str]] = {}


def choice_labels(name: str) -> dict[str, str]:
    """Value to label of the choice list `name` ("prefecture", "risk_class", "status",
    "therapy", "condition", "reporting", "orders")."""
    key = (name, get_language() or "")
    labels = _LABELS.get(key)
    if labels is None:
        labels = {str(value): str(label) for value, label in _CHOICES[name]}
        _LABELS[key] = labels
    return labels


def in_choice_order(name: str, values: Iterable[str]) -> list[str]:
    """`values` in the order of the choice list `name` (a value it does not hold comes last)."""
    order = {value: index for index, value in enumerate(choice_labels(name))}
    return sorted(values, key=lambda value: order.get(value, len(order)))


def status_label(status: str) -> str:
    return choice_labels("status").get(status, status)


def list_date(listed_on: date | None, precision: str = "day") -> str:
    """The date of one of MHLW's public lists in the current language: its day, or its month
    where the day is not known (PublicList.listed_precision)."""
    if listed_on is None:
        return ""
    if precision != "month":
        return listed_on.isoformat()
    if (get_language() or "").startswith("en"):
        return f"{calendar.month_name[listed_on.month]} {listed_on.year}"
    return f"{listed_on.year}年{listed_on.month}月"


# What the import may report of a row (ListedPlan.notes), as a patient reads it.
LISTED_NOTES = {
    "bureau_letter": _(
        "The letter in the plan number is not that of the Regional Bureau of the prefecture. "
        "What the letter means is not published; it appears to be the Regional Bureau that "
        "received the plan. The plan is shown as the list gives it."
    ),
    "class": _("MHLW's list gives another class than the plan filed through Saisei."),
    "institution": _(
        "MHLW's list names another institution than the plan filed through Saisei under this "
        "number."
    ),
    "institution_ambiguous": _(
        "The list's name of the institution fits more than one institution of the prefecture: it "
        "is shown apart from them, as which one it is is not known."
    ),
}
