"""Public product pages (no sign-in): the list with filters and one page per product."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saisei.accounts.auth import page_actor
from saisei.accounts.permissions import can
from saisei.core.errors import DomainError
from saisei.core.forms import attach_errors
from saisei.core.time import legal_today
from saisei.products import services
from saisei.products.forms import AsOfForm, DecisionForm, GrantForm, ProductFilterForm
from saisei.products.models import Approval
from saisei.products.selectors import approval_duties, product_get, product_row, product_rows
from saisei.products.services import REGULATOR_PERMISSION
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


def product_detail(
    request: HttpRequest,
    slug: str,
    *,
    failed: tuple[int, str, forms.Form] | None = None,
    error_status: int = 200,
) -> HttpResponse:
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
    may_decide = can(request.user, REGULATOR_PERMISSION)

    def action_form(approval: Any, name: str, make: type[forms.Form]) -> forms.Form | None:
        if not may_decide:
            return None
        if failed is not None and failed[0] == approval.pk and failed[1] == name:
            return failed[2]
        return make(prefix=f"{name}{approval.pk}")

    approvals = [
        {
            "approval": approval,
            "status": compute_status(
                approval, as_of, events=approval.events.all(), gaps=approval.status_gaps.all()
            ),
            "duties": duties.get(approval.pk, []),
            # The Minister's decisions, for a regulator: a decision on a granted approval, or
            # the grant of an application under review.
            "decision_form": action_form(approval, "d", DecisionForm)
            if approval.approved_on
            else None,
            "grant_form": None if approval.approved_on else action_form(approval, "g", GrantForm),
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
        status=error_status if failed is not None else status,
    )


def _approval_action(
    request: HttpRequest, pk: int, name: str, make: type[forms.Form], call: Any, done: str
) -> HttpResponse:
    approval = Approval.objects.select_related("product").filter(pk=pk).first()
    if approval is None:
        raise Http404
    slug = approval.product.slug
    if not can(request.user, REGULATOR_PERMISSION, approval):
        return render(
            request,
            "refused.html",
            {"message": _("Only a regulator may record the Minister's decisions.")},
            status=403,
        )
    form = make(request.POST, prefix=f"{name}{approval.pk}")
    if not form.is_valid():
        return product_detail(request, slug, failed=(approval.pk, name, form), error_status=400)
    try:
        call(approval, form.cleaned_data)
    except DomainError as exc:
        attach_errors(form, exc)
        return product_detail(
            request, slug, failed=(approval.pk, name, form), error_status=exc.status
        )
    messages.success(request, done)
    return redirect("products:detail", slug=slug)


@login_required
@require_POST
def approval_decision(request: HttpRequest, pk: int) -> HttpResponse:
    return _approval_action(
        request,
        pk,
        "d",
        DecisionForm,
        lambda approval, d: services.decision_record(
            approval=approval, actor=page_actor(request), **d
        ),
        _("The decision is recorded on the approval's timeline."),
    )


@login_required
@require_POST
def approval_grant(request: HttpRequest, pk: int) -> HttpResponse:
    return _approval_action(
        request,
        pk,
        "g",
        GrantForm,
        lambda approval, d: services.approval_grant(
            approval=approval, actor=page_actor(request), **d
        ),
        _("The application is granted."),
    )
