"""API of the registry: /institutions, /committees, /facilities (public reads, regulator writes;
a committee's record, rules and roster by the regulator or its secretariat, its closed days and
renewal applications by its secretariat, renewal decisions by the regulator; facility notices by
the operator or, for a third-party facility, the regulator)."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from saisei.accounts.auth import actor
from saisei.api.schemas import (
    WRITE_ERRORS,
    Day,
    ErrorOut,
    Id,
    Pagination,
    Search,
    Slug,
    SmallCount,
    line,
    text,
)
from saisei.registry import selectors, services
from saisei.registry.models import (
    Committee,
    CommitteeMember,
    CommitteeRenewal,
    FacilityNotice,
    Institution,
    ProcessingFacility,
)

# The choice names of saisei.law.COMMITTEE_CLOSED_DAY_CHOICES (a test keeps them in step), so
# the schema shows the allowed values.
ClosedDayName = Literal["sunday", "saturday", "national_holiday", "year_end_closure"]

router = Router(tags=["registry"])


class InstitutionOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    prefecture: str
    prefecture_name: str
    regional_bureau: str
    address: str
    manager_name: str

    @staticmethod
    def resolve_prefecture_name(obj: Institution) -> str:
        return str(obj.get_prefecture_display())

    @staticmethod
    def resolve_regional_bureau(obj: Institution) -> str:
        return obj.regional_bureau.code


class InstitutionIn(Schema):
    slug: Slug
    name: Annotated[str, line(200)]
    name_en: Annotated[str, line(200)] = ""
    kind: Annotated[str, line(20)]
    prefecture: Annotated[str, line(2)]
    address: Annotated[str, line(300)] = ""
    manager_name: Annotated[str, line(150)]


class RulesOut(Schema):
    min_present: int
    majority_present: bool
    both_sexes: bool
    required_categories: list[str]
    min_no_interest: int
    min_independent: int


class CertificationOut(Schema):
    """Whether the certification is in force today, from the law (RM Act Art 28(1), (3)-(5))."""

    in_force: bool
    term: int = Field(description="the current (or last) three-year term, 1 = the first")
    term_starts_on: date
    term_ends_on: date
    window_opens: date = Field(description="first day to apply for renewal (90 days before)")
    apply_by: date = Field(description="last day to apply for renewal (60 days before, moved)")
    reason_code: str = Field(
        description="within_term, renewal_pending, not_renewed, renewal_late, renewal_refused, "
        "not_yet_certified"
    )
    reason: str
    lapsed_on: date | None


class CommitteeOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    certification_number: str
    founder_name: str
    founder_type: str
    certified_on: date
    valid_until: date = Field(description="last day of the current term")
    scope: str
    rules: RulesOut
    closed_days: list[str] = Field(
        description="kinds of day the committee's rules record it closed (Civil Code Art 142)"
    )
    certification: CertificationOut

    @staticmethod
    def resolve_closed_days(obj: Committee) -> list[str]:
        return list(obj.closed_days)

    @staticmethod
    def resolve_certification(obj: Committee) -> dict[str, Any]:
        status = obj.certification_today
        return {
            "in_force": status.in_force,
            "term": status.term,
            "term_starts_on": status.term_starts_on,
            "term_ends_on": status.term_ends_on,
            "window_opens": status.window_opens,
            "apply_by": status.apply_by,
            "reason_code": status.reason_code.value,
            "reason": status.reason,
            "lapsed_on": status.lapsed_on,
        }

    @staticmethod
    def resolve_rules(obj: Committee) -> dict[str, Any]:
        return {
            "min_present": obj.rule_min_present,
            "majority_present": obj.rule_majority_present,
            "both_sexes": obj.rule_both_sexes,
            "required_categories": obj.rule_required_categories,
            "min_no_interest": obj.rule_min_no_interest,
            "min_independent": obj.rule_min_independent,
        }


class CommitteeIn(Schema):
    slug: Slug
    name: Annotated[str, line(200)]
    name_en: Annotated[str, line(200)] = ""
    kind: Annotated[str, line(30)]
    certification_number: Annotated[str, line(9)]
    founder_name: Annotated[str, line(200)]
    founder_type: Annotated[str, line(30)]
    certified_on: Day
    scope: Annotated[str, line(300)] = ""


class CommitteeEditIn(Schema):
    """The record as corrected, whole (its identifier stays as registered). The kind and the day
    of certification stay as registered once the renewal duty is open (409,
    committee_renewal_basis_fixed)."""

    name: Annotated[str, line(200)]
    name_en: Annotated[str, line(200)] = ""
    kind: Annotated[str, line(30)]
    certification_number: Annotated[str, line(9)]
    founder_name: Annotated[str, line(200)]
    founder_type: Annotated[str, line(30)]
    certified_on: Day
    scope: Annotated[str, line(300)] = ""


class RulesIn(Schema):
    # The service refuses a count over 100 (and a minimum present under 1) with its message;
    # the schema holds each to the column (PositiveSmallIntegerField).
    min_present: SmallCount
    majority_present: bool
    both_sexes: bool
    required_categories: list[Annotated[str, line(1)]] = Field(max_length=20)
    min_no_interest: SmallCount
    min_independent: SmallCount


class ClosedDaysIn(Schema):
    closed_days: list[ClosedDayName] = Field(
        max_length=4,
        description="kinds of day the committee does not transact; empty: none (the default)",
    )


class RenewalOut(Schema):
    id: int
    term: int
    applied_on: date
    reference: str
    excused: bool
    excused_reason: str
    timely: bool
    pending: bool
    decided_on: date | None
    granted: bool | None
    created_at: datetime

    @staticmethod
    def resolve_timely(obj: CommitteeRenewal) -> bool:
        return services.renewal_is_timely(obj)


class RenewalIn(Schema):
    applied_on: Day
    reference: Annotated[str, line(100, min_length=1)]
    excused: bool = False
    excused_reason: Annotated[str, text(2000)] = ""


class RenewalDecisionIn(Schema):
    granted: bool
    decided_on: Day


class MemberOut(Schema):
    id: int
    name: str
    category: str
    sex: str
    independent_of_founder: bool
    affiliation: str
    is_active: bool


class MemberIn(Schema):
    name: Annotated[str, line(150)]
    category: Annotated[str, line(1)]
    sex: Annotated[str, line(10)]
    independent_of_founder: bool
    affiliation: Annotated[str, line(200)] = ""


class FacilityOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    number: str
    operator_name: str
    operator_institution_id: int | None
    in_house: bool
    domestic: bool
    country: str
    prefecture: str
    valid_from: date
    valid_until: date | None
    closed_on: date | None = Field(description="the day manufacture stopped (Act Art 41)")


class FacilityNoticeOut(Schema):
    id: int
    kind: str
    rule: str
    event_on: date
    summary: str
    created_at: datetime


class FacilityNoticeIn(Schema):
    kind: Literal["change", "closure"]
    event_on: Day
    summary: Annotated[str, text(2000, min_length=1)]


class FacilityIn(Schema):
    name: Annotated[str, line(200)]
    name_en: Annotated[str, line(200)] = ""
    kind: Annotated[str, line(20)]
    number: Annotated[str, line(40)]
    operator_name: Annotated[str, line(200)]
    operator_institution_id: Id | None = None
    domestic: bool = True
    country: Annotated[str, line(80)] = ""
    prefecture: Annotated[str, line(2)] = ""
    valid_from: Day
    valid_until: Day | None = None


@router.get("/institutions", auth=None, response=list[InstitutionOut], summary="Institutions")
@paginate(Pagination)
def institutions(
    request: HttpRequest, q: Search = "", prefecture: Annotated[str, line(2)] = ""
) -> Any:
    return selectors.institution_list(q=q, prefecture=prefecture)


@router.get(
    "/institutions/{institution_id}",
    auth=None,
    response={200: InstitutionOut, 404: ErrorOut},
    summary="One institution",
)
def institution(request: HttpRequest, institution_id: Id) -> Institution:
    return selectors.institution_get(institution_id)


@router.post("/institutions", response={201: InstitutionOut, **WRITE_ERRORS})
def institution_new(request: HttpRequest, payload: InstitutionIn) -> Status[Institution]:
    return Status(201, services.institution_create(actor=actor(request), **payload.dict()))


@router.get("/committees", auth=None, response=list[CommitteeOut], summary="Certified committees")
@paginate(Pagination)
def committees(request: HttpRequest) -> Any:
    return selectors.committee_list()


@router.get("/committees/{committee_id}", auth=None, response={200: CommitteeOut, 404: ErrorOut})
def committee(request: HttpRequest, committee_id: Id) -> Committee:
    return selectors.committee_get(committee_id)


@router.post("/committees", response={201: CommitteeOut, **WRITE_ERRORS})
def committee_new(request: HttpRequest, payload: CommitteeIn) -> Status[Committee]:
    return Status(201, services.committee_create(actor=actor(request), **payload.dict()))


@router.put(
    "/committees/{committee_id}",
    response={200: CommitteeOut, **WRITE_ERRORS},
    summary="Correct a committee's record (the regulator or its secretariat)",
)
def committee_edit(request: HttpRequest, committee_id: Id, payload: CommitteeEditIn) -> Committee:
    """Its kind and the day it was certified are what its renewal duty counts from (RM Act
    Art 28(1), (3)): once the duty is open a change of either is refused (409,
    `committee_renewal_basis_fixed`); before, a change of kind is refused while plans in its care
    are of a class the new kind may not review (409, `committee_kind_mismatch`)."""
    return services.committee_update(
        committee=selectors.committee_get(committee_id), actor=actor(request), **payload.dict()
    )


@router.put("/committees/{committee_id}/rules", response={200: CommitteeOut, **WRITE_ERRORS})
def committee_rules(request: HttpRequest, committee_id: Id, payload: RulesIn) -> Committee:
    return services.committee_rules_set(
        committee=selectors.committee_get(committee_id), actor=actor(request), **payload.dict()
    )


@router.put(
    "/committees/{committee_id}/closed-days",
    response={200: CommitteeOut, **WRITE_ERRORS},
    summary="The kinds of day the committee is closed (its secretariat)",
)
def committee_closed_days(
    request: HttpRequest, committee_id: Id, payload: ClosedDaysIn
) -> Committee:
    """A report to a committee is not moved for closed days unless its rules record it closed
    then (Civil Code Art 142); changing them recomputes the outstanding reports owed to it."""
    user = actor(request)
    return services.committee_closed_days_set(
        committee=selectors.committee_get_private_for(user, committee_id),
        closed_days=list(payload.closed_days),
        actor=user,
    )


@router.get(
    "/committees/{committee_id}/renewals",
    response={200: list[RenewalOut], 401: ErrorOut, 404: ErrorOut},
    summary="A committee's applications to renew its certification (the committee, regulators)",
)
@paginate(Pagination)
def committee_renewals(request: HttpRequest, committee_id: Id) -> Any:
    committee = selectors.committee_get_private_for(actor(request), committee_id)
    return selectors.committee_renewals(committee)


@router.post(
    "/committees/{committee_id}/renewals",
    response={201: RenewalOut, **WRITE_ERRORS},
    summary="Record an application to renew the certification (its secretariat)",
)
def committee_renewal_new(
    request: HttpRequest, committee_id: Id, payload: RenewalIn
) -> Status[CommitteeRenewal]:
    user = actor(request)
    renewal = services.committee_renewal_apply(
        committee=selectors.committee_get_private_for(user, committee_id),
        actor=user,
        **payload.dict(),
    )
    return Status(201, renewal)


@router.post(
    "/committees/{committee_id}/renewals/{renewal_id}/decision",
    response={200: RenewalOut, **WRITE_ERRORS},
    summary="Record the decision on a renewal application (the regulator)",
)
def committee_renewal_decision(
    request: HttpRequest, committee_id: Id, renewal_id: Id, payload: RenewalDecisionIn
) -> CommitteeRenewal:
    user = actor(request)
    committee = selectors.committee_get_private_for(user, committee_id)
    return services.committee_renewal_decide(
        renewal=selectors.renewal_get_private_for(user, committee, renewal_id),
        actor=user,
        **payload.dict(),
    )


@router.get(
    "/committees/{committee_id}/members",
    response={200: list[MemberOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A committee's roster (the committee and regulators)",
)
@paginate(Pagination)
def committee_members(request: HttpRequest, committee_id: Id) -> Any:
    return selectors.committee_roster_get_for(actor(request), committee_id)


@router.post("/committees/{committee_id}/members", response={201: MemberOut, **WRITE_ERRORS})
def committee_member_new(
    request: HttpRequest, committee_id: Id, payload: MemberIn
) -> Status[CommitteeMember]:
    member = services.committee_member_add(
        committee=selectors.committee_get(committee_id), actor=actor(request), **payload.dict()
    )
    return Status(201, member)


@router.post(
    "/committees/{committee_id}/members/{member_id}/deactivate",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="Mark a member inactive: meetings no longer count them (409 if already inactive)",
)
def committee_member_deactivate(
    request: HttpRequest, committee_id: Id, member_id: Id
) -> CommitteeMember:
    user = actor(request)
    committee = selectors.committee_get(committee_id)
    return services.committee_member_deactivate(
        member=selectors.committee_member_get_for(user, committee, member_id), actor=user
    )


@router.post(
    "/committees/{committee_id}/members/{member_id}/reactivate",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="Mark an inactive member active again (409 if already active)",
)
def committee_member_reactivate(
    request: HttpRequest, committee_id: Id, member_id: Id
) -> CommitteeMember:
    user = actor(request)
    committee = selectors.committee_get(committee_id)
    return services.committee_member_reactivate(
        member=selectors.committee_member_get_for(user, committee, member_id), actor=user
    )


@router.get("/facilities", auth=None, response=list[FacilityOut], summary="Processing facilities")
@paginate(Pagination)
def facilities(request: HttpRequest, q: Search = "") -> Any:
    return selectors.facility_list(q=q)


@router.get("/facilities/{facility_id}", auth=None, response={200: FacilityOut, 404: ErrorOut})
def facility(request: HttpRequest, facility_id: Id) -> ProcessingFacility:
    return selectors.facility_get(facility_id)


@router.post("/facilities", response={201: FacilityOut, **WRITE_ERRORS})
def facility_new(request: HttpRequest, payload: FacilityIn) -> Status[ProcessingFacility]:
    data = payload.dict()
    operator_id = data.pop("operator_institution_id")
    operator = None if operator_id is None else selectors.institution_get(operator_id)
    return Status(
        201,
        services.facility_create(actor=actor(request), operator_institution=operator, **data),
    )


@router.get(
    "/facilities/{facility_id}/notices",
    response={200: list[FacilityNoticeOut], 401: ErrorOut, 404: ErrorOut},
    summary="A facility's change and closure notices (its operator, regulators)",
)
@paginate(Pagination)
def facility_notices(request: HttpRequest, facility_id: Id) -> Any:
    return selectors.facility_notices_for(actor(request), selectors.facility_get(facility_id))


@router.post(
    "/facilities/{facility_id}/notices",
    response={201: FacilityNoticeOut, **WRITE_ERRORS},
    summary="Record a change to a facility or that it stopped manufacturing",
)
def facility_notice_new(
    request: HttpRequest, facility_id: Id, payload: FacilityNoticeIn
) -> Status[FacilityNotice]:
    """Opens the 30-day notice to the Regional Bureau (Act Art 37 / 40(3); Art 41), which is filed
    outside Saisei and met by recording the filing. The operator of an in-house facility records
    it; the regulator records a third-party facility's."""
    notice = services.facility_notice_record(
        facility=selectors.facility_get(facility_id), actor=actor(request), **payload.dict()
    )
    return Status(201, notice)
