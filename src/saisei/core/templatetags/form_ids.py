"""Ids for a form's error summary, so `aria-describedby` can name it.

A field's own ids follow Django's convention (`<auto_id>_helptext`, `<auto_id>_error`: what
`BoundField.aria_describedby` names); a form's non-field errors have no such id in Django, so it
is made here from the form's prefix (or its class, for a form without one), unique on a page
where each form has its own prefix or class.
"""

from __future__ import annotations

from django import forms, template
from django.utils.text import slugify

register = template.Library()


@register.filter
def errors_id(form: forms.BaseForm) -> str:
    """The id of the form's non-field error summary."""
    return f"{slugify(form.prefix or type(form).__name__)}_errors"
