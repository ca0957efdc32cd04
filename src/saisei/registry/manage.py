"""The regulator's records on pages (registry.manage): a new institution, committee or facility,
the correction of each, a committee's meeting rules and its members. Each page validates its
form, calls the service the API calls, and on success goes to the record's page; a refusal shows
the form again with the service's message on its field. Only a regulator (or, for a committee's
record, rules and members, its secretariat) may; anyone else is refused before the form is
read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from saisei.accounts.auth import page_actor
from saisei.accounts.permissions import can
from saisei.core.errors import DomainError, NotFound
from saisei.core.forms import attach_errors
from saisei.registry import selectors, services
from saisei.registry.forms import (
    CommitteeEditForm,
    CommitteeForm,
    FacilityEditForm,
    FacilityForm,
    InstitutionEditForm,
    InstitutionForm,
    MemberForm,
    RulesForm,
)
from saisei.registry.models import Committee, Institution, ProcessingFacility


def _form_page(
    request: HttpRequest,
    *,
    permission: str,
    obj: Any,
    form: forms.Form,
    heading: str,
    intro: str,
    save: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], HttpResponse],
    message: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    actor = page_actor(request)
    if not can(actor, permission, obj):
        return render(
            request,
            "refused.html",
            {
                "message": _(
                    "Only a regulator (or, for a committee's record, rules and members, its "
                    "secretariat) may keep this record."
                )
            },
            status=403,
        )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = save(form.cleaned_data)
            except DomainError as exc:
                attach_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, message)
                return done(saved)
        else:
            status = 400
    return render(
        request,
        "registry/record_form.html",
        {"form": form, "heading": heading, "intro": intro, **(context or {})},
        status=status,
    )


@login_required
def institution_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        permission="registry.manage",
        obj=None,
        form=InstitutionForm(request.POST or None),
        heading=_("Register an institution"),
        intro=_(
            "A hospital or clinic that provides regenerative medicine. Its Regional Bureau "
            "follows from its prefecture."
        ),
        save=lambda d: services.institution_create(actor=page_actor(request), **d),
        done=lambda i: redirect("registry:institution", pk=i.pk),
        message=_("The institution is registered."),
    )


@login_required
def committee_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        permission="registry.manage",
        obj=None,
        form=CommitteeForm(request.POST or None),
        heading=_("Register a certified committee"),
        intro=_(
            "Its certification is valid for three years counting the day of certification "
            "(Act Art 28(1)); the duty to apply for its renewal is opened with the record."
        ),
        save=lambda d: services.committee_create(actor=page_actor(request), **d),
        done=lambda c: redirect("registry:committee", pk=c.pk),
        message=_("The committee is registered; its renewal duty is open."),
    )


def _committee(pk: int) -> Committee:
    try:
        return selectors.committee_get(pk)
    except NotFound:
        raise Http404 from None


@login_required
def committee_rules(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _committee(pk)
    initial = {
        "min_present": committee.rule_min_present,
        "majority_present": committee.rule_majority_present,
        "both_sexes": committee.rule_both_sexes,
        "required_categories": committee.rule_required_categories,
        "min_no_interest": committee.rule_min_no_interest,
        "min_independent": committee.rule_min_independent,
    }
    return _form_page(
        request,
        permission="registry.committee.manage",
        obj=committee,
        form=RulesForm(request.POST or None, initial=initial),
        heading=_("The committee's meeting rules"),
        intro=_(
            "What makes a meeting valid, as the committee's rules say (domain.md §1.6): every "
            "meeting is checked against them when it is recorded."
        ),
        save=lambda d: services.committee_rules_set(
            committee=committee, actor=page_actor(request), **d
        ),
        done=lambda c: redirect("registry:committee", pk=c.pk),
        message=_("The meeting rules are changed."),
        context={"record": committee},
    )


@login_required
def committee_member_new(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _committee(pk)
    return _form_page(
        request,
        permission="registry.committee.manage",
        obj=committee,
        form=MemberForm(request.POST or None),
        heading=_("Add a member"),
        intro=_("A member of the committee, in one of the categories the law names."),
        save=lambda d: services.committee_member_add(
            committee=committee, actor=page_actor(request), **d
        ),
        done=lambda m: redirect("registry:committee", pk=committee.pk),
        message=_("The member is added."),
        context={"record": committee},
    )


@login_required
def facility_new(request: HttpRequest) -> HttpResponse:
    """A new facility. An in-house facility is recorded with its institution's record; this page
    records a third-party or foreign one (its operator named, with no account in Saisei)."""
    return _form_page(
        request,
        permission="registry.manage",
        obj=None,
        form=FacilityForm(request.POST or None),
        heading=_("Register a processing facility"),
        intro=_(
            "A licensed, notified or accredited cell processing facility. Its yearly reports "
            "(Act Art 46) and, for a licence or accreditation, its expiry five years on "
            "(Act Art 36(1)) are opened with the record."
        ),
        save=lambda d: services.facility_create(actor=page_actor(request), **d),
        done=lambda f: redirect("registry:facility", pk=f.pk),
        message=_("The facility is registered; its duties are open."),
    )


def _initial(record: Any, form_class: type[forms.Form]) -> dict[str, Any]:
    """The record's values of the fields its form edits."""
    return {name: getattr(record, name) for name in form_class().fields}


@login_required
def institution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(Institution, pk=pk)
    return _form_page(
        request,
        permission="registry.manage",
        obj=institution,
        form=InstitutionEditForm(
            request.POST or None, initial=_initial(institution, InstitutionEditForm)
        ),
        heading=_("Correct an institution's record"),
        intro=_("The public pages and the search follow its names and prefecture at once."),
        save=lambda d: services.institution_update(
            institution=institution, actor=page_actor(request), **d
        ),
        done=lambda i: redirect("registry:institution", pk=i.pk),
        message=_("The institution's record is changed."),
    )


@login_required
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _committee(pk)
    return _form_page(
        request,
        permission="registry.committee.manage",
        obj=committee,
        form=CommitteeEditForm(
            request.POST or None, initial=_initial(committee, CommitteeEditForm)
        ),
        heading=_("Correct a committee's record"),
        intro=_(
            "Its names, number, founder and scope of review. The public pages and the search "
            "follow its names at once."
        ),
        save=lambda d: services.committee_update(
            committee=committee, actor=page_actor(request), **d
        ),
        done=lambda c: redirect("registry:committee", pk=c.pk),
        message=_("The committee's record is changed."),
        context={"record": committee},
    )


@login_required
def facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_object_or_404(ProcessingFacility, pk=pk)
    return _form_page(
        request,
        permission="registry.manage",
        obj=facility,
        form=FacilityEditForm(request.POST or None, initial=_initial(facility, FacilityEditForm)),
        heading=_("Correct a facility's record"),
        intro=_("Its names, operator, place, and the end of its validity."),
        save=lambda d: services.facility_update(facility=facility, actor=page_actor(request), **d),
        done=lambda f: redirect("registry:facility", pk=f.pk),
        message=_("The facility's record is changed."),
    )
