"""Reads of the registry. Institutions, committees and facilities are public records (a
committee's certification status and closed days included); committee rosters, renewal
applications and facility notices are visible to the committee or the facility's operator
and to regulators."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from saisei.accounts.models import User
from saisei.accounts.permissions import can
from saisei.core.errors import NotFound
from saisei.registry.models import (
    Committee,
    CommitteeMember,
    CommitteeRenewal,
    FacilityNotice,
    Institution,
    ProcessingFacility,
)


def institution_list(*, q: str = "", prefecture: str = "") -> QuerySet[Institution]:
    institutions = Institution.objects.all()
    if q:
        institutions = institutions.filter(Q(name__icontains=q) | Q(name_en__icontains=q))
    if prefecture:
        institutions = institutions.filter(prefecture=prefecture)
    return institutions.order_by("name", "pk")


def institution_get(pk: int) -> Institution:
    institution = Institution.objects.filter(pk=pk).first()
    if institution is None:
        raise NotFound("institution")
    return institution


def committee_list() -> QuerySet[Committee]:
    # Each committee's certification status is computed from its renewals.
    return Committee.objects.prefetch_related("renewals").order_by("name", "pk")


def committee_get(pk: int) -> Committee:
    committee = Committee.objects.prefetch_related("renewals").filter(pk=pk).first()
    if committee is None:
        raise NotFound("committee")
    return committee


def committee_get_private_for(actor: User, pk: int) -> Committee:
    """The committee, for its own people and regulators; "not found" for anyone else, so a
    committee's settings and applications are not another's to reach."""
    committee = committee_get(pk)
    if not can(actor, "organisation.view_private", committee):
        raise NotFound("committee")
    return committee


def may_see_private(actor: User | AnonymousUser, obj: Any) -> bool:
    """Whether the actor, signed in or not (a public page asks), may see `obj`'s private records."""
    return can(actor, "organisation.view_private", obj)


def committee_renewals(committee: Committee) -> QuerySet[CommitteeRenewal]:
    """Newest first (call only for an actor who may see the committee's private records)."""
    return committee.renewals.select_related("decided_by", "recorded_by").order_by(
        "-term", "-applied_on", "-pk"
    )


def renewal_get_private_for(actor: User, committee: Committee, pk: int) -> CommitteeRenewal:
    renewal = committee.renewals.select_related("committee").filter(pk=pk).first()
    if renewal is None or not can(actor, "organisation.view_private", committee):
        raise NotFound("renewal")
    return renewal


def committee_members_for(actor: User, committee: Committee) -> QuerySet[CommitteeMember] | None:
    """The roster, or None if the actor may not see it."""
    if not can(actor, "plans.view", committee):
        return None
    return committee.members.order_by("category", "name", "pk")


def committee_member_get_for(actor: User, committee: Committee, pk: int) -> CommitteeMember:
    """One member of the committee's roster, for those who may see the roster; "not found" for
    anyone else, and for a member of another committee."""
    members = committee_members_for(actor, committee)
    member = None if members is None else members.filter(pk=pk).first()
    if member is None:
        raise NotFound("member")
    member.committee = committee
    return member


def committee_roster_get_for(actor: User, pk: int) -> QuerySet[CommitteeMember]:
    """A committee's roster, for the committee and regulators; "not found" for anyone else, as
    for a missing committee (the committee itself is public, its roster is not)."""
    members = committee_members_for(actor, committee_get(pk))
    if members is None:
        raise NotFound("committee")
    return members


def facility_list(*, q: str = "") -> QuerySet[ProcessingFacility]:
    facilities = ProcessingFacility.objects.select_related("operator_institution")
    if q:
        facilities = facilities.filter(
            Q(name__icontains=q) | Q(name_en__icontains=q) | Q(number__iexact=q)
        )
    return facilities.order_by("name", "pk")


def facility_get(pk: int) -> ProcessingFacility:
    facility = (
        ProcessingFacility.objects.select_related("operator_institution").filter(pk=pk).first()
    )
    if facility is None:
        raise NotFound("facility")
    return facility


def facility_notices_for(actor: User, facility: ProcessingFacility) -> QuerySet[FacilityNotice]:
    """A facility's notices, for its operator and regulators ("not found" for anyone else; a
    third-party facility's only for regulators)."""
    if not can(actor, "organisation.view_private", facility):
        # The same body as for a missing facility.
        raise NotFound("facility")
    return facility.notices.order_by("-event_on", "-pk")
