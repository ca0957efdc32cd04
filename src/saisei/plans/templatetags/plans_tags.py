from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from saisei.plans.models import Plan

register = template.Library()


@register.filter
def local(obj: Any, field: str = "name") -> str:
    """The English name (`name_en`, `title_en`) on an English page, when there is one."""
    if obj is None:
        return ""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field, ""))


def status_css(status: str) -> str:
    """The badge's class for a plan's status."""
    if status in ("suspended", "closed", "discontinued"):
        return "status-bad"
    if status == "delisted":
        return "status-warn"
    if status in ("restricted", "filed", "change_under_review", "change_approved"):
        return "status-warn"
    return "status-ok"


@register.filter
def status_class(plan: Plan) -> str:
    return status_css(plan.status)


# One row of the public search (views.common.list_rows gives its values, already in the page's
# language).
_SEARCH_ROW = (
    '<tr><td><a href="{url}">{title}</a></td><td>{plan_number}</td>'
    '<td><a href="{institution_url}">{institution}</a></td>\n'
    "    <td>{prefecture}</td><td>{risk_class}</td>\n"
    '    <td><span class="badge {status_class}">{status}</span></td><td>{filed_on}</td></tr>'
)
_SEARCH_CELLS = (
    "url",
    "title",
    "plan_number",
    "institution_url",
    "institution",
    "prefecture",
    "risk_class",
    "status_class",
    "status",
    "filed_on",
)


@register.simple_tag
def search_rows(plans: list[dict[str, Any]]) -> SafeString:
    """The public search's table rows, every value escaped. Written out here rather than in the
    template: fifty rows of ten cells through the template engine cost a search page more than
    its query and the rest of the page together."""
    return mark_safe(  # noqa: S308 - every value is escaped (html.escape, quotes included)
        "\n".join(
            _SEARCH_ROW.format(**{cell: escape(str(row[cell])) for cell in _SEARCH_CELLS})
            for row in plans
        )
    )


_FACET_VALUE = '<li><a href="{url}">{label}</a> <span class="count">({count})</span></li>'
_FACET_CHOSEN = (
    '<li><a href="{url}" aria-current="true" class="chosen">{label}</a> '
    '<span class="count">({count})</span> <span class="visually-hidden">{hint}</span></li>'
)


@register.simple_tag
def facet_values(values: list[dict[str, Any]]) -> SafeString:
    """A facet's values as list items (views.public._facet_links), every value escaped: the
    chosen one says that choosing it again shows every value. Written out here, as the search's
    rows are, so that some sixty values cost no more than the page's query."""
    hint = escape(gettext("chosen: select again to show all"))
    return mark_safe(  # noqa: S308 - every value is escaped (html.escape, quotes included)
        "\n".join(
            (_FACET_CHOSEN if value["chosen"] else _FACET_VALUE).format(
                url=escape(value["url"]),
                label=escape(str(value["label"])),
                count=f"{value['count']:,}",
                hint=hint,
            )
            for value in values
        )
    )
