"""What every plan page shares: the refusal page, the scoped read of a plan, the filing office's
name and the signed-in actor."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from saisei.accounts.auth import page_actor
from saisei.core.errors import DomainError, NotFound
from saisei.plans import selectors
from saisei.plans.models import Plan
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
