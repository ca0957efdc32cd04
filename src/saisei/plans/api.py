"""API of provision plans, committee reviews and orders.

Private reads start from what the caller may see (a plan it may not see is "not found"); every
write calls one service, which checks the permission. Public reads (filed-or-later plans, orders)
are under /public/… and need no credential.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from saisei.accounts.auth import actor
from saisei.accounts.permissions import ensure_can
from saisei.api.schemas import WRITE_ERRORS, ErrorOut, Id, Pagination, Search, line
from saisei.core.errors import ErrorCode, NotFound, invalid
from saisei.core.links import url_maker
from saisei.core.time import legal_today
from saisei.plans import selectors, services
from saisei.plans.conditions import condition_of
from saisei.plans.content import PRIVATE_NAMES, PUBLIC_NAMES, content_of
from saisei.plans.labels import LISTED_NOTES, choice_labels, in_choice_order, status_label
from saisei.plans.models import (
    ListedPlan,
    Meeting,
    Opinion,
    Order,
    OrderTarget,
    Plan,
    PlanNotice,
    PublicList,
    PublicSource,
    Review,
)
from saisei.plans.schemas import (
    AcceptIn,
    ChangeIn,
    CloseIn,
    CriterionIn,
    DataCollectionEndIn,
    DiscontinueIn,
    ExtendIn,
    FileIn,
    HistoryOut,
    LiftIn,
    ListedPlanOut,
    MeetingIn,
    MeetingOut,
    MinorChangeIn,
    NoticeOut,
    NotifyIn,
    OpinionIn,
    OpinionOut,
    OrderIn,
    OrderOut,
    PlanChangesIn,
    PlanContentIn,
    PlanIn,
    PlanOut,
    PlanPatch,
    PlanPublicOut,
    PlanSummaryOut,
    PreviewIn,
    PublicPlanFacetsOut,
    PublicPlanSummaryOut,
    ReachOut,
    ReviewOut,
    ShortenIn,
)
from saisei.plans.services.public_list import PLAN_NUMBER
from saisei.registry.models import Committee, Institution, ProcessingFacility

router = Router(tags=["plans"])

# A plan number of MHLW's list, as a path parameter (its pattern is checked in the operation, so
# that a number of another shape is a 404 like a missing one).
PlanNumber = Annotated[str, line(20)]


# --- helpers --------------------------------------------------------------------------------------
def _content(content: PlanContentIn | None) -> dict[str, Any] | None:
    """The fields the client sent, and only those (a partial edit leaves the rest)."""
    return None if content is None else content.dict(exclude_unset=True)


def _criteria(criteria: list[CriterionIn] | None) -> list[dict[str, Any]] | None:
    return None if criteria is None else [c.dict() for c in criteria]


# --- serialisers ---------------------------------------------------------------------------------


def _named(pk: int, name: str, name_en: str) -> dict[str, Any]:
    """A reference to a named record, as every plans schema gives one (schemas.Ref)."""
    return {"id": pk, "name": name, "name_en": name_en}


def _ref(obj: Any) -> dict[str, Any]:
    return _named(obj.pk, obj.name, obj.name_en)


def plan_public_dict(plan: Plan) -> dict[str, Any]:
    committee = plan.committee
    return {
        "id": plan.pk,
        **content_of(plan, PUBLIC_NAMES),
        "risk_class": plan.risk_class,
        "classification_rule": plan.classification_rule,
        "status": plan.status,
        "status_label": status_label(plan.status),
        "institution": _ref(plan.institution),
        "prefecture": plan.institution.prefecture,
        "committee": None
        if committee is None
        else {
            **_ref(committee),
            "kind": committee.kind,
            "certification_number": committee.certification_number,
        },
        "facilities": [
            {
                "id": link.facility.pk,
                "name": link.facility.name,
                "name_en": link.facility.name_en,
                "number": link.facility.number,
                "kind": link.facility.kind,
                "operator_name": link.facility.operator_name,
                "third_party": not link.facility.in_house,
            }
            for link in plan.current_facilities()
        ],
        "criteria": [c.as_dict() for c in plan.current_criteria()],
        "filed_on": plan.filed_on,
        "filed_with": plan.filed_with,
        "filing_office": plan.filing_office,
        "plan_number": plan.plan_number,
        "provision_allowed_from": plan.provision_allowed_from,
        "version_in_force": plan.version_in_force_on(legal_today()),
        "change_version": plan.change_version if plan.change_restricted_on(legal_today()) else None,
        "change_allowed_from": (
            plan.change_allowed_from if plan.change_restricted_on(legal_today()) else None
        ),
        "transitional": plan.transitional,
        "discontinued_on": plan.discontinued_on,
        "data_collection_ended_on": plan.data_collection_ended_on,
        "closed_on": plan.closed_on,
        "version": plan.version,
    }


def plan_summaries(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Plans as the signed-in list shows them: rows of selectors.API_LIST_COLUMNS."""
    statuses = choice_labels("status")
    url = url_maker("api:plan")
    return [
        {
            "id": row["id"],
            "title": row["title"],
            "title_en": row["title_en"],
            "institution": _named(
                row["institution__id"], row["institution__name"], row["institution__name_en"]
            ),
            "committee": None
            if row["committee__id"] is None
            else _named(row["committee__id"], row["committee__name"], row["committee__name_en"]),
            "risk_class": row["risk_class"],
            "status": row["status"],
            "status_label": statuses.get(row["status"], row["status"]),
            "plan_number": row["plan_number"],
            "filed_on": row["filed_on"],
            "version": row["version"],
            "updated_at": row["updated_at"],
            "url": url(row["id"]),
        }
        for row in rows
    ]


def public_summaries(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Plans as the public search lists them: their search rows
    (selectors.SEARCH_ROW_COLUMNS), and no more. A plan known only from MHLW's list is read at
    its listing's address."""
    statuses = choice_labels("status")
    url = url_maker("api:public_plan")
    listed_url = url_maker("api:public_listed_plan")
    today = legal_today()
    return [
        {
            "id": row["plan_id"],
            "source": PublicSource.SAISEI if row["plan_id"] is not None else PublicSource.MHLW,
            "title": row["title"],
            "title_en": row["title_en"],
            "institution": _named(
                row["institution_id"], row["institution_name"], row["institution_name_en"]
            ),
            "prefecture": row["prefecture"],
            "plan_number": row["plan_number"] or None,
            "risk_class": row["risk_class"],
            "therapy": row["therapy"],
            "condition": row["condition"],
            "status": row["status"],
            "status_label": statuses.get(row["status"], row["status"]),
            "reporting": selectors.reporting_of(row, today),
            "orders": row["orders"],
            "filed_on": row["filed_on"],
            "url": url(row["plan_id"])
            if row["plan_id"] is not None
            else listed_url(row["plan_number"]),
        }
        for row in rows
    ]


def _public_list(public_list: PublicList | None) -> dict[str, Any] | None:
    if public_list is None:
        return None
    return {
        "listed_on": public_list.listed_on,
        "precision": public_list.listed_precision,
        "source": public_list.source,
    }


def listed_plan_dict(listed: ListedPlan) -> dict[str, Any]:
    """A plan of MHLW's public list as the API gives it (schemas.ListedPlanOut)."""
    return {
        "plan_number": listed.plan_number,
        "risk_class": listed.risk_class,
        "prefecture": listed.prefecture,
        "institution": _ref(listed.institution),
        "institution_as_listed": listed.institution_name,
        "title": listed.title,
        "therapy": listed.therapy,
        "therapy_inferred": True,
        "condition": condition_of(listed.title),
        "documents": list(listed.documents),
        "first_list": _public_list(listed.first_list),
        "last_list": _public_list(listed.last_list),
        "delisted_by": _public_list(listed.delisted_by),
        "notes": [
            {"kind": note["kind"], "text": str(LISTED_NOTES[note["kind"]])}
            for note in listed.notes
            if note.get("kind") in LISTED_NOTES
        ],
        "changes": [
            {
                "kind": change.kind,
                "list": _public_list(change.public_list),
                "fields": change.fields,
            }
            for change in selectors.listed_plan_changes(listed)
        ],
        "orders": [
            order_dict(order)
            for order in selectors.orders_against_institution(listed.institution_id)
        ],
        "plan": url_maker("api:public_plan")(listed.plan_id)
        if listed.plan_id is not None and listed.plan is not None and listed.plan.is_public
        else None,
    }


def plan_dict(plan: Plan) -> dict[str, Any]:
    return {
        **plan_public_dict(plan),
        **content_of(plan, PRIVATE_NAMES),
        "classification_answers": plan.classification_answers,
        "classification": plan.classification,
        "provision_allowed_explanation": plan.provision_allowed_explanation,
        "created_at": plan.created_at,
        "updated_at": plan.updated_at,
    }


def review_dict(review: Review) -> dict[str, Any]:
    return {
        "id": review.pk,
        "plan_id": review.plan_id,
        "plan_title": review.plan.title,
        "institution": review.plan.institution.name,
        "committee_id": review.committee_id,
        "kind": review.kind,
        "plan_version": review.plan_version,
        "proposed_changes": review.proposed_changes,
        "change_reason": review.change_reason,
        "submitted_at": review.submitted_at,
        "decision": review.decision,
        "decided_at": review.decided_at,
    }


def order_dict(order: Order) -> dict[str, Any]:
    target = order.target
    return {
        "id": order.pk,
        "kind": order.kind,
        "target_kind": order.target_kind,
        "target_id": target.pk,
        "target_name": str(getattr(target, "title", None) or getattr(target, "name", "")),
        "reason": order.reason,
        "issued_on": order.issued_on,
        "lifted_on": order.lifted_on,
        "effects": [
            {
                "plan_id": e.plan_id,
                "previous_status": e.previous_status,
                "restored_status": e.restored_status,
                "restored_on": e.restored_on,
            }
            for e in order.effects.all()
        ],
    }


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    return selectors.plan_get_for(actor(request), plan_id)


def _committee(committee_id: int | None) -> Committee | None:
    if committee_id is None:
        return None
    committee = Committee.objects.filter(pk=committee_id).first()
    if committee is None:
        raise invalid("committee_id", _("Unknown committee."))
    return committee


def _changes(changes: PlanChangesIn) -> dict[str, Any]:
    """The fields the change names, and only those."""
    data = changes.dict(exclude_unset=True)
    if changes.criteria is not None:
        data["criteria"] = _criteria(changes.criteria)
    return data


def _fresh(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    return plan_dict(selectors.plan_get_for(actor(request), plan.pk))


# --- plans ---------------------------------------------------------------------------------------


@router.get(
    "/plans", response={200: list[PlanSummaryOut], 401: ErrorOut}, summary="Plans I may see"
)
@paginate(Pagination, columns=selectors.API_LIST_COLUMNS, serialise_page=plan_summaries)
def plans(request: HttpRequest, status: Annotated[str, line(30)] = "", q: Search = "") -> Any:
    # A page lists each plan's names, class and state; its `url` reads the whole plan.
    return selectors.plan_list_for(actor(request), status=status or None, q=q or None)


@router.post("/plans", response={201: PlanOut, **WRITE_ERRORS}, summary="Draft a plan")
def plan_new(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    institution = Institution.objects.filter(pk=payload.institution_id).first()
    if institution is None:
        raise NotFound("institution")
    plan = services.plan_create(
        institution=institution,
        actor=actor(request),
        content=_content(payload.content) or {},
        answers=payload.answers.answers(),
        criteria=_criteria(payload.criteria) or [],
        facility_ids=payload.facility_ids,
        committee=_committee(payload.committee_id),
    )
    return Status(201, _fresh(request, plan))


@router.get("/plans/{plan_id}", response={200: PlanOut, 401: ErrorOut, 404: ErrorOut})
def plan(request: HttpRequest, plan_id: Id) -> dict[str, Any]:
    return plan_dict(_plan(request, plan_id))


@router.patch("/plans/{plan_id}", response={200: PlanOut, **WRITE_ERRORS}, summary="Edit a draft")
def plan_edit(request: HttpRequest, plan_id: Id, payload: PlanPatch) -> dict[str, Any]:
    plan = services.plan_update(
        plan=_plan(request, plan_id),
        actor=actor(request),
        content=_content(payload.content),
        answers=None if payload.answers is None else payload.answers.answers(),
        criteria=_criteria(payload.criteria),
        facility_ids=payload.facility_ids,
        committee=_committee(payload.committee_id),
    )
    return _fresh(request, plan)


@router.get("/plans/{plan_id}/history", response={200: HistoryOut, 401: ErrorOut, 404: ErrorOut})
def plan_history(request: HttpRequest, plan_id: Id) -> dict[str, Any]:
    plan = _plan(request, plan_id)
    return {
        "status_changes": list(plan.status_changes.order_by("at", "pk")),
        "versions": list(plan.versions.order_by("number")),
        "notices": list(plan.notices.order_by("event_on", "pk")),
    }


@router.post("/plans/{plan_id}/submit", response={201: ReviewOut, **WRITE_ERRORS})
def plan_submit(request: HttpRequest, plan_id: Id) -> Status[dict[str, Any]]:
    review = services.plan_submit(plan=_plan(request, plan_id), actor=actor(request))
    return Status(201, review_dict(review))


@router.post("/plans/{plan_id}/file", response={200: PlanOut, **WRITE_ERRORS})
def plan_file(request: HttpRequest, plan_id: Id, payload: FileIn) -> dict[str, Any]:
    plan = services.plan_file(
        plan=_plan(request, plan_id), actor=actor(request), filed_on=payload.filed_on
    )
    return _fresh(request, plan)


@router.post("/plans/{plan_id}/accept", response={200: PlanOut, **WRITE_ERRORS})
def plan_accept(request: HttpRequest, plan_id: Id, payload: AcceptIn) -> dict[str, Any]:
    plan = services.plan_accept(
        plan=_plan(request, plan_id), actor=actor(request), plan_number=payload.plan_number
    )
    return _fresh(request, plan)


@router.post("/plans/{plan_id}/restriction/extend", response={200: PlanOut, **WRITE_ERRORS})
def plan_restriction_extend(request: HttpRequest, plan_id: Id, payload: ExtendIn) -> Any:
    plan = services.plan_restriction_extend(
        plan=_plan(request, plan_id),
        actor=actor(request),
        until=payload.until,
        reason=payload.reason,
        which=payload.which,
        notified_on=payload.notified_on,
    )
    return _fresh(request, plan)


@router.post("/plans/{plan_id}/restriction/shorten", response={200: PlanOut, **WRITE_ERRORS})
def plan_restriction_shorten(request: HttpRequest, plan_id: Id, payload: ShortenIn) -> Any:
    plan = services.plan_restriction_shorten(
        plan=_plan(request, plan_id),
        actor=actor(request),
        until=payload.until,
        reason=payload.reason,
        which=payload.which,
    )
    return _fresh(request, plan)


@router.post("/plans/{plan_id}/restriction/release", response={200: PlanOut, **WRITE_ERRORS})
def plan_restriction_release(request: HttpRequest, plan_id: Id) -> Any:
    plan = services.plan_restriction_release(plan=_plan(request, plan_id), actor=actor(request))
    return _fresh(request, plan)


@router.post("/plans/{plan_id}/changes", response={201: ReviewOut, **WRITE_ERRORS})
def plan_change(request: HttpRequest, plan_id: Id, payload: ChangeIn) -> Status[dict[str, Any]]:
    review = services.plan_change_propose(
        plan=_plan(request, plan_id),
        actor=actor(request),
        changes=_changes(payload.changes),
        reason=payload.reason,
    )
    return Status(201, review_dict(review))


@router.post("/plans/{plan_id}/changes/notify", response={200: PlanOut, **WRITE_ERRORS})
def plan_change_notify(request: HttpRequest, plan_id: Id, payload: NotifyIn) -> Any:
    plan = services.plan_change_notify(
        plan=_plan(request, plan_id), actor=actor(request), notified_on=payload.notified_on
    )
    return _fresh(request, plan)


@router.post("/plans/{plan_id}/minor-changes", response={201: NoticeOut, **WRITE_ERRORS})
def plan_minor_change(
    request: HttpRequest, plan_id: Id, payload: MinorChangeIn
) -> Status[PlanNotice]:
    notice = services.plan_minor_change_notify(
        plan=_plan(request, plan_id),
        actor=actor(request),
        **{**payload.dict(), "changes": _changes(payload.changes)},
    )
    return Status(201, notice)


@router.post("/plans/{plan_id}/discontinue", response={201: NoticeOut, **WRITE_ERRORS})
def plan_discontinue(
    request: HttpRequest, plan_id: Id, payload: DiscontinueIn
) -> Status[PlanNotice]:
    notice = services.plan_discontinue(
        plan=_plan(request, plan_id), actor=actor(request), **payload.dict()
    )
    return Status(201, notice)


@router.post(
    "/plans/{plan_id}/data-collection-end",
    response={200: PlanOut, **WRITE_ERRORS},
    summary="Research plan: record the end of data collection (opens the research summary duty)",
)
def plan_data_collection_end(
    request: HttpRequest, plan_id: Id, payload: DataCollectionEndIn
) -> dict[str, Any]:
    plan = services.plan_data_collection_end(
        plan=_plan(request, plan_id), actor=actor(request), ended_on=payload.ended_on
    )
    return _fresh(request, plan)


@router.post("/plans/{plan_id}/close", response={201: NoticeOut, **WRITE_ERRORS})
def plan_close(request: HttpRequest, plan_id: Id, payload: CloseIn) -> Status[PlanNotice]:
    notice = services.plan_close(
        plan=_plan(request, plan_id), actor=actor(request), **payload.dict()
    )
    return Status(201, notice)


# --- reviews -------------------------------------------------------------------------------------


@router.get(
    "/reviews",
    response={200: list[ReviewOut], 401: ErrorOut},
    summary="The committee's review queue (open reviews)",
)
@paginate(Pagination, serialise=review_dict)
def reviews(request: HttpRequest, open_only: bool = True) -> Any:
    return selectors.review_queue_for(actor(request), open_only=open_only)


@router.get("/reviews/{review_id}", response={200: ReviewOut, 401: ErrorOut, 404: ErrorOut})
def review(request: HttpRequest, review_id: Id) -> dict[str, Any]:
    return review_dict(selectors.review_get_for(actor(request), review_id))


@router.post("/reviews/{review_id}/meetings", response={201: MeetingOut, **WRITE_ERRORS})
def review_meeting(request: HttpRequest, review_id: Id, payload: MeetingIn) -> Status[Meeting]:
    review = selectors.review_get_for(actor(request), review_id)
    meeting = services.meeting_record(
        review=review,
        actor=actor(request),
        held_on=payload.held_on,
        attendance=[a.dict() for a in payload.attendance],
        location=payload.location,
        notes=payload.notes,
    )
    return Status(201, meeting)


@router.post("/reviews/{review_id}/opinion", response={201: OpinionOut, **WRITE_ERRORS})
def review_opinion(request: HttpRequest, review_id: Id, payload: OpinionIn) -> Status[Opinion]:
    review = selectors.review_get_for(actor(request), review_id)
    ensure_can(actor(request), "plans.review", review.committee)
    meeting = review.meetings.filter(pk=payload.meeting_id).first()
    if meeting is None:
        raise invalid(
            "meeting_id", _("This meeting was not held on this review."), ErrorCode.MEETING_INVALID
        )
    opinion = services.review_record_opinion(
        review=review,
        meeting=meeting,
        actor=actor(request),
        decision=payload.decision,
        reasons=payload.reasons,
        scientific_validity=payload.scientific_validity,
        conditions=payload.conditions,
    )
    return Status(201, opinion)


# --- orders --------------------------------------------------------------------------------------


def _order_target(target_kind: str, target_id: int) -> Any:
    model = {
        OrderTarget.PLAN: Plan,
        OrderTarget.INSTITUTION: Institution,
        OrderTarget.FACILITY: ProcessingFacility,
    }.get(target_kind)  # type: ignore[call-overload]
    if model is None:
        return None
    return model.objects.filter(pk=target_id).first()


@router.get("/orders", auth=None, response=list[OrderOut], summary="Orders (public)")
@paginate(Pagination, serialise=order_dict)
def orders(request: HttpRequest) -> Any:
    return selectors.order_list().prefetch_related("effects")


@router.post(
    "/orders/preview",
    response={200: ReachOut, **WRITE_ERRORS},
    summary="The plans an order would suspend, before it is issued",
)
def order_preview(request: HttpRequest, payload: PreviewIn) -> dict[str, Any]:
    reach = services.order_preview(
        actor=actor(request),
        kind=payload.kind,
        target_kind=payload.target_kind,
        target=_order_target(payload.target_kind, payload.target_id),
    )
    detailed = selectors.with_details(Plan.objects.filter(pk__in=[p.pk for p in reach]))
    return {"plans": [plan_public_dict(p) for p in detailed]}


@router.post("/orders", response={201: OrderOut, **WRITE_ERRORS}, summary="Issue an order")
def order_new(request: HttpRequest, payload: OrderIn) -> Status[dict[str, Any]]:
    order = services.order_issue(
        actor=actor(request),
        kind=payload.kind,
        target_kind=payload.target_kind,
        target=_order_target(payload.target_kind, payload.target_id),
        reason=payload.reason,
        issued_on=payload.issued_on,
    )
    return Status(201, order_dict(order))


@router.post("/orders/{order_id}/lift", response={200: OrderOut, **WRITE_ERRORS})
def order_lift(request: HttpRequest, order_id: Id, payload: LiftIn) -> dict[str, Any]:
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise NotFound("order")
    services.order_lift(
        order=order, actor=actor(request), reason=payload.reason, lifted_on=payload.lifted_on
    )
    return order_dict(Order.objects.get(pk=order.pk))


# --- public --------------------------------------------------------------------------------------


@router.get(
    "/public/plans",
    auth=None,
    response=list[PublicPlanSummaryOut],
    summary="Search filed plans (public)",
)
@paginate(Pagination, serialise_page=public_summaries)
def public_plans(
    request: HttpRequest,
    q: Search = "",
    prefecture: Annotated[str, line(2)] = "",
    risk_class: Annotated[str, line(3)] = "",
    therapy: Annotated[str, line(20)] = "",
    status: Annotated[str, line(30)] = "",
    condition: Annotated[str, line(20)] = "",
    reporting: Annotated[str, line(20)] = "",
    orders: Annotated[str, line(20)] = "",
    sort: Annotated[str, line(20)] = "",
) -> Any:
    # The page is one range of the narrow search table (its index, its text index), shown as
    # it is there; each item's `url` reads the whole plan.
    choices = {"status": status, "condition": condition, "reporting": reporting, "orders": orders}
    _check_search(sort=sort, **choices)
    return selectors.public_plan_search(
        q=q, prefecture=prefecture, risk_class=risk_class, therapy=therapy, sort=sort, **choices
    )


@router.get(
    "/public/plans/facets",
    auth=None,
    response={200: PublicPlanFacetsOut, 400: ErrorOut},
    summary="Count the search's results by each facet (public)",
)
def public_plan_facets(
    request: HttpRequest,
    q: Search = "",
    prefecture: Annotated[str, line(2)] = "",
    risk_class: Annotated[str, line(3)] = "",
    therapy: Annotated[str, line(20)] = "",
    status: Annotated[str, line(30)] = "",
    condition: Annotated[str, line(20)] = "",
    reporting: Annotated[str, line(20)] = "",
    orders: Annotated[str, line(20)] = "",
) -> dict[str, Any]:
    choices = {"status": status, "condition": condition, "reporting": reporting, "orders": orders}
    _check_search(**choices)
    counts = selectors.public_plan_facets(
        q=q, prefecture=prefecture, risk_class=risk_class, therapy=therapy, **choices
    )
    out: dict[str, Any] = {}
    for name in selectors.SEARCH_FACETS:
        labels = choice_labels(name)
        out[name] = [
            {"value": v, "label": labels.get(v, v), "count": counts[name][v]}
            for v in in_choice_order(name, counts[name])
        ]
    return out


def _check_search(*, sort: str = "", **choices: str) -> None:
    """Refuse a value the search does not know for a filter of fixed values (400)."""
    if choices.get("status") and choices["status"] not in selectors.SEARCH_STATUSES:
        raise invalid("status", _("The search knows no such status."))
    for name, value in choices.items():
        if value and value not in selectors.SEARCH_CHOICES[name]:
            raise invalid(name, _("Choose one of the listed options."))
    if sort and sort not in selectors.SEARCH_ORDERS:
        raise invalid("sort", _("The search knows no such order."))


@router.get(
    "/public/listed-plans/{number}",
    auth=None,
    response={200: ListedPlanOut, 404: ErrorOut},
    summary="One plan of MHLW's public list (public)",
)
def public_listed_plan(request: HttpRequest, number: PlanNumber) -> dict[str, Any]:
    if not PLAN_NUMBER.fullmatch(number):
        raise NotFound("listed plan")
    return listed_plan_dict(selectors.listed_plan_get(number))


@router.get(
    "/public/plans/{plan_id}",
    auth=None,
    response={200: PlanPublicOut, 404: ErrorOut},
    summary="One filed plan (public)",
)
def public_plan(request: HttpRequest, plan_id: Id) -> dict[str, Any]:
    return plan_public_dict(selectors.public_plan_get(plan_id))
