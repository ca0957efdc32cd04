from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def source_url(source: str) -> str:
    """A link for a cited source: web addresses as they are, DOIs through doi.org, else ''."""
    source = source.strip()
    if source.startswith(("https://", "http://")):
        return source
    if source.lower().startswith("doi:"):
        return "https://doi.org/" + source[4:].strip()
    return ""


@register.filter
def status_class(status: str | None) -> str:
    return {
        "approved": "status-ok",
        "conditional": "status-ok",
        "conditional_pending_decision": "status-warn",
        "lapsed": "status-bad",
        "revoked": "status-bad",
        "not_approved": "",
    }.get(status or "", "status-warn")


@register.filter
def status_text(status: str | None) -> str:
    """A status code in words, in the active language."""
    from saisei.products.status import status_label

    return status_label(status or None)
