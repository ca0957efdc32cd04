"""What every plan page shares: the refusal page, the scoped read of a plan, the filing office's
name and the signed-in actor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from saisei.accounts.auth import page_actor
from saisei.core.errors import DomainError, NotFound
from saisei.core.links import url_maker
from saisei.plans import selectors
from saisei.plans.labels import choice_labels
from saisei.plans.models import Plan
from saisei.plans.templatetags.plans_tags import status_css
from saisei.registry.regions import BUREAUS_BY_CODE


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        raise Http404
    return render(request, "plans/refused.html", {"message": exc.message}, status=exc.status)


def _plan_for(request: HttpRequest, pk: int) -> Plan:
    try:
        return selectors.plan_get_for(page_actor(request), pk)
    except NotFound:
        raise Http404 from None


def office_label(plan: Plan) -> str:
    if plan.filing_office == "mhlw":
        return _("Minister of Health, Labour and Welfare")
    bureau = BUREAUS_BY_CODE.get(plan.filing_office)
    if bureau is None:
        return ""
    return bureau.name_en if (get_language() or "").startswith("en") else bureau.name


def with_cursor(request: HttpRequest, cursor: str | None) -> str | None:
    """This list's address with another page's cursor (saisei.core.keyset), its filters kept;
    None when there is no such page."""
    if cursor is None:
        return None
    query = request.GET.copy()
    query.pop("page", None)
    query["cursor"] = cursor
    return "?" + query.urlencode()


def list_rows(
    rows: Iterable[Any], *, detail: str, institution: str | None = None
) -> list[dict[str, Any]]:
    """What a list of plans shows of each, as plain values in the current language (the template
    only places them). A row is a search row (selectors.SEARCH_ROW_COLUMNS of a PublicPlan, as
    values: a plan filed through Saisei, or one of MHLW's list, whose page is the list's) or a
    plan read with its institution and only the list's columns (selectors.LIST_COLUMNS)."""
    english = (get_language() or "").startswith("en")
    prefectures = choice_labels("prefecture")
    classes = choice_labels("risk_class")
    statuses = choice_labels("status")
    plan_url = url_maker(detail)
    listed_url = url_maker("plans:listed")
    institution_url = url_maker(institution) if institution else None
    out = []
    for row in rows:
        if isinstance(row, Plan):
            pk, name, name_en = row.pk, row.institution.name, row.institution.name_en
            prefecture, filed_on = "", None
            title, title_en, number = row.title, row.title_en, row.plan_number
            institution_id, risk_class, status = row.institution_id, row.risk_class, row.status
            url = plan_url(pk)
        else:
            pk, name, name_en = row["plan_id"], row["institution_name"], row["institution_name_en"]
            prefecture, filed_on = prefectures.get(row["prefecture"], ""), row["filed_on"]
            # A plan known only from MHLW's list is shown as the list shows it.
            url = plan_url(pk) if pk is not None else listed_url(row["plan_number"])
            title, title_en, number = row["title"], row["title_en"], row["plan_number"]
            institution_id, risk_class, status = (
                row["institution_id"],
                row["risk_class"],
                row["status"],
            )
        out.append(
            {
                "pk": pk,
                "url": url,
                "title": title_en if english and title_en else title,
                "plan_number": number or "\u2014",
                "institution": name_en if english and name_en else name,
                "institution_url": institution_url(institution_id) if institution_url else "",
                "prefecture": prefecture,
                "risk_class": classes.get(risk_class, risk_class),
                "status": statuses.get(status, status),
                "status_class": status_css(status),
                "filed_on": filed_on.isoformat() if filed_on else "",
            }
        )
    return out
