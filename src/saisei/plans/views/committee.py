"""The committee's pages: the review queue, a review with its meetings and the opinion."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saisei.accounts.auth import page_actor
from saisei.accounts.permissions import can, ensure_can
from saisei.core.errors import (
    DomainError,
    ErrorCode,
    NotFound,
    NotPermitted,
    field_error,
    invalid_fields,
)
from saisei.core.forms import attach_errors
from saisei.core.time import legal_today
from saisei.plans import selectors, services
from saisei.plans.forms import OpinionForm, plan_field_name
from saisei.plans.quorum import describe
from saisei.plans.views.common import _refused


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "plans.review"):
        return _refused(request, NotPermitted("plans.review"))
    reviews = selectors.review_queue_for(page_actor(request))
    return render(request, "plans/review_queue.html", {"reviews": reviews})


def _review_for(request: HttpRequest, pk: int) -> Any:
    try:
        review = selectors.review_get_for(page_actor(request), pk)
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
        "today": legal_today(),
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
        try:
            held_on = date.fromisoformat(request.POST.get("held_on", ""))
        except ValueError:
            raise invalid_fields(
                [field_error("held_on", _("Enter a valid date."))],
                message=_("Enter the date of the meeting."),
            ) from None
        meeting = services.meeting_record(
            review=review,
            actor=page_actor(request),
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
            raise DomainError(ErrorCode.INVALID_INPUT, _("Some fields are not valid."))
        d = form.cleaned_data
        services.review_record_opinion(
            review=review,
            meeting=d["meeting"],
            actor=page_actor(request),
            decision=d["decision"],
            reasons=d["reasons"],
            scientific_validity=d["scientific_validity"],
            conditions=d["conditions"],
        )
    except DomainError as exc:
        attach_errors(form, exc, field_name=plan_field_name)
        context = _review_context(review, opinion_form=form)
        return render(request, "plans/review_detail.html", context, status=exc.status)
    messages.success(request, _("The opinion is recorded."))
    return redirect("plans:reviews")
