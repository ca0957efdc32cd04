from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from saisei.core.errors import NotFound
from saisei.plans.selectors import orders_for_institution, public_plan_search
from saisei.registry import selectors


def institution_public(request: HttpRequest, pk: int) -> HttpResponse:
    """Public verification page of an institution: its filed plans and any orders."""
    try:
        institution = selectors.institution_get(pk)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "registry/institution_public.html",
        {
            "institution": institution,
            "plans": public_plan_search(institution_id=institution.pk),
            "orders": orders_for_institution(institution),
        },
    )
