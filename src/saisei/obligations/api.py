"""API for obligations: every duty the law creates, scoped to the caller."""

from datetime import date
from typing import Annotated, Any, Literal

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from saisei.accounts.auth import actor
from saisei.accounts.models import Organisation
from saisei.accounts.permissions import organisation_ids_with
from saisei.api.schemas import WRITE_ERRORS, Day, ErrorOut, Id, Pagination, line, text
from saisei.core.errors import NotPermitted
from saisei.core.time import legal_today
from saisei.obligations.models import Obligation
from saisei.obligations.selectors import obligation_get_for, obligations_for, status_on
from saisei.obligations.services import obligation_record_filing, obligation_waive

router = Router(tags=["obligations"])


class ObligationOut(Schema):
    id: int
    rule: str
    organisation: str | None
    subject_type: str
    subject_id: str
    subject_label: str
    recipient: str
    starts_on: date
    period: int
    period_start: date | None
    period_end: date | None
    nominal_due: date
    due_on: date
    status: str
    days_left: int
    met_on: date | None
    waived_reason: str
    explanation: dict[str, Any]


# The columns ObligationOut shows, read as values (no model built for a row of the list); the
# rest of the row (the reminders' stamps, who met it, the audit times) stays in the database.
LIST_COLUMNS = (
    "id",
    "rank",
    "rule",
    "subject_type",
    "subject_id",
    "subject_label",
    "recipient",
    "starts_on",
    "period",
    "period_start",
    "period_end",
    "nominal_due",
    "due_on",
    "status",
    "met_on",
    "waived_reason",
    "explanation",
)


def _out(row: dict[str, Any], organisation: str | None) -> dict[str, Any]:
    """What ObligationOut shows of a row: its columns, the status as of today (overdue once
    the due date has passed, before the tick marks it) and the days left."""
    today = legal_today()
    return {
        **{name: row[name] for name in LIST_COLUMNS if name != "rank"},
        "organisation": organisation,
        "status": status_on(row["status"], row["due_on"], today),
        "days_left": (row["due_on"] - today).days,
    }


def _list_item(row: dict[str, Any]) -> dict[str, Any]:
    return _out(row, row["organisation_slug"])


def obligation_out(obligation: Obligation) -> dict[str, Any]:
    organisation = obligation.organisation
    return _out(
        {name: getattr(obligation, name) for name in LIST_COLUMNS if name != "rank"},
        organisation.slug if organisation is not None else None,
    )


@router.get("", response={200: list[ObligationOut], 401: ErrorOut, 403: ErrorOut})
@paginate(Pagination, serialise=_list_item)
def obligations_list(
    request: HttpRequest,
    status: Literal["open", "met", "met_late", "overdue", "waived", "outstanding"] | None = None,
    rule: Annotated[str, line(40)] | None = None,
) -> Any:
    """The caller's obligations, overdue first. `status`: open, met, met_late, overdue,
    waived, or outstanding (open or overdue)."""
    user = actor(request)
    if organisation_ids_with(user, "obligations.view") == set():
        raise NotPermitted("obligations.view")
    rows = obligations_for(user, today=legal_today(), status=status, rule=rule)
    # The slug by a subquery of its own, not a join: the page's rows look it up by primary key,
    # and the count (which drops what it does not need) stays on the obligations' index.
    slug = Organisation.objects.filter(pk=OuterRef("organisation_id")).order_by().values("slug")
    return rows.values(*LIST_COLUMNS, organisation_slug=Subquery(slug))


class WaiveIn(Schema):
    reason: Annotated[str, text(2000, min_length=1)]


@router.post(
    "/{obligation_id}/waive",
    response={200: ObligationOut, **WRITE_ERRORS},
)
def obligations_waive(request: HttpRequest, obligation_id: Id, payload: WaiveIn) -> Any:
    user = actor(request)
    obligation = obligation_get_for(user, obligation_id)
    return obligation_out(
        obligation_waive(obligation=obligation, reason=payload.reason, actor=user)
    )


class FilingIn(Schema):
    filed_on: Day
    reference: Annotated[str, line(100, min_length=1)]
    note: Annotated[str, text(500)] = ""


@router.post(
    "/{obligation_id}/filing",
    response={200: ObligationOut, **WRITE_ERRORS},
    summary="Record that a duty filed outside Saisei (facility report, renewal) was filed",
)
def obligations_record_filing(request: HttpRequest, obligation_id: Id, payload: FilingIn) -> Any:
    user = actor(request)
    obligation = obligation_get_for(user, obligation_id)
    obligation_record_filing(
        obligation=obligation,
        filed_on=payload.filed_on,
        reference=payload.reference,
        note=payload.note,
        actor=user,
    )
    obligation.refresh_from_db()
    return obligation_out(obligation)
