"""Reads of obligations, starting from what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from saisei.accounts.models import User
from saisei.accounts.permissions import organisation_ids_with
from saisei.core.errors import NotFound
from saisei.core.keyset import RowCompare
from saisei.obligations.models import Obligation, ObligationStatus


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

    The order is by plain columns, so that a keyset page (saisei.core.keyset) reads it from one
    index range at any depth: `rank` (0 open or overdue, 1 met or waived), the due date, the id.
    A duty is marked overdue only once its due date has passed, so the outstanding duties by
    due date are first the overdue ones (marked, or open and past due before today's tick has
    run), then the open ones by date, as the law's urgency orders them. One status
    is ordered by due date and id alone, on the index of status and due date: after an
    equality on an index's first column, the row-value comparison of a keyset page must name
    the columns that follow it (SQLite reads the page in order from the index only then).
    """
    scope = organisation_ids_with(actor, "obligations.view")
    qs = Obligation.objects.all()
    if scope is not None:
        # Each side of the OR is a range of its own index (organisation or also_visible_to,
        # then rank, due_on, id): an organisation's list costs its own rows.
        qs = qs.filter(Q(organisation_id__in=scope) | Q(also_visible_to_id__in=scope))
    if rule:
        qs = qs.filter(rule=rule)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if status == "overdue":
        # Marked overdue, or open and past its due date whether or not the tick has run yet
        # today: the outstanding rows' index range up to today.
        return qs.filter(
            RowCompare(_RANK_DUE, "<", [Rank.OUTSTANDING, today]),
        ).order_by("rank", "due_on", "pk")
    if status == "outstanding":
        return qs.filter(rank=Rank.OUTSTANDING).order_by("rank", "due_on", "pk")
    if status:
        return qs.filter(status=status).order_by("due_on", "pk")
    return qs.order_by("rank", "due_on", "pk")


class Rank:
    """Obligation.rank: the database's own value for each status."""

    OUTSTANDING = 0  # open or overdue
    SETTLED = 1  # met, met late or waived


_RANK_DUE = [Obligation._meta.get_field("rank"), Obligation._meta.get_field("due_on")]


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
    return status_on(obligation.status, obligation.due_on, today)


def status_on(status: str, due_on: date, today: date) -> str:
    """A stored status as of `today`: an open duty past its due date is overdue, marked or not."""
    if status == ObligationStatus.OPEN and due_on < today:
        return ObligationStatus.OVERDUE
    return status


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
