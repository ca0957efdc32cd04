"""`{% patient_field obj "patient_code" %}`: a patient-level field, for those who may see it.

Pages show patient-level fields only through this tag, which asks the one declaration
(saisei.reporting.visibility) about the signed-in user; anyone else gets an empty string (or,
with `as name`, an empty variable to test).
"""

from __future__ import annotations

from typing import Any

from django import template

from saisei.reporting.visibility import patient_field as visible_value

register = template.Library()


@register.simple_tag(takes_context=True)
def patient_field(context: template.Context, obj: Any, field: str) -> Any:
    request = context.get("request")
    user = getattr(request, "user", None)
    value = visible_value(obj, field, user)
    return "" if value is None else value
