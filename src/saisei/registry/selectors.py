"""Reads of the registry. Institutions, committees and facilities are public records; committee
rosters and meeting rules are visible to the committee itself and to regulators."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from saisei.accounts.permissions import can
from saisei.core.errors import NotFound
from saisei.plans.lifecycle import PUBLIC_STATUSES
from saisei.registry.models import Committee, CommitteeMember, Institution, ProcessingFacility


def institution_list(*, q: str = "", prefecture: str = "") -> QuerySet[Institution]:
    institutions = Institution.objects.all()
    if q:
        institutions = institutions.filter(Q(name__icontains=q) | Q(name_en__icontains=q))
    if prefecture:
        institutions = institutions.filter(prefecture=prefecture)
    return institutions.annotate(
        public_plan_count=Count("plans", filter=Q(plans__status__in=PUBLIC_STATUSES))
    ).order_by("name", "pk")


def institution_get(pk: int) -> Institution:
    institution = Institution.objects.filter(pk=pk).first()
    if institution is None:
        raise NotFound("institution")
    return institution


def committee_list() -> QuerySet[Committee]:
    return Committee.objects.order_by("name", "pk")


def committee_get(pk: int) -> Committee:
    committee = Committee.objects.filter(pk=pk).first()
    if committee is None:
        raise NotFound("committee")
    return committee


def committee_members_for(actor: Any, committee: Committee) -> QuerySet[CommitteeMember] | None:
    """The roster, or None if the actor may not see it."""
    if not can(actor, "plans.view", committee):
        return None
    return committee.members.order_by("category", "name", "pk")


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
