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

from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import RiskClass, Therapy
from saisei.registry.regions import Prefecture

_CHOICES: dict[str, Iterable[tuple[Any, Any]]] = {
    "prefecture": Prefecture.choices,
    "risk_class": RiskClass.choices,
    "status": PlanStatus.choices,
    "therapy": Therapy.choices,
}
_LABELS: dict[tuple[str, str], dict[str, str]] = {}


def choice_labels(name: str) -> dict[str, str]:
    """Value to label of the choice list `name` ("prefecture", "risk_class", "status",
    "therapy")."""
    key = (name, get_language() or "")
    labels = _LABELS.get(key)
    if labels is None:
        labels = {str(value): str(label) for value, label in _CHOICES[name]}
        _LABELS[key] = labels
    return labels


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
