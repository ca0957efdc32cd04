"""API of the registry: /institutions, /committees, /facilities (public reads, regulator writes)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from saisei.api.schemas import ErrorOut
from saisei.core.errors import NotPermitted
from saisei.registry import selectors, services
from saisei.registry.models import Committee, CommitteeMember, Institution, ProcessingFacility

router = Router(tags=["registry"])
WRITE_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


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
    slug: str
    name: str
    name_en: str = ""
    kind: str
    prefecture: str
    address: str = ""
    manager_name: str


class RulesOut(Schema):
    min_present: int
    majority_present: bool
    both_sexes: bool
    required_categories: list[str]
    min_no_interest: int
    min_independent: int


class CommitteeOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    certification_number: str
    founder_name: str
    founder_type: str
    certified_on: date
    valid_until: date
    scope: str
    rules: RulesOut

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
    slug: str
    name: str
    name_en: str = ""
    kind: str
    certification_number: str
    founder_name: str
    founder_type: str
    certified_on: date
    valid_until: date
    scope: str = ""


class RulesIn(RulesOut):
    pass


class MemberOut(Schema):
    id: int
    name: str
    category: str
    sex: str
    independent_of_founder: bool
    affiliation: str
    is_active: bool


class MemberIn(Schema):
    name: str
    category: str
    sex: str
    independent_of_founder: bool
    affiliation: str = ""


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


class FacilityIn(Schema):
    name: str
    name_en: str = ""
    kind: str
    number: str
    operator_name: str
    operator_institution_id: int | None = None
    domestic: bool = True
    country: str = ""
    prefecture: str = ""
    valid_from: date
    valid_until: date | None = None


def _actor(request: HttpRequest) -> Any:
    return getattr(request, "auth", None)


@router.get("/institutions", auth=None, response=list[InstitutionOut], summary="Institutions")
@paginate(LimitOffsetPagination)
def institutions(request: HttpRequest, q: str = "", prefecture: str = "") -> Any:
    return selectors.institution_list(q=q, prefecture=prefecture)


@router.get(
    "/institutions/{institution_id}",
    auth=None,
    response={200: InstitutionOut, 404: ErrorOut},
    summary="One institution",
)
def institution(request: HttpRequest, institution_id: int) -> Institution:
    return selectors.institution_get(institution_id)


@router.post("/institutions", response={201: InstitutionOut, **WRITE_ERRORS})
def institution_new(request: HttpRequest, payload: InstitutionIn) -> Status[Institution]:
    return Status(201, services.institution_create(actor=_actor(request), **payload.dict()))


@router.get("/committees", auth=None, response=list[CommitteeOut], summary="Certified committees")
@paginate(LimitOffsetPagination)
def committees(request: HttpRequest) -> Any:
    return selectors.committee_list()


@router.get("/committees/{committee_id}", auth=None, response={200: CommitteeOut, 404: ErrorOut})
def committee(request: HttpRequest, committee_id: int) -> Committee:
    return selectors.committee_get(committee_id)


@router.post("/committees", response={201: CommitteeOut, **WRITE_ERRORS})
def committee_new(request: HttpRequest, payload: CommitteeIn) -> Status[Committee]:
    return Status(201, services.committee_create(actor=_actor(request), **payload.dict()))


@router.put("/committees/{committee_id}/rules", response={200: CommitteeOut, **WRITE_ERRORS})
def committee_rules(request: HttpRequest, committee_id: int, payload: RulesIn) -> Committee:
    return services.committee_rules_set(
        committee=selectors.committee_get(committee_id), actor=_actor(request), **payload.dict()
    )


@router.get(
    "/committees/{committee_id}/members",
    response={200: list[MemberOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A committee's roster (the committee and regulators)",
)
@paginate(LimitOffsetPagination)
def committee_members(request: HttpRequest, committee_id: int) -> Any:
    members = selectors.committee_members_for(
        _actor(request), selectors.committee_get(committee_id)
    )
    if members is None:
        raise NotPermitted("plans.view")
    return members


@router.post("/committees/{committee_id}/members", response={201: MemberOut, **WRITE_ERRORS})
def committee_member_new(
    request: HttpRequest, committee_id: int, payload: MemberIn
) -> Status[CommitteeMember]:
    member = services.committee_member_add(
        committee=selectors.committee_get(committee_id), actor=_actor(request), **payload.dict()
    )
    return Status(201, member)


@router.get("/facilities", auth=None, response=list[FacilityOut], summary="Processing facilities")
@paginate(LimitOffsetPagination)
def facilities(request: HttpRequest, q: str = "") -> Any:
    return selectors.facility_list(q=q)


@router.get("/facilities/{facility_id}", auth=None, response={200: FacilityOut, 404: ErrorOut})
def facility(request: HttpRequest, facility_id: int) -> ProcessingFacility:
    return selectors.facility_get(facility_id)


@router.post("/facilities", response={201: FacilityOut, **WRITE_ERRORS})
def facility_new(request: HttpRequest, payload: FacilityIn) -> Status[ProcessingFacility]:
    data = payload.dict()
    operator_id = data.pop("operator_institution_id")
    operator = None if operator_id is None else selectors.institution_get(operator_id)
    return Status(
        201,
        services.facility_create(actor=_actor(request), operator_institution=operator, **data),
    )
