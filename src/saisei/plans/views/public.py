"""The public pages: search of filed plans and one plan's verification page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from saisei.core.errors import NotFound
from saisei.core.time import legal_today
from saisei.plans import selectors
from saisei.plans.forms import SearchForm
from saisei.plans.models import plan_may_provide
from saisei.plans.views.common import office_label


def public_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    plans = selectors.public_plan_search()
    if form.is_valid():
        plans = selectors.public_plan_search(**form.cleaned_data)
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    return render(request, "plans/public_search.html", {"form": form, "page": page})


def public_plan(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        plan = selectors.public_plan_get(pk)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "plans/public_detail.html",
        {
            "plan": plan,
            "office": office_label(plan),
            "may_provide_today": plan_may_provide(plan, legal_today()),
            "version_in_force": plan.version_in_force_on(legal_today()),
            "change_restricted": plan.change_restricted_on(legal_today()),
            "versions": selectors.public_versions(plan),
            "orders": selectors.orders_for_plan(plan),
        },
    )
