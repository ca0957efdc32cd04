"""Public product pages (no sign-in): the list with filters and one page per product."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from saisei.core.time import legal_today
from saisei.products.forms import AsOfForm, ProductFilterForm
from saisei.products.selectors import approval_duties, product_get, product_row, product_rows
from saisei.products.status import compute_status


def product_list(request: HttpRequest) -> HttpResponse:
    form = ProductFilterForm(request.GET or None)
    as_of = legal_today()
    rows = []
    if form.is_bound and not form.is_valid():
        # Bad filters show the form with its errors and no results, never a wrong list.
        status = 400
    else:
        status = 200
        data = form.cleaned_data if form.is_bound else {}
        as_of = data.get("as_of") or as_of
        rows = product_rows(
            as_of=as_of,
            status=data.get("status") or None,
            category=data.get("category") or None,
            approval_type=data.get("approval_type") or None,
        )
    return render(
        request,
        "products/list.html",
        {"form": form, "rows": rows, "as_of": as_of},
        status=status,
    )


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_get(slug)
    if product is None:
        raise Http404
    form = AsOfForm(request.GET or None)
    as_of = legal_today()
    status = 200
    if form.is_bound:
        if form.is_valid():
            as_of = form.cleaned_data.get("as_of") or as_of
        else:
            status = 400
    row = product_row(product, as_of)
    duties = approval_duties([a.pk for a in product.approvals.all()])
    approvals = [
        {
            "approval": approval,
            "status": compute_status(
                approval, as_of, events=approval.events.all(), gaps=approval.status_gaps.all()
            ),
            "duties": duties.get(approval.pk, []),
        }
        for approval in product.approvals.all()
    ]
    return render(
        request,
        "products/detail.html",
        {
            "product": product,
            "row": row,
            "approvals": approvals,
            "as_of": as_of,
            "form": form,
        },
        status=status,
    )
