"""Pages of the registry: institutions, committees and facilities (public), with the forms of
the people who keep them: a committee's secretariat (closed days, renewal applications, its
members' standing on the roster), the regulator (renewal decisions, the roster, a third-party
facility's notices) and an in-house facility's operator (its notices).

Views parse input and call one service; a refusal is shown on the page, translated, with the
service's status and nothing changed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saisei.accounts.auth import page_actor
from saisei.accounts.models import User
from saisei.accounts.permissions import can
from saisei.core.errors import DomainError, ErrorCode, NotFound
from saisei.core.forms import attach_errors
from saisei.core.time import legal_today
from saisei.law import CertificationReason, CertificationStatus
from saisei.obligations.labels import recipient_label
from saisei.registry import sections, selectors, services
from saisei.registry.forms import (
    CLOSED_DAY_LABELS,
    ClosedDaysForm,
    NoticeForm,
    RenewalDecisionForm,
    RenewalForm,
)
from saisei.registry.models import Committee, ProcessingFacility


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _display(obj: Any) -> str:
    if _english() and getattr(obj, "name_en", None):
        return str(obj.name_en)
    return str(obj.name)


def _found(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except NotFound:
        raise Http404 from None


def institution_public(request: HttpRequest, pk: int) -> HttpResponse:
    """Public verification page of an institution: its filed plans and any orders."""
    institution = _found(selectors.institution_get, pk)
    return render(
        request,
        "registry/institution_public.html",
        {
            "institution": institution,
            # Its filed plans and orders, from the apps that add them (saisei.registry.sections).
            **sections.institution.context(institution),
            "facilities": institution.facilities.order_by("name", "pk"),
            # A regulator goes from here to an order against the institution (the orders page).
            "can_order": can(request.user, "orders.issue"),
            "can_edit": can(request.user, "registry.manage", institution),
        },
    )


# --- committees --------------------------------------------------------------------------------


def certification_text(status: CertificationStatus) -> str:
    """The law's answer (saisei.law.certification_status) in the page's language."""
    values = {
        "term": status.term,
        "start": status.term_starts_on.isoformat(),
        "end": status.term_ends_on.isoformat(),
        "lapsed": status.lapsed_on.isoformat() if status.lapsed_on else "",
    }
    texts = {
        CertificationReason.NOT_YET_CERTIFIED: _(
            "Not yet certified: the term begins on %(start)s."
        ),
        CertificationReason.WITHIN_TERM: _(
            "In force: term %(term)s, %(start)s to %(end)s (RM Act Art 28(1))."
        ),
        CertificationReason.RENEWAL_PENDING: _(
            "In force while its timely application for renewal is undecided, although term "
            "%(term)s ended on %(end)s (RM Act Art 28(4))."
        ),
        CertificationReason.NOT_RENEWED: _(
            "Not in force since %(lapsed)s: term %(term)s ended on %(end)s with no application "
            "for renewal (RM Act Art 28(1))."
        ),
        CertificationReason.RENEWAL_LATE: _(
            "Not in force since %(lapsed)s: term %(term)s ended on %(end)s and the application "
            "for renewal was made outside the window (RM Act Art 28(3))."
        ),
        CertificationReason.RENEWAL_REFUSED: _(
            "Not in force since %(lapsed)s: the renewal of term %(term)s was refused."
        ),
    }
    return texts[status.reason_code] % values


def committee_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.committee_list(), 50).get_page(request.GET.get("page"))
    today = legal_today()
    rows = [
        {
            "committee": committee,
            "name": _display(committee),
            "status": committee.certification(today),
        }
        for committee in page
    ]
    return render(
        request,
        "registry/committee_list.html",
        {"page": page, "rows": rows, "can_register": can(request.user, "registry.manage")},
    )


def _committee_context(request: HttpRequest, committee: Committee, **forms: Any) -> dict[str, Any]:
    user = request.user
    today = legal_today()
    status = committee.certification(today)
    private = selectors.may_see_private(user, committee)
    renewals = list(selectors.committee_renewals(committee)) if private else []
    # The roster, for the committee's own people and regulators (None: not theirs to see).
    roster = selectors.committee_members_for(user, committee) if isinstance(user, User) else None
    can_decide = can(user, "registry.committee.decide_renewal", committee)
    context: dict[str, Any] = {
        # What the apps above the registry add (saisei.registry.sections): from the plans, the
        # institutions its founder runs whose plans it reviewed, and its row of MHLW's list.
        **sections.committee.context(committee),
        "committee": committee,
        "name": _display(committee),
        "status": status,
        "status_text": certification_text(status),
        "certifier": recipient_label(committee.certifier),
        "closed_labels": [CLOSED_DAY_LABELS[name] for name in committee.closed_days],
        "private": private,
        "renewals": [
            {
                "renewal": renewal,
                "timely": services.renewal_is_timely(renewal),
                "decision_form": forms.get(f"decision_form_{renewal.pk}")
                or RenewalDecisionForm(prefix=f"d{renewal.pk}", initial={"decided_on": today}),
            }
            for renewal in renewals
        ],
        "can_set_closed_days": can(user, "registry.committee.set_closed_days", committee),
        # Its meeting rules and members (the regulator's records, or its own secretariat's).
        "can_manage": can(user, "registry.committee.manage", committee),
        "can_apply": can(user, "registry.committee.apply_renewal", committee),
        "can_decide": can_decide,
        "members": None if roster is None else list(roster),
        "closed_days_form": forms.get("closed_days_form")
        or ClosedDaysForm(initial={"closed_days": list(committee.closed_days)}),
        "renewal_form": forms.get("renewal_form") or RenewalForm(initial={"applied_on": today}),
    }
    return context


def committee_page(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _found(selectors.committee_get, pk)
    return render(request, "registry/committee.html", _committee_context(request, committee))


def _committee_action(
    request: HttpRequest,
    committee: Committee,
    form: forms.Form,
    form_name: str,
    call: Any,
    done: str,
) -> HttpResponse:
    """Validate the form, call the service with its cleaned data, then redirect to the page
    with `done`, or show the page again with the refusal on the form."""
    try:
        if not form.is_valid():
            raise DomainError(ErrorCode.INVALID_INPUT, _("Some fields are not valid."))
        call(form.cleaned_data)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        if form.is_bound and exc.errors:
            attach_errors(form, exc)
        elif form.is_valid():
            form.add_error(None, str(exc.message))
        context = _committee_context(request, committee, **{form_name: form})
        context["action_error"] = exc.message
        return render(request, "registry/committee.html", context, status=exc.status)
    messages.success(request, done)
    return redirect("registry:committee", pk=committee.pk)


@login_required
@require_POST
def committee_closed_days(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _found(selectors.committee_get_private_for, page_actor(request), pk)
    return _committee_action(
        request,
        committee,
        ClosedDaysForm(request.POST),
        "closed_days_form",
        lambda d: services.committee_closed_days_set(
            committee=committee, closed_days=d["closed_days"], actor=page_actor(request)
        ),
        _("The committee's closed days are recorded and the reports owed to it recomputed."),
    )


@login_required
@require_POST
def committee_renewal_apply(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _found(selectors.committee_get_private_for, page_actor(request), pk)
    return _committee_action(
        request,
        committee,
        RenewalForm(request.POST),
        "renewal_form",
        lambda d: services.committee_renewal_apply(
            committee=committee, actor=page_actor(request), **d
        ),
        _("The application for renewal is recorded."),
    )


@login_required
@require_POST
def committee_renewal_decide(request: HttpRequest, pk: int, renewal_pk: int) -> HttpResponse:
    committee = _found(selectors.committee_get_private_for, page_actor(request), pk)
    renewal = _found(selectors.renewal_get_private_for, page_actor(request), committee, renewal_pk)
    return _committee_action(
        request,
        committee,
        RenewalDecisionForm(request.POST, prefix=f"d{renewal.pk}"),
        f"decision_form_{renewal.pk}",
        lambda d: services.committee_renewal_decide(
            renewal=renewal, actor=page_actor(request), **d
        ),
        _("The decision on the renewal is recorded."),
    )


def _member_action(
    request: HttpRequest, pk: int, member_pk: int, service: Any, done: str
) -> HttpResponse:
    """A member's standing on the roster, changed from the committee page: the member through
    the roster's selector (404 for one of another committee, or for whoever may not see the
    roster), then the permission (403) before anything of the request is read."""
    user = page_actor(request)
    committee = _found(selectors.committee_get, pk)
    member = _found(selectors.committee_member_get_for, user, committee, member_pk)
    if not can(user, "registry.committee.manage", committee):
        return render(
            request,
            "refused.html",
            {
                "message": _(
                    "Only a regulator or the committee's secretariat may change its roster."
                )
            },
            status=403,
        )
    return _committee_action(
        request,
        committee,
        forms.Form(request.POST),
        "member_form",
        lambda _data: service(member=member, actor=user),
        done,
    )


@login_required
@require_POST
def committee_member_deactivate(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        member_pk,
        services.committee_member_deactivate,
        _("The member is marked inactive: meetings recorded from now on do not count them."),
    )


@login_required
@require_POST
def committee_member_reactivate(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        member_pk,
        services.committee_member_reactivate,
        _("The member is active again."),
    )


# --- facilities --------------------------------------------------------------------------------


def facility_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    page = Paginator(selectors.facility_list(q=q), 50).get_page(request.GET.get("page"))
    rows = [{"facility": facility, "name": _display(facility)} for facility in page]
    return render(
        request,
        "registry/facility_list.html",
        {"page": page, "rows": rows, "q": q, "can_register": can(request.user, "registry.manage")},
    )


def _may_record_notice(user: User | AnonymousUser, facility: ProcessingFacility) -> bool:
    permission = (
        "registry.facility.record_notice"
        if facility.in_house
        else "registry.facility.record_third_party_notice"
    )
    return facility.closed_on is None and can(user, permission, facility)


def _facility_context(
    request: HttpRequest, facility: ProcessingFacility, form: NoticeForm | None = None
) -> dict[str, Any]:
    user = request.user
    private = selectors.may_see_private(user, facility)
    return {
        # What the apps above the registry add (saisei.registry.sections): from the plans, the
        # plans whose cells it processes and the orders against it.
        **sections.facility.context(facility),
        "facility": facility,
        "name": _display(facility),
        "operator_name": _display(facility.operator_institution)
        if facility.in_house
        else facility.operator_name,
        "private": private,
        # Only a signed-in user may see a facility's private records.
        "notices": list(selectors.facility_notices_for(user, facility))
        if private and isinstance(user, User)
        else [],
        "can_record_notice": _may_record_notice(user, facility),
        "can_order": can(user, "orders.issue"),
        "can_edit": can(user, "registry.manage", facility),
        "notice_form": form or NoticeForm(initial={"event_on": legal_today()}),
    }


def facility_page(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _found(selectors.facility_get, pk)
    return render(request, "registry/facility.html", _facility_context(request, facility))


@login_required
@require_POST
def facility_notice(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _found(selectors.facility_get, pk)
    form = NoticeForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(ErrorCode.INVALID_INPUT, _("Some fields are not valid."))
        services.facility_notice_record(
            facility=facility, actor=page_actor(request), **form.cleaned_data
        )
    except DomainError as exc:
        if exc.errors:
            attach_errors(form, exc)
        elif form.is_valid():
            form.add_error(None, str(exc.message))
        context = _facility_context(request, facility, form)
        context["action_error"] = exc.message
        return render(request, "registry/facility.html", context, status=exc.status)
    messages.success(
        request,
        _('The notice is recorded. Its filing with the Regional Bureau is now on "What is due".'),
    )
    return redirect("registry:facility", pk=facility.pk)
