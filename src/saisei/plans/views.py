"""Pages for provision plans: the institution's plans and form, the committee's queue, the
regulator's filings inbox and orders, and the public verification and search pages.

Views parse input and call one service; a refusal is shown on the page, translated, with status
400 (or 403/404/409 as the service says) and nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saisei.accounts.models import User
from saisei.accounts.permissions import can, ensure_can, organisation_ids_with
from saisei.core.errors import DomainError, NotFound, NotPermitted
from saisei.plans import selectors, services
from saisei.plans.forms import (
    AcceptForm,
    ChangeForm,
    DataCollectionEndForm,
    DateReasonForm,
    DiscontinueForm,
    MinorChangeForm,
    OpinionForm,
    OrderForm,
    PlanForm,
    SearchForm,
    attach_errors,
    initial_from_plan,
)
from saisei.plans.lifecycle import Action, PlanStatus, allowed_targets
from saisei.plans.models import (
    SUSPENDING_ORDERS,
    Order,
    OrderTarget,
    Plan,
    PlanType,
    plan_may_provide,
)
from saisei.plans.quorum import describe
from saisei.registry.models import Institution, ProcessingFacility
from saisei.registry.regions import BUREAUS_BY_CODE


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        raise Http404
    return render(request, "plans/refused.html", {"message": exc.message}, status=exc.status)


def _plan_for(request: HttpRequest, pk: int) -> Plan:
    try:
        return selectors.plan_get_for(request.user, pk)
    except NotFound:
        raise Http404 from None


def office_label(plan: Plan) -> str:
    if plan.filing_office == "mhlw":
        return _("Minister of Health, Labour and Welfare")
    bureau = BUREAUS_BY_CODE.get(plan.filing_office)
    if bureau is None:
        return ""
    return bureau.name_en if (get_language() or "").startswith("en") else bureau.name


# --- institution ---------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plan_list_for(request.user, status=request.GET.get("status") or None)
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/list.html",
        {
            "page": page,
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
        result = services.classify_plan(form.answers(), services.today())
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
                        actor=request.user,  # type: ignore[arg-type]
                        content=form.content(),
                        answers=form.answers(),
                        criteria=form.criteria(),
                        facility_ids=[f.pk for f in form.cleaned_data["facilities"]],
                        committee=form.cleaned_data["committee"],
                    )
                else:
                    services.plan_update(
                        plan=plan,
                        actor=request.user,  # type: ignore[arg-type]
                        content=form.content(),
                        answers=form.answers(),
                        criteria=form.criteria(),
                        facility_ids=[f.pk for f in form.cleaned_data["facilities"]],
                        committee=form.cleaned_data["committee"],
                        clear_committee=form.cleaned_data["committee"] is None,
                    )
            except DomainError as exc:
                attach_errors(form, exc)
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


def _detail_context(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    user = request.user
    status = plan.status

    def may(action: str, permission: str) -> bool:
        return bool(allowed_targets(action, status)) and can(user, permission, plan)

    return {
        "plan": plan,
        "office": office_label(plan),
        "may_provide_today": plan_may_provide(plan, services.today()),
        "version_in_force": plan.version_in_force_on(services.today()),
        "change_restricted": plan.change_restricted_on(services.today()),
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
        "minor_form": MinorChangeForm(initial={"changed_on": services.today()}),
        "discontinue_form": DiscontinueForm(
            initial={"on": services.today()},
            prefix="dis",
            research=plan.plan_type == PlanType.RESEARCH,
        ),
        "close_form": DateReasonForm(initial={"on": services.today()}, prefix="close"),
    }


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return render(request, "plans/detail.html", _detail_context(request, plan))


def _action_failed(request: HttpRequest, plan: Plan, exc: DomainError, **forms: Any) -> Any:
    if isinstance(exc, NotFound):
        raise Http404
    context = _detail_context(request, plan)
    context.update(forms)
    context["action_error"] = exc.message
    for form in forms.values():
        attach_errors(form, exc)
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
) -> HttpResponse:
    """One action on a plan's page: validate the form (if any), call the service with the
    cleaned data, then redirect with `done` or show the page again with the refusal."""
    try:
        if form is not None and not form.is_valid():
            raise DomainError("invalid_input", invalid or _("Some fields are not valid."))
        call({} if form is None else form.cleaned_data)
    except DomainError as exc:
        return _action_failed(request, plan, exc, **({form_name: form} if form else {}))
    return _done(request, plan, done)


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # login_required: never anonymous


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return _act(
        request,
        plan,
        lambda _d: services.plan_submit(plan=plan, actor=_actor(request)),
        _("The plan is submitted to the committee."),
    )


@login_required
@require_POST
def plan_file(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return _act(
        request,
        plan,
        lambda _d: services.plan_file(plan=plan, actor=_actor(request)),
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
            plan=plan, actor=_actor(request), plan_number=d["plan_number"]
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
            plan=plan, actor=_actor(request), changes=form.changes(), reason=d["reason"]
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
        lambda _d: services.plan_change_notify(plan=plan, actor=_actor(request)),
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
            actor=_actor(request),
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
            actor=_actor(request),
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
            plan=plan, actor=_actor(request), ended_on=d["ended_on"]
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
            plan=plan, actor=_actor(request), closed_on=d["on"], summary=d["text"]
        ),
        _("The plan is closed."),
        DateReasonForm(request.POST, prefix="close"),
        "close_form",
    )


# --- committee -----------------------------------------------------------------------------------


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "plans.review"):
        return _refused(request, NotPermitted("plans.review"))
    reviews = selectors.review_queue_for(request.user)
    return render(request, "plans/review_queue.html", {"reviews": reviews})


def _review_for(request: HttpRequest, pk: int) -> Any:
    try:
        review = selectors.review_get_for(request.user, pk)
        ensure_can(request.user, "plans.review", review.committee)
    except NotFound:
        raise Http404 from None
    except NotPermitted:
        raise Http404 from None
    return review


def _review_context(review: Any, **extra: Any) -> dict[str, Any]:
    meetings = review.meetings.order_by("-held_on", "-pk")
    members = review.committee.members.filter(is_active=True).order_by("category", "name")
    quorate = meetings.filter(quorate=True)
    return {
        "review": review,
        "plan": review.plan,
        "members": members,
        "meetings": [
            {"meeting": m, "report": [{**e, "text": describe(e)} for e in m.quorum_report]}
            for m in meetings
        ],
        "opinion_form": extra.pop("opinion_form", None) or OpinionForm(meetings=quorate),
        "today": services.today(),
        **extra,
    }


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_for(request, pk)
    return render(request, "plans/review_detail.html", _review_context(review))


@login_required
@require_POST
def review_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_for(request, pk)
    attendance = [
        {
            "member_id": member.pk,
            "present": request.POST.get(f"present_{member.pk}") == "on",
            "conflicted": request.POST.get(f"conflicted_{member.pk}") == "on",
            "conflict_note": request.POST.get(f"note_{member.pk}", ""),
        }
        for member in review.committee.members.filter(is_active=True)
    ]
    try:
        from datetime import date

        try:
            held_on = date.fromisoformat(request.POST.get("held_on", ""))
        except ValueError:
            raise DomainError(
                "invalid_input",
                _("Enter the date of the meeting."),
                details={"errors": [{"field": "held_on", "message": _("Enter a valid date.")}]},
            ) from None
        meeting = services.meeting_record(
            review=review,
            actor=request.user,  # type: ignore[arg-type]
            held_on=held_on,
            attendance=attendance,
            location=request.POST.get("location", ""),
        )
    except DomainError as exc:
        context = _review_context(review, meeting_error=exc.message)
        return render(request, "plans/review_detail.html", context, status=exc.status)
    if meeting.quorate:
        messages.success(request, _("The meeting is recorded. It was valid."))
    else:
        messages.error(
            request, _("The meeting is recorded, but it was not valid: it cannot give an opinion.")
        )
    return redirect("plans:review", pk=review.pk)


@login_required
@require_POST
def review_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_for(request, pk)
    form = OpinionForm(request.POST, meetings=review.meetings.all())
    try:
        if not form.is_valid():
            raise DomainError("invalid_input", _("Some fields are not valid."))
        d = form.cleaned_data
        services.review_record_opinion(
            review=review,
            meeting=d["meeting"],
            actor=request.user,  # type: ignore[arg-type]
            decision=d["decision"],
            reasons=d["reasons"],
            scientific_validity=d["scientific_validity"],
            conditions=d["conditions"],
        )
    except DomainError as exc:
        attach_errors(form, exc)
        context = _review_context(review, opinion_form=form)
        return render(request, "plans/review_detail.html", context, status=exc.status)
    messages.success(request, _("The opinion is recorded."))
    return redirect("plans:reviews")


# --- regulator -----------------------------------------------------------------------------------


@login_required
def filings(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "plans.accept"):
        return _refused(request, NotPermitted("plans.accept"))
    plans = selectors.filings_inbox(request.user)
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
            model = {
                OrderTarget.PLAN: Plan,
                OrderTarget.INSTITUTION: Institution,
                OrderTarget.FACILITY: ProcessingFacility,
            }[d["target_kind"]]
            target = model.objects.filter(pk=d["target_id"]).first()
            try:
                if "confirm" in request.POST:
                    order = services.order_issue(
                        actor=request.user,  # type: ignore[arg-type]
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
                    actor=request.user,  # type: ignore[arg-type]
                    kind=d["kind"],
                    target_kind=d["target_kind"],
                    target=target,
                )
            except DomainError as exc:
                attach_errors(form, exc)
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
            actor=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        if isinstance(exc, NotPermitted):
            return _refused(request, exc)
        return redirect("plans:orders")
    messages.success(request, _("The order is lifted; suspended plans are restored."))
    return redirect("plans:orders")


# --- public --------------------------------------------------------------------------------------


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
            "may_provide_today": plan_may_provide(plan, services.today()),
            "version_in_force": plan.version_in_force_on(services.today()),
            "change_restricted": plan.change_restricted_on(services.today()),
            "versions": selectors.public_versions(plan),
            "orders": selectors.orders_for_plan(plan),
        },
    )
