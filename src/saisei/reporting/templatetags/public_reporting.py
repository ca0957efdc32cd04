"""`{% public_reporting plan %}`: a filed plan's reporting, as the public may see it."""

from __future__ import annotations

from typing import Any

from django import template

from saisei.core.time import legal_today
from saisei.obligations.labels import legal_name, recipient_label, rule_label
from saisei.reporting.selectors import public_reporting_summary

register = template.Library()


@register.inclusion_tag("reporting/_public_reporting.html")
def public_reporting(plan: Any) -> dict[str, Any]:
    summary = public_reporting_summary(plan, legal_today())
    last = summary["last_report"]

    def shown(duty: dict[str, Any]) -> dict[str, Any]:
        return {
            "label": rule_label(duty["rule"]),
            "legal_name": legal_name(duty["rule"]),
            "recipient": recipient_label(duty["recipient"]),
            "due_on": duty["due_on"],
            "period": duty["period"],
        }

    return {
        "timeliness": summary["timeliness"],
        "by_recipient": [
            {"recipient": recipient, "label": recipient_label(recipient), "counts": counts}
            for recipient, counts in summary["by_recipient"]
        ],
        "overdue": [shown(duty) for duty in summary["overdue"]],
        "waived": [shown(duty) for duty in summary["waived"]],
        "report": last,
        "criteria": last.figures.get("criteria", []) if last else [],
    }
