"""The plans API's schemas: what each endpoint takes and answers, typed and bounded."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from saisei.api.schemas import DecimalValue, Id, Line, RmActDay, Text
from saisei.plans.models import PlanType, Therapy


class CriterionIO(Schema):
    measure: str
    method: str
    time_point: str
    success_threshold: str


class FacilityRef(Schema):
    id: int
    name: str
    name_en: str
    number: str
    kind: str
    operator_name: str
    third_party: bool


class Ref(Schema):
    id: int
    name: str
    name_en: str


class CommitteeRef(Ref):
    kind: str
    certification_number: str


class PlanPublicOut(Schema):
    id: int
    title: str
    title_en: str
    therapy: str
    plan_type: str
    target_disease: str
    description: str
    class_reasons: str
    risk_class: str
    classification_rule: str
    status: str
    status_label: str
    institution: Ref
    prefecture: str
    committee: CommitteeRef | None
    facilities: list[FacilityRef]
    criteria: list[CriterionIO]
    filed_on: date | None
    filed_with: str
    filing_office: str
    plan_number: str | None
    provision_allowed_from: date | None
    # A Class I change in its restriction: provision follows version_in_force until the change
    # is in force (RM Act Art 10(2)).
    version_in_force: int
    change_version: int | None
    change_allowed_from: date | None
    transitional: bool
    discontinued_on: date | None
    data_collection_ended_on: date | None
    closed_on: date | None
    version: int


class PlanOut(PlanPublicOut):
    responsible_physician: str
    other_physicians: str
    consent_document: str
    classification_answers: dict[str, Any]
    classification: dict[str, Any]
    provision_allowed_explanation: str
    created_at: datetime
    updated_at: datetime


# A plan names at most this many evaluation criteria and processing facilities.
MAX_CRITERIA = 50
MAX_FACILITIES = 50


class PlanContentIn(Schema):
    """A plan's content (domain.md §1.4), each text held to its column. Which fields are
    required is the service's rule (a draft may leave some empty); an unknown field is refused."""

    model_config = ConfigDict(extra="forbid")

    title: Line(150) | None = None
    title_en: Line(150) | None = None
    target_disease: Line(100) | None = None
    description: Text(4000) | None = None
    class_reasons: Text(4000) | None = None
    responsible_physician: Line(100) | None = None
    other_physicians: Text(1000) | None = None
    consent_document: Line(300) | None = None
    plan_type: Literal[tuple(PlanType.values)] | None = None  # type: ignore[valid-type]
    therapy: Literal[tuple(Therapy.values)] | None = None  # type: ignore[valid-type]


class CriterionIn(Schema):
    """An evaluation criterion; the service requires each text."""

    model_config = ConfigDict(extra="forbid")

    measure: Line(200) = ""
    method: Text(500) = ""
    time_point: Line(100) = ""
    success_threshold: Line(300) = ""
    # The optional computable threshold (EvaluationCriterion.threshold_value: 14 digits, 4
    # decimals; the service refuses 10^10 or more): an operator and a number, both or neither.
    threshold_operator: Literal[">=", ">", "<=", "<", ""] = ""
    threshold_value: DecimalValue(14, 4) | None = None


class PlanChangesIn(PlanContentIn):
    """What a change replaces: content fields, the criteria, the facilities. The service says
    which of them a minor change may touch."""

    criteria: list[CriterionIn] | None = Field(None, max_length=MAX_CRITERIA)
    facility_ids: list[Id] | None = Field(None, max_length=MAX_FACILITIES)


class PlanIn(Schema):
    institution_id: Id
    committee_id: Id | None = None
    content: PlanContentIn
    answers: dict[str, Any] = Field(
        description="the classification answers in the `saisei classify` input shape, without "
        "`date` (the law engine validates them and names any wrong field)"
    )
    criteria: list[CriterionIn] = Field([], max_length=MAX_CRITERIA)
    facility_ids: list[Id] = Field([], max_length=MAX_FACILITIES)


class PlanPatch(Schema):
    committee_id: Id | None = None
    content: PlanContentIn | None = None
    answers: dict[str, Any] | None = None
    criteria: list[CriterionIn] | None = Field(None, max_length=MAX_CRITERIA)
    facility_ids: list[Id] | None = Field(None, max_length=MAX_FACILITIES)


class ReviewOut(Schema):
    id: int
    plan_id: int
    plan_title: str
    institution: str
    committee_id: int
    kind: str
    plan_version: int
    proposed_changes: dict[str, Any]
    change_reason: str
    submitted_at: datetime
    decision: str
    decided_at: datetime | None


class AttendanceIn(Schema):
    member_id: Id
    present: bool
    conflicted: bool = False
    conflict_note: Line(300) = ""


class MeetingIn(Schema):
    held_on: RmActDay
    attendance: list[AttendanceIn] = Field(max_length=200)
    location: Line(200) = ""
    notes: Text(4000) = ""


class MeetingOut(Schema):
    id: int
    review_id: int
    held_on: date
    location: str
    quorate: bool
    quorum_report: list[dict[str, Any]]


class OpinionIn(Schema):
    meeting_id: Id
    decision: Line(30)
    reasons: Text(4000)
    scientific_validity: Text(4000)
    conditions: Text(4000) = ""


class OpinionOut(Schema):
    id: int
    review_id: int
    meeting_id: int
    decision: str
    conditions: str
    reasons: str
    scientific_validity: str
    excluded_members: list[dict[str, Any]]
    recorded_at: datetime


class FileIn(Schema):
    filed_on: RmActDay | None = None


class AcceptIn(Schema):
    plan_number: Line(60)


class ExtendIn(Schema):
    until: RmActDay
    reason: Text(4000)
    # Which restriction: the plan's own (Art 8-9) or its restricted change's (Art 10(1)).
    which: Literal["plan", "change"] = "plan"
    notified_on: RmActDay | None = None


class ShortenIn(Schema):
    until: RmActDay
    reason: Text(4000)
    which: Literal["plan", "change"] = "plan"


class ChangeIn(Schema):
    changes: PlanChangesIn
    reason: Text(4000)


class NotifyIn(Schema):
    notified_on: RmActDay | None = None


class MinorChangeIn(Schema):
    changes: PlanChangesIn
    changed_on: RmActDay
    summary: Text(4000)
    notified_on: RmActDay | None = None
    filed_on: RmActDay | None = None


class DiscontinueIn(Schema):
    stopped_on: RmActDay
    reason: Text(4000)
    notified_on: RmActDay | None = None
    filed_on: RmActDay | None = None
    data_collection_ended_on: RmActDay | None = None


class DataCollectionEndIn(Schema):
    ended_on: RmActDay


class CloseIn(Schema):
    closed_on: RmActDay
    summary: Text(4000)


class NoticeOut(Schema):
    id: int
    plan_id: int
    kind: str
    event_on: date
    due_on: date | None
    due_explanation: str
    notified_on: date
    filed_on: date | None
    summary: str
    late: bool


class StatusChangeOut(Schema):
    action: str
    from_status: str
    to_status: str
    reason: str
    at: datetime


class VersionOut(Schema):
    number: int
    reason: str
    public: bool
    created_at: datetime
    snapshot: dict[str, Any]


class HistoryOut(Schema):
    status_changes: list[StatusChangeOut]
    versions: list[VersionOut]
    notices: list[NoticeOut]


class OrderIn(Schema):
    kind: Line(30)
    target_kind: Line(20)
    target_id: Id
    reason: Text(4000)
    issued_on: RmActDay | None = None


class PreviewIn(Schema):
    kind: Line(30)
    target_kind: Line(20)
    target_id: Id


class ReachOut(Schema):
    plans: list[PlanPublicOut]


class LiftIn(Schema):
    reason: Text(4000)
    lifted_on: RmActDay | None = None


class EffectOut(Schema):
    plan_id: int
    previous_status: str
    restored_status: str
    restored_on: date | None


class OrderOut(Schema):
    id: int
    kind: str
    target_kind: str
    target_id: int
    target_name: str
    reason: str
    issued_on: date
    lifted_on: date | None
    effects: list[EffectOut]
