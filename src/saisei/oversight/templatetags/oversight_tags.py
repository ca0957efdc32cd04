from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from saisei.obligations.labels import recipient_label as _recipient_label
from saisei.obligations.labels import rule_label as _rule_label
from saisei.oversight.charts import Chart, render

register = template.Library()


@register.filter
def recipient_label(recipient: str) -> str:
    return _recipient_label(recipient)


@register.filter
def rule_label(rule: str) -> str:
    return _rule_label(rule)


@register.simple_tag
def chart(value: Chart) -> SafeString:
    """The chart's picture and its table (saisei.oversight.charts.render)."""
    return render(value)


@register.filter
def state_label(state: str, labels: dict[str, Any]) -> Any:
    return labels.get(state, state)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
