"""A plan's page and the actions on it: each validates its form (if any), calls one service and
redirects, or shows the page again with the refusal."""

from __future__ import annotations

from collections.abc import Callable
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
from saisei.core.errors import DomainError, ErrorCode, NotFound, NotPermitted
from saisei.core.forms import attach_errors
from saisei.core.time import legal_today
from saisei.plans import selectors, services
from saisei.plans.forms import (
    AcceptForm,
    ChangeForm,
    DataCollectionEndForm,
    DateReasonForm,
    DiscontinueForm,
    MinorChangeForm,
    RestrictionExtendForm,
    RestrictionShortenForm,
    plan_field_name,
)
from saisei.plans.lifecycle import IN_FORCE, Action, PlanStatus, allowed_targets
from saisei.plans.models import Plan, PlanType, plan_may_provide
from saisei.plans.views.common import _plan_for, office_label


def _detail_context(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    user = request.user
    status = plan.status

    def may(action: str, permission: str) -> bool:
        return bool(allowed_targets(action, status)) and can(user, permission, plan)

    return {
        "plan": plan,
        "office": office_label(plan),
        "may_provide_today": plan_may_provide(plan, legal_today()),
        "version_in_force": plan.version_in_force_on(legal_today()),
        "change_restricted": plan.change_restricted_on(legal_today()),
        "status_changes": plan.status_changes.select_related("actor").order_by("at", "pk"),
        "versions": selectors.public_versions(plan),
        "notices": plan.notices.order_by("-event_on", "-pk"),
        "reviews": plan.reviews.select_related("opinion").order_by("-submitted_at"),
        "orders": selectors.orders_for_plan(plan),
        "can_edit": status == PlanStatus.DRAFT and can(user, "plans.edit", plan),
        "can_submit": may(Action.SUBMIT, "plans.submit"),
        "can_file": may(Action.FILE, "plans.file"),
        "can_accept": may(Action.ACCEPT, "plans.accept"),
        "can_change": may(Action.CHANGE_PROPOSE, "plans.change"),
        "can_notify_change": may(Action.CHANGE_NOTIFY, "plans.change"),
        "can_minor_change": may(Action.MINOR_CHANGE, "plans.change"),
        "can_discontinue": may(Action.DISCONTINUE, "plans.discontinue"),
        "can_close": may(Action.CLOSE, "plans.discontinue"),
        "can_end_data_collection": (
            plan.plan_type == PlanType.RESEARCH
            and plan.discontinued_on is not None
            and plan.data_collection_ended_on is None
            and can(user, "plans.discontinue", plan)
        ),
        "data_collection_form": DataCollectionEndForm(prefix="dc"),
        "accept_form": AcceptForm(),
        "change_form": ChangeForm(),
        "minor_form": MinorChangeForm(initial={"changed_on": legal_today()}),
        "discontinue_form": DiscontinueForm(
            initial={"on": legal_today()},
            prefix="dis",
            research=plan.plan_type == PlanType.RESEARCH,
        ),
        "close_form": DateReasonForm(initial={"on": legal_today()}, prefix="close"),
        # The Minister's decisions on a Class I restriction (Act Arts 8-10): the plan's own while
        # it is restricted, or its restricted change's.
        "can_change_restriction": (
            status == PlanStatus.RESTRICTED or plan.change_restricted_on(legal_today())
        )
        and can(user, "plans.accept", plan),
        "can_release_restriction": may(Action.RELEASE_RESTRICTION, "plans.accept"),
        "can_order": status in {*IN_FORCE, PlanStatus.SUSPENDED} and can(user, "orders.issue"),
        "extend_form": RestrictionExtendForm(prefix="ext", initial={"which": _which(plan, status)}),
        "shorten_form": RestrictionShortenForm(
            prefix="sho", initial={"which": _which(plan, status)}
        ),
    }


def _which(plan: Plan, status: str) -> str:
    return "plan" if status == PlanStatus.RESTRICTED else "change"


@login_required
@require_POST
def plan_restriction_extend(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    form = RestrictionExtendForm(request.POST, prefix="ext")
    return _act(
        request,
        plan,
        lambda d: services.plan_restriction_extend(
            plan=plan,
            actor=page_actor(request),
            until=d["until"],
            reason=d["reason"],
            which=d["which"],
            notified_on=d["notified_on"],
        ),
        _("The restriction is extended; the institution is notified with the reason."),
        form,
        "extend_form",
        permission="plans.accept",
    )


@login_required
@require_POST
def plan_restriction_shorten(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    form = RestrictionShortenForm(request.POST, prefix="sho")
    return _act(
        request,
        plan,
        lambda d: services.plan_restriction_shorten(
            plan=plan,
            actor=page_actor(request),
            until=d["until"],
            reason=d["reason"],
            which=d["which"],
        ),
        _("The restriction is shortened; the institution is notified."),
        form,
        "shorten_form",
        permission="plans.accept",
    )


@login_required
@require_POST
def plan_restriction_release(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return _act(
        request,
        plan,
        lambda _d: services.plan_restriction_release(plan=plan, actor=page_actor(request)),
        _("The restriction has ended: the plan is active."),
        permission="plans.accept",
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return render(request, "plans/detail.html", _detail_context(request, plan))


def _action_failed(
    request: HttpRequest, plan: Plan, exc: DomainError, **forms: Any
) -> HttpResponse:
    if isinstance(exc, NotFound):
        raise Http404
    context = _detail_context(request, plan)
    context.update(forms)
    context["action_error"] = exc.message
    for form in forms.values():
        attach_errors(form, exc, field_name=plan_field_name)
    return render(request, "plans/detail.html", context, status=exc.status)


def _done(request: HttpRequest, plan: Plan, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("plans:detail", pk=plan.pk)


def _act(
    request: HttpRequest,
    plan: Plan,
    call: Callable[[dict[str, Any]], object],
    done: str,
    form: forms.Form | None = None,
    form_name: str = "",
    invalid: str | None = None,
    permission: str | None = None,
) -> HttpResponse:
    """One action on a plan's page: validate the form (if any), call the service with the
    cleaned data, then redirect with `done` or show the page again with the refusal. With
    `permission`, one who lacks it is refused before the form is read."""
    if permission is not None and not can(request.user, permission, plan):
        return _action_failed(request, plan, NotPermitted(permission))
    try:
        if form is not None and not form.is_valid():
            raise DomainError(ErrorCode.INVALID_INPUT, invalid or _("Some fields are not valid."))
        call({} if form is None else form.cleaned_data)
    except DomainError as exc:
        return _action_failed(request, plan, exc, **({form_name: form} if form else {}))
    return _done(request, plan, done)


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return _act(
        request,
        plan,
        lambda _d: services.plan_submit(plan=plan, actor=page_actor(request)),
        _("The plan is submitted to the committee."),
    )


@login_required
@require_POST
def plan_file(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return _act(
        request,
        plan,
        lambda _d: services.plan_file(plan=plan, actor=page_actor(request)),
        _("The plan is filed with the authority."),
    )


@login_required
@require_POST
def plan_accept(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return _act(
        request,
        plan,
        lambda d: services.plan_accept(
            plan=plan, actor=page_actor(request), plan_number=d["plan_number"]
        ),
        _("The filing is accepted and the plan number issued."),
        AcceptForm(request.POST),
        "accept_form",
        invalid=_("Give the plan number (1 to 60 characters)."),
    )


@login_required
@require_POST
def plan_change(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    form = ChangeForm(request.POST)
    return _act(
        request,
        plan,
        lambda d: services.plan_change_propose(
            plan=plan, actor=page_actor(request), changes=form.changes(), reason=d["reason"]
        ),
        _("The change is submitted to the committee."),
        form,
        "change_form",
    )


@login_required
@require_POST
def plan_change_notify(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return _act(
        request,
        plan,
        lambda _d: services.plan_change_notify(plan=plan, actor=page_actor(request)),
        _("The change is notified and applied."),
    )


@login_required
@require_POST
def plan_minor_change(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return _act(
        request,
        plan,
        lambda d: services.plan_minor_change_notify(
            plan=plan,
            actor=page_actor(request),
            changes={d["field"]: d["value"]},
            changed_on=d["changed_on"],
            summary=d["summary"],
        ),
        _("The minor change is recorded with its notice."),
        MinorChangeForm(request.POST),
        "minor_form",
    )


@login_required
@require_POST
def plan_discontinue(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return _act(
        request,
        plan,
        lambda d: services.plan_discontinue(
            plan=plan,
            actor=page_actor(request),
            stopped_on=d["on"],
            reason=d["text"],
            data_collection_ended_on=d.get("data_collection_ended_on"),
        ),
        _("The plan is discontinued."),
        DiscontinueForm(request.POST, prefix="dis", research=plan.plan_type == PlanType.RESEARCH),
        "discontinue_form",
    )


@login_required
@require_POST
def plan_data_collection_end(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return _act(
        request,
        plan,
        lambda d: services.plan_data_collection_end(
            plan=plan, actor=page_actor(request), ended_on=d["ended_on"]
        ),
        _("The end of data collection is recorded; the research summary is due."),
        DataCollectionEndForm(request.POST, prefix="dc"),
        "data_collection_form",
    )


@login_required
@require_POST
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return _act(
        request,
        plan,
        lambda d: services.plan_close(
            plan=plan, actor=page_actor(request), closed_on=d["on"], summary=d["text"]
        ),
        _("The plan is closed."),
        DateReasonForm(request.POST, prefix="close"),
        "close_form",
    )
