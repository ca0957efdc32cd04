"""Reads of obligations, starting from what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from saisei.accounts.models import User
from saisei.accounts.permissions import organisation_ids_with
from saisei.core.errors import NotFound
from saisei.obligations.models import OUTSTANDING, Obligation, ObligationStatus


def obligations_for(
    actor: User,
    *,
    today: date,
    status: str | None = None,
    rule: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
) -> QuerySet[Obligation]:
    """The obligations the actor may see, overdue first, then by due date.

    An organisation sees the duties it must meet and those addressed to it (a committee sees
    the reports owed to it); a regulator sees every one.
    """
    scope = organisation_ids_with(actor, "obligations.view")
    qs = Obligation.objects.select_related("organisation")
    if scope is not None:
        qs = qs.filter(Q(organisation_id__in=scope) | Q(also_visible_to_id__in=scope))
    if status == "overdue":
        # Overdue whether or not the tick has run yet today.
        qs = qs.filter(
            Q(status=ObligationStatus.OVERDUE) | Q(status=ObligationStatus.OPEN, due_on__lt=today)
        )
    elif status == "outstanding":
        qs = qs.filter(status__in=OUTSTANDING)
    elif status:
        qs = qs.filter(status=status)
    if rule:
        qs = qs.filter(rule=rule)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    return qs.annotate(
        urgency=Case(
            When(
                Q(status=ObligationStatus.OVERDUE)
                | Q(status=ObligationStatus.OPEN, due_on__lt=today),
                then=Value(0),
            ),
            When(status=ObligationStatus.OPEN, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("urgency", "due_on", "pk")


def obligation_get_for(actor: User, pk: int) -> Obligation:
    """One obligation the actor may see; another organisation's and a missing one are both
    "not found"."""
    scope = organisation_ids_with(actor, "obligations.view")
    qs = Obligation.objects.select_related("organisation")
    if scope is not None:
        qs = qs.filter(Q(organisation_id__in=scope) | Q(also_visible_to_id__in=scope))
    obligation = qs.filter(pk=pk).first()
    if obligation is None:
        raise NotFound("obligation")
    return obligation


def effective_status(obligation: Obligation, today: date) -> str:
    if obligation.status == ObligationStatus.OPEN and obligation.due_on < today:
        return ObligationStatus.OVERDUE
    return obligation.status


@dataclass(frozen=True)
class Timeliness:
    on_time: int
    late: int
    overdue: int
    upcoming: int
    waived: int

    @property
    def total_due(self) -> int:
        return self.on_time + self.late + self.overdue


def timeliness(qs: QuerySet[Obligation], today: date) -> Timeliness:
    """How reporting went, as counts (what the public sees: never the reports themselves)."""
    counts = qs.aggregate(
        on_time=Count("pk", filter=Q(status=ObligationStatus.MET)),
        late=Count("pk", filter=Q(status=ObligationStatus.MET_LATE)),
        overdue=Count(
            "pk",
            filter=Q(status=ObligationStatus.OVERDUE)
            | Q(status=ObligationStatus.OPEN, due_on__lt=today),
        ),
        upcoming=Count("pk", filter=Q(status=ObligationStatus.OPEN, due_on__gte=today)),
        waived=Count("pk", filter=Q(status=ObligationStatus.WAIVED)),
    )
    return Timeliness(**counts)
