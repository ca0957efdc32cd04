"""The regulator's pages: the filings inbox and the orders (preview, issue, lift)."""

from __future__ import annotations

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
from saisei.plans.forms import AcceptForm, OrderForm, plan_field_name
from saisei.plans.models import SUSPENDING_ORDERS, Order, OrderTarget, Plan
from saisei.plans.views.common import _refused
from saisei.registry.models import Institution, ProcessingFacility


@login_required
def filings(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "plans.accept"):
        return _refused(request, NotPermitted("plans.accept"))
    plans = selectors.filings_inbox(page_actor(request))
    return render(request, "plans/filings.html", {"plans": plans, "accept_form": AcceptForm()})


@login_required
def orders(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "orders.issue"):
        return _refused(request, NotPermitted("orders.issue"))
    form = OrderForm(request.POST or None)
    reach = None
    suspends = True
    status = 200
    if request.method == "POST":
        target = None
        if form.is_valid():
            d = form.cleaned_data
            models: dict[str, type[Plan] | type[Institution] | type[ProcessingFacility]] = {
                OrderTarget.PLAN: Plan,
                OrderTarget.INSTITUTION: Institution,
                OrderTarget.FACILITY: ProcessingFacility,
            }
            target = models[d["target_kind"]].objects.filter(pk=d["target_id"]).first()
            try:
                if "confirm" in request.POST:
                    order = services.order_issue(
                        actor=page_actor(request),
                        kind=d["kind"],
                        target_kind=d["target_kind"],
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
                    actor=page_actor(request),
                    kind=d["kind"],
                    target_kind=d["target_kind"],
                    target=target,
                )
            except DomainError as exc:
                attach_errors(form, exc, field_name=plan_field_name)
                status = exc.status
        else:
            status = 400
    return render(
        request,
        "plans/orders.html",
        {
            "form": form,
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
