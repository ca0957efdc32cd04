"""The institution's pages: its plans and the plan form (draft and edit, with the class checked
before anything is saved)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from saisei.accounts.auth import page_actor
from saisei.accounts.permissions import can, organisation_ids_with
from saisei.core.errors import DomainError, NotPermitted
from saisei.core.forms import attach_errors
from saisei.core.keyset import keyset_page
from saisei.core.time import legal_today
from saisei.plans import selectors, services
from saisei.plans.forms import PlanForm, initial_from_plan, plan_field_name
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.views.common import _plan_for, _refused, list_rows, with_cursor
from saisei.registry.models import Institution

# Rows on a page of the plans list.
LIST_PAGE_SIZE = 50


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    plans = (
        selectors.plan_list_for(page_actor(request), status=status)
        .select_related(None)
        .select_related("institution")
        .only(*selectors.LIST_COLUMNS)
    )
    page = keyset_page(plans, cursor=request.GET.get("cursor") or None, limit=LIST_PAGE_SIZE)
    return render(
        request,
        "plans/list.html",
        {
            "plans": list_rows(page.items, detail="plans:detail"),
            "next_url": with_cursor(request, page.next_cursor),
            "previous_url": with_cursor(request, page.previous_cursor),
            "can_create": can(request.user, "plans.edit"),
            # Only the links the user may follow: a link to a refusal is no help.
            "can_review": can(request.user, "plans.review"),
            "can_accept": can(request.user, "plans.accept"),
            "can_order": can(request.user, "orders.issue"),
            "can_review_reports": can(request.user, "reporting.review"),
            "statuses": PlanStatus.choices,
        },
    )


def _editable_institutions(user: Any) -> Any:
    orgs = organisation_ids_with(user, "plans.edit")
    institutions = Institution.objects.order_by("name")
    return institutions if orgs is None else institutions.filter(organisation_id__in=orgs)


def _preview(form: PlanForm) -> dict[str, Any] | None:
    """The class the answers lead to, with the path, shown before anything is saved."""
    if "purpose" not in form.cleaned_data:
        return {"error": _("Choose the purpose."), "details": {}}
    try:
        result = services.classify_plan(form.answers(), legal_today())
    except DomainError as exc:
        return {"error": str(exc.message), "details": exc.details}
    return {
        "risk_class": result.risk_class.value,
        "rule": result.rule,
        "path": [step.to_record() for step in result.path],
        "procedure": result.procedure.to_dict() if result.procedure else None,
    }


@login_required
def plan_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    plan = None if pk is None else _plan_for(request, pk)
    institutions = _editable_institutions(request.user)
    if plan is not None:
        if not can(request.user, "plans.edit", plan):
            raise Http404
        if plan.status != PlanStatus.DRAFT:
            messages.error(
                request, _("Only a draft can be edited. Propose a change to a filed plan instead.")
            )
            return redirect("plans:detail", pk=plan.pk)
    elif not institutions.exists():
        return _refused(request, NotPermitted("plans.edit"))
    preview = None
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST, institutions=institutions)
        if "check" in request.POST:
            # Checking the class saves nothing, so unfinished fields are not flagged yet.
            form.is_valid()
            preview = _preview(form)
            form.errors.clear()
        elif form.is_valid():
            try:
                if plan is None:
                    plan = services.plan_create(
                        institution=form.cleaned_data["institution"],
                        actor=page_actor(request),
                        content=form.content(),
                        answers=form.answers(),
                        criteria=form.criteria(),
                        facility_ids=[f.pk for f in form.cleaned_data["facilities"]],
                        committee=form.cleaned_data["committee"],
                    )
                else:
                    services.plan_update(
                        plan=plan,
                        actor=page_actor(request),
                        content=form.content(),
                        answers=form.answers(),
                        criteria=form.criteria(),
                        facility_ids=[f.pk for f in form.cleaned_data["facilities"]],
                        committee=form.cleaned_data["committee"],
                        clear_committee=form.cleaned_data["committee"] is None,
                    )
            except DomainError as exc:
                attach_errors(form, exc, field_name=plan_field_name)
                status = exc.status if exc.status != 404 else 400
            else:
                messages.success(request, _("The plan is saved as a draft."))
                return redirect("plans:detail", pk=plan.pk)
        else:
            status = 400
    else:
        initial = initial_from_plan(plan) if plan else {"institution": institutions.first()}
        form = PlanForm(initial=initial, institutions=institutions)
    return render(
        request,
        "plans/form.html",
        {"form": form, "plan": plan, "preview": preview},
        status=status,
    )
