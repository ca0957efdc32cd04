"""`{% field bound_field %}`: one form field with its label, help text and errors.

The ids are Django's: `<auto_id>_helptext` for the help text and `<auto_id>_error` for the list
of errors, each present only when there is one, and Django's `aria-describedby` on the input (on
the fieldset for a group of checkboxes or radio buttons) names exactly those.

Written in Python rather than as an included template: a form's fields through two includes each
cost a search page more than its fifty rows. Every value is escaped as the template would
(conditional_escape: a value marked safe, such as the rendered widget, is kept).
"""

from __future__ import annotations

from django import forms, template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _notes(field: forms.BoundField) -> str:
    """The help text and the errors, each with its id."""
    auto_id = conditional_escape(field.auto_id) if field.auto_id else ""
    parts = []
    if field.help_text:
        id_attr = f' id="{auto_id}_helptext"' if auto_id else ""
        parts.append(f'<p class="help"{id_attr}>{conditional_escape(field.help_text)}</p>')
    if field.errors:
        id_attr = f' id="{auto_id}_error"' if auto_id else ""
        items = "".join(
            f'<li class="field-error">{conditional_escape(str(error))}</li>'
            for error in field.errors
        )
        parts.append(f'<ul class="field-errors"{id_attr}>{items}</ul>')
    return "\n  ".join(parts)


@register.simple_tag
def field(field: forms.BoundField) -> SafeString:
    css = "field has-error" if field.errors else "field"
    label = conditional_escape(field.label)
    notes = _notes(field)
    widget = conditional_escape(str(field))
    if field.use_fieldset:
        described = field.aria_describedby
        attr = f' aria-describedby="{conditional_escape(described)}"' if described else ""
        html = (
            f'<fieldset class="{css}"{attr}>\n  <legend>{label}</legend>\n  {notes}\n'
            f"  {widget}\n</fieldset>"
        )
    else:
        html = (
            f'<div class="{css}">\n'
            f'  <label for="{conditional_escape(field.id_for_label)}">{label}</label>\n'
            f"  {notes}\n  {widget}\n</div>"
        )
    return mark_safe(html)  # noqa: S308 - every value above is escaped
