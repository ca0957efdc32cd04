"""Reads of obligations, starting from what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

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
    """The obligations the actor may see, overdue first, then open by due date, then the rest.

    An organisation sees the duties it must meet and those addressed to it (a committee sees
    the reports owed to it); a regulator sees every one.

    The order is by plain columns, so a keyset page (saisei.core.keyset) reads it from one index
    range at any depth: `rank` (0 outstanding, 1 met or waived), then the due date and the id.
    Within the outstanding rows the due date alone puts the overdue ones first: a duty is
    overdue once its due date has passed, and the tick and every change of a due date keep the
    status in line with it (an "overdue" row whose due date is still ahead does not arise; it
    would sort among the open ones by its date). A filter that fixes `rank` drops it from the
    order, so that the index's equality prefix is followed by the columns of the row-value
    comparison (SQLite orders the page from the index only then). The rank is repeated beside
    a status filter for the same reason: (status, rank, due_on, id) is then one range.
    """
    scope = organisation_ids_with(actor, "obligations.view")
    qs = Obligation.objects.all()
    if scope is not None:
        # Each side of the OR is a range of its own index (organisation, rank, due_on) and
        # (also_visible_to, rank, due_on): an organisation's list costs its own rows.
        qs = qs.filter(Q(organisation_id__in=scope) | Q(also_visible_to_id__in=scope))
    if rule:
        qs = qs.filter(rule=rule)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if status == "overdue":
        # Overdue whether or not the tick has run yet today.
        return qs.filter(overdue_q(today), rank=OUTSTANDING_RANK).order_by("due_on", "pk")
    if status == "outstanding":
        return qs.filter(rank=OUTSTANDING_RANK).order_by("due_on", "pk")
    if status:
        rank = OUTSTANDING_RANK if status in OUTSTANDING else SETTLED_RANK
        return qs.filter(status=status, rank=rank).order_by("due_on", "pk")
    return qs.order_by("rank", "due_on", "pk")


# Obligation.rank: the database's own value for an outstanding and a met or waived duty.
OUTSTANDING_RANK = 0
SETTLED_RANK = 1


def overdue_q(today: date) -> Q:
    """Overdue on `today`: marked so by the tick, or open with its due date passed."""
    return Q(status=ObligationStatus.OVERDUE) | Q(status=ObligationStatus.OPEN, due_on__lt=today)


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
        overdue=Count("pk", filter=overdue_q(today)),
        upcoming=Count("pk", filter=Q(status=ObligationStatus.OPEN, due_on__gte=today)),
        waived=Count("pk", filter=Q(status=ObligationStatus.WAIVED)),
    )
    return Timeliness(**counts)
