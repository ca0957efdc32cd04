"""The regulator's pages: the filings inbox and the orders (preview, issue, lift)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saisei.accounts.auth import page_actor
from saisei.accounts.permissions import can
from saisei.core.errors import DomainError, NotPermitted
from saisei.core.forms import attach_errors
from saisei.plans import selectors, services
from saisei.plans.forms import AcceptForm, OrderForm, OrderTargetSearchForm, plan_field_name
from saisei.plans.models import SUSPENDING_ORDERS, Order, OrderKind, Plan
from saisei.plans.views.common import _refused
from saisei.registry.models import Institution, ProcessingFacility


@login_required
def filings(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "plans.accept"):
        return _refused(request, NotPermitted("plans.accept"))
    plans = selectors.filings_inbox(page_actor(request))
    return render(request, "plans/filings.html", {"plans": plans, "accept_form": AcceptForm()})


# What each kind of order rests on and does (domain.md §1.5, law v2), as the page states it.
# The citations are each language's own name of the article, not translations of each other.
ORDER_BASIS = {
    OrderKind.IMPROVEMENT: ("RM Act Art 23(1)", "再生医療等安全性確保法第23条第1項", False),
    OrderKind.PROVISION_RESTRICTION: (
        "RM Act Art 23(2)",
        "再生医療等安全性確保法第23条第2項",
        True,
    ),
    OrderKind.EMERGENCY: ("RM Act Art 22", "再生医療等安全性確保法第22条", True),
}


def _target_token(target: Any) -> str:
    kind = {Plan: "plan", Institution: "institution", ProcessingFacility: "facility"}[type(target)]
    return f"{kind}:{target.pk}"


@login_required
def orders(request: HttpRequest) -> HttpResponse:
    """Issue an order: find the target by name or number, choose it, see the order's reach and
    basis, then issue it; and the orders issued, each to lift."""
    if not can(request.user, "orders.issue"):
        return _refused(request, NotPermitted("orders.issue"))
    actor = page_actor(request)
    search = OrderTargetSearchForm(request.GET if "find" in request.GET else None)
    found = None
    if search.is_bound and search.is_valid():
        found = selectors.order_targets(
            search.cleaned_data["find"], search.cleaned_data["against"] or ""
        )
    token = request.POST.get("target") or request.GET.get("target") or ""
    target = selectors.order_target_get(token)
    form = OrderForm(
        request.POST if request.method == "POST" else None,
        initial={"target": _target_token(target) if target is not None else ""},
    )
    reach = None
    suspends = True
    status = 200
    if request.method == "POST":
        if target is None:
            form.add_error(None, _("Choose what the order is against: search, then choose."))
            status = 400
        elif form.is_valid():
            d = form.cleaned_data
            target_kind = _target_token(target).split(":")[0]
            try:
                if "confirm" in request.POST:
                    order = services.order_issue(
                        actor=actor,
                        kind=d["kind"],
                        target_kind=target_kind,
                        target=target,
                        reason=d["reason"],
                    )
                    if order.suspends:
                        message = _("The order is issued. %(count)d plans are suspended.") % {
                            "count": order.effects.count()
                        }
                    else:
                        message = _(
                            "The improvement order is issued. Provision goes on: an improvement "
                            "order restricts provision only through a further order under Art "
                            "23(2)."
                        )
                    messages.success(request, message)
                    return redirect("plans:orders")
                suspends = d["kind"] in SUSPENDING_ORDERS
                reach = services.order_preview(
                    actor=actor, kind=d["kind"], target_kind=target_kind, target=target
                )
            except DomainError as exc:
                attach_errors(form, exc, field_name=plan_field_name)
                status = exc.status
        else:
            status = 400
    kind = form.data.get("kind") if form.is_bound else None
    return render(
        request,
        "plans/orders.html",
        {
            "form": form,
            "search": search,
            "found": found,
            "target": target,
            "target_kind": _target_token(target).split(":")[0] if target is not None else "",
            "basis": ORDER_BASIS.get(kind) if kind else None,
            "reach": reach,
            "suspends": suspends,
            "orders": selectors.order_list().prefetch_related("effects"),
        },
        status=status,
    )


@login_required
@require_POST
def order_lift(request: HttpRequest, pk: int) -> HttpResponse:
    order = Order.objects.filter(pk=pk).first()
    if order is None:
        raise Http404
    try:
        services.order_lift(
            order=order,
            actor=page_actor(request),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        if isinstance(exc, NotPermitted):
            return _refused(request, exc)
        return redirect("plans:orders")
    messages.success(request, _("The order is lifted; suspended plans are restored."))
    return redirect("plans:orders")
