from __future__ import annotations

from typing import Any

from django import template

from saisei.obligations.labels import recipient_label as _recipient_label
from saisei.obligations.labels import rule_label as _rule_label
from saisei.oversight.charts import Chart

register = template.Library()


@register.filter
def recipient_label(recipient: str) -> str:
    return _recipient_label(recipient)


@register.filter
def rule_label(rule: str) -> str:
    return _rule_label(rule)


@register.inclusion_tag("oversight/_chart.html")
def chart(value: Chart) -> dict[str, Any]:
    return {"chart": value}


@register.filter
def state_label(state: str, labels: dict[str, Any]) -> Any:
    return labels.get(state, state)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
