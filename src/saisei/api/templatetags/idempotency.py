"""`{% idempotency_field %}`: the hidden key that makes a creating form safe to send twice.

Each rendering of a form gets a new key, so a double-click (or a reload that re-sends the POST)
repeats the key and creates one record, while the form shown again after an error, or opened
again later, sends a new request (saisei.api.idempotency).
"""

from __future__ import annotations

import uuid

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from saisei.api.idempotency import FORM_FIELD

register = template.Library()


@register.simple_tag
def idempotency_field() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, uuid.uuid4())
