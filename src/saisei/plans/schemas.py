"""The plans API's schemas: what each endpoint takes and answers, typed and bounded.

A plan's content and its criteria are derived from saisei.plans.content (one declaration, limits
from the model); the classification answers are documented field by field, and validated by the
law engine, which names a wrong field (plan_classification_invalid) as it does for the pages.
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, WithJsonSchema, create_model

from saisei.api.schemas import BodyIn, Id, Out, RmActDay, decimal, line, text
from saisei.law import CellKind, CellSource, ExcludedPractice, Purpose, Species
from saisei.plans.content import (
    CRITERION_CONTENT,
    PLAN_CONTENT,
    THRESHOLD_OPERATORS,
    ContentField,
)

# The operator of a criterion's computable threshold, or "" for none.
THRESHOLD_CHOICES = (*THRESHOLD_OPERATORS, "")
_THRESHOLD_OPERATOR: Any = Literal[THRESHOLD_CHOICES]

# The schemas derived from saisei.plans.content get their fields at run time (create_model), as a
# base class of the named schema. To mypy such a base is the class it extends: mypy cannot read
# fields declared at run time, and a variable holding a class is no base or annotation to it.


def _values(choices: Iterable[Any]) -> tuple[str, ...]:
    return tuple(c.value for c in choices)


def _text_in(f: ContentField) -> Any:
    return Annotated[str, text(f.max_length) if f.spans_lines else line(f.max_length)]


def _content_in(fields: Iterable[ContentField]) -> dict[str, Any]:
    """Each field optional (a partial edit sends some), a text held to its column."""
    return {
        f.name: (
            (Literal[tuple(f.choices)] if f.choices is not None else _text_in(f)) | None,
            None,
        )
        for f in fields
    }


def _content_out(fields: Iterable[ContentField]) -> dict[str, Any]:
    return {
        f.name: (
            Literal[tuple(f.choices)]
            if f.choices is not None
            else Annotated[str, Field(max_length=f.max_length)],
            ...,
        )
        for f in fields
    }


if TYPE_CHECKING:
    _CriterionOutFields = Out
else:
    _CriterionOutFields = create_model(
        "_CriterionOutFields",
        __base__=Out,
        **_content_out(CRITERION_CONTENT),
        threshold_operator=(_THRESHOLD_OPERATOR, ...),
        threshold_value=(str, ...),
    )


class CriterionOut(_CriterionOutFields):
    # The description OpenAPI shows, one line (a docstring's line break would be kept in it).
    __doc__ = (
        "An evaluation criterion as kept: its texts and the computable threshold (an operator "
        "and a number as text, both empty when the criterion has none)."
    )


# --- the classification answers (the `saisei classify` input shape, without `date`) --------------


class CellsOut(Out):
    """The processed cells, when any are used."""

    species: Literal[_values(Species)]  # type: ignore[valid-type]
    source: Literal[_values(CellSource)]  # type: ignore[valid-type]
    kind: Literal[_values(CellKind)]  # type: ignore[valid-type]
    gene_modified: bool
    cultured: bool
    reconstructive: bool
    homologous: bool


def _documented(schema: dict[str, Any], description: str) -> WithJsonSchema:
    """Documents any value as `schema` (`Annotated[Any, _documented(...)]`): the law engine checks
    it and names the field, so a wrong answer is refused as plan_classification_invalid (400)
    rather than by the schema."""
    return WithJsonSchema({**schema, "description": description})


def _enum(values: Iterable[Any], *, nullable: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "enum": [v.value for v in values]}
    return {"anyOf": [schema, {"type": "null"}]} if nullable else schema


_BOOLEAN = {"type": "boolean"}


class ClassificationAnswersIn(BaseModel):
    """The answers to the MHLW flowchart (notice 医政研発0515第18号, Fig. 2). Every field but
    `in_vivo_provided_before_amendment` is required; the law engine refuses a missing, unknown or
    wrong one and names it (`answers.<field>`)."""

    # A plain pydantic model, not a ninja Schema (which reads only the declared fields): an
    # unknown answer must reach the law engine, which refuses it by name.
    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "additionalProperties": False,
            "required": [
                "purpose",
                "excluded_practice",
                "pmd_act_clinical_trial",
                "approved_product_on_label",
                "nucleic_acids_in_vivo",
                "cells",
            ],
        },
    )

    purpose: Annotated[Any, _documented(_enum(Purpose), "what the practice is for")] = None
    excluded_practice: Annotated[
        Any,
        _documented(
            _enum(ExcludedPractice, nullable=True),
            "one of the practices outside the Act, or null for none",
        ),
    ] = None
    pmd_act_clinical_trial: Annotated[
        Any, _documented(_BOOLEAN, "a clinical trial under the PMD Act (治験)")
    ] = None
    approved_product_on_label: Annotated[
        Any, _documented(_BOOLEAN, "only an approved product is used, exactly as approved")
    ] = None
    nucleic_acids_in_vivo: Annotated[
        Any,
        _documented(_BOOLEAN, "nucleic acids are introduced into the patient's cells in the body"),
    ] = None
    cells: Annotated[
        Any,
        _documented(
            {"anyOf": [CellsOut.model_json_schema(), {"type": "null"}]},
            "the processed cells used, or null when none are",
        ),
    ] = None
    in_vivo_provided_before_amendment: Annotated[
        Any,
        _documented(
            {**_BOOLEAN, "default": False},
            "the in vivo gene therapy was already provided on 2025-05-31 (transitional rule)",
        ),
    ] = None

    def answers(self) -> dict[str, Any]:
        """What the client sent, and only that, for the law engine to check."""
        return self.model_dump(exclude_unset=True)


class ClassificationAnswersOut(Out):
    """The answers as recorded (the `saisei classify` input shape), with the date they were
    classified on."""

    date: date
    purpose: Literal[_values(Purpose)]  # type: ignore[valid-type]
    excluded_practice: Literal[_values(ExcludedPractice)] | None  # type: ignore[valid-type]
    pmd_act_clinical_trial: bool
    approved_product_on_label: bool
    nucleic_acids_in_vivo: bool
    cells: CellsOut | None
    in_vivo_provided_before_amendment: bool


class FacilityRef(Out):
    id: int
    name: str
    name_en: str
    number: str
    kind: str
    operator_name: str
    third_party: bool


class Ref(Out):
    id: int
    name: str
    name_en: str


class CommitteeRef(Ref):
    kind: str
    certification_number: str


if TYPE_CHECKING:
    _PlanPublicContent = Out
else:
    _PlanPublicContent = create_model(
        "_PlanPublicContent", __base__=Out, **_content_out(f for f in PLAN_CONTENT if f.public)
    )


class PlanPublicOut(_PlanPublicContent):
    id: int
    risk_class: str
    classification_rule: str
    status: str
    status_label: str
    institution: Ref
    prefecture: str
    committee: CommitteeRef | None
    facilities: list[FacilityRef]
    criteria: list[CriterionOut]
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


class _PlanOutBase(PlanPublicOut):
    classification_answers: ClassificationAnswersOut
    classification: dict[str, Any] = Field(
        description="the law engine's result as recorded: class, rule, the path of questions "
        "with their legal basis, and the procedure (`saisei classify` output)"
    )
    provision_allowed_explanation: str
    created_at: datetime
    updated_at: datetime


if TYPE_CHECKING:
    _PlanPrivateContent = _PlanOutBase
else:
    _PlanPrivateContent = create_model(
        "_PlanPrivateContent",
        __base__=_PlanOutBase,
        **_content_out(f for f in PLAN_CONTENT if not f.public),
    )


class PlanOut(_PlanPrivateContent):
    """A plan as those who may see it read it: the public fields and the private content."""


class PublicPlanSummaryOut(Out):
    """A plan as the public search lists it: filed through Saisei (`source` "saisei", `id` its
    id) or known only from MHLW's public list of filed plans (`source` "mhlw", `id` null, status
    "listed" or "delisted"). `url` reads the whole plan: for a Saisei plan its committee,
    facilities, criteria and restrictions; for a listed one what the list says of it."""

    id: int | None
    source: Literal["saisei", "mhlw"]
    title: str
    title_en: str
    institution: Ref
    prefecture: str
    plan_number: str | None
    risk_class: str
    therapy: str
    # What it treats, read from its names (inferred: saisei.plans.conditions).
    condition: str
    status: str
    status_label: str
    # Its reports and notices on the day of the search ("not_known" for a listed plan), and the
    # orders recorded that reach it.
    reporting: str
    orders: str
    filed_on: date | None
    url: str


class FacetValueOut(Out):
    value: str
    label: str
    count: int


class PublicPlanFacetsOut(Out):
    """How many of the search's results have each value of each facet (only the values found).
    Each list is in the order of its choices (the prefectures in JIS order)."""

    risk_class: list[FacetValueOut]
    therapy: list[FacetValueOut]
    status: list[FacetValueOut]
    prefecture: list[FacetValueOut]
    condition: list[FacetValueOut]
    reporting: list[FacetValueOut]
    orders: list[FacetValueOut]


class PublicListOut(Out):
    """One of MHLW's public lists: its date (`precision` "month" when only its month is known,
    the date then being the month's first day) and where it is published."""

    listed_on: date
    precision: Literal["day", "month"]
    source: str


class ListedPlanChangeOut(Out):
    kind: Literal["listed", "changed", "delisted", "relisted"]
    list: PublicListOut
    fields: dict[str, Any]


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


class ListedNoteOut(Out):
    """What the import found of a listed plan (`kind`), as a patient reads it (`text`)."""

    kind: str
    text: str


class ListedPlanOut(Out):
    """A plan as MHLW's public list of filed plans shows it. The list gives no committee, no
    filing date and nothing of the plan's reporting; `therapy` and `condition` are inferred from
    the treatment's name. `plan` is the plan filed through Saisei under the same number, when
    there is one."""

    plan_number: str
    risk_class: Literal["I", "II", "III"]
    prefecture: str
    institution: Ref
    institution_as_listed: str
    title: str
    therapy: str
    therapy_inferred: Literal[True]
    # What it treats (a Condition), read from the treatment's name like `therapy`.
    condition: str
    documents: list[str]
    first_list: PublicListOut
    last_list: PublicListOut
    delisted_by: PublicListOut | None
    notes: list[ListedNoteOut]
    changes: list[ListedPlanChangeOut]
    # The orders recorded in Saisei against its institution (they reach every plan of it).
    orders: list[OrderOut]
    plan: str | None


class PlanSummaryOut(Out):
    """A plan as the signed-in list shows it; `url` reads the whole plan (its content, criteria,
    facilities, classification and the explanations of its dates)."""

    id: int
    title: str
    title_en: str
    institution: Ref
    committee: Ref | None
    risk_class: str
    status: str
    status_label: str
    plan_number: str | None
    filed_on: date | None
    version: int
    updated_at: datetime
    url: str


# A plan names at most this many evaluation criteria and processing facilities.
MAX_CRITERIA = 50
MAX_FACILITIES = 50


class _ContentInBase(Schema):
    model_config = ConfigDict(extra="forbid")


if TYPE_CHECKING:
    _PlanContentFields = _ContentInBase
    _CriterionInFields = _ContentInBase
else:
    _PlanContentFields = create_model(
        "_PlanContentFields", __base__=_ContentInBase, **_content_in(PLAN_CONTENT)
    )
    _CriterionInFields = create_model(
        "_CriterionInFields",
        __base__=_ContentInBase,
        **{f.name: (_text_in(f), "") for f in CRITERION_CONTENT},
        # The optional computable threshold (EvaluationCriterion.threshold_value: 14 digits, 4
        # decimals; the service refuses 10^10 or more): an operator and a number, both or
        # neither.
        threshold_operator=(_THRESHOLD_OPERATOR, ""),
        threshold_value=(Annotated[Decimal, decimal(14, 4)] | None, None),
    )


class PlanContentIn(_PlanContentFields):
    __doc__ = (
        "A plan's content (domain.md §1.4), each text held to its column. Which fields are "
        "required is the service's rule (a draft may leave some empty); an unknown field is "
        "refused."
    )


class CriterionIn(_CriterionInFields):
    """An evaluation criterion; the service requires each text."""


class PlanChangesIn(PlanContentIn):
    """What a change replaces: content fields, the criteria, the facilities. The service says
    which of them a minor change may touch."""

    criteria: list[CriterionIn] | None = Field(None, max_length=MAX_CRITERIA)
    facility_ids: list[Id] | None = Field(None, max_length=MAX_FACILITIES)


class PlanIn(Schema):
    institution_id: Id
    committee_id: Id | None = None
    content: PlanContentIn
    answers: ClassificationAnswersIn
    criteria: list[CriterionIn] = Field([], max_length=MAX_CRITERIA)
    facility_ids: list[Id] = Field([], max_length=MAX_FACILITIES)


class PlanPatch(BodyIn):
    committee_id: Id | None = None
    content: PlanContentIn | None = None
    answers: ClassificationAnswersIn | None = None
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
    conflict_note: Annotated[str, line(300)] = ""


class MeetingIn(Schema):
    held_on: RmActDay
    attendance: list[AttendanceIn] = Field(max_length=200)
    location: Annotated[str, line(200)] = ""
    notes: Annotated[str, text(4000)] = ""


class MeetingOut(Schema):
    id: int
    review_id: int
    held_on: date
    location: str
    quorate: bool
    quorum_report: list[dict[str, Any]]


class OpinionIn(Schema):
    meeting_id: Id
    decision: Annotated[str, line(30)]
    reasons: Annotated[str, text(4000)]
    scientific_validity: Annotated[str, text(4000)]
    conditions: Annotated[str, text(4000)] = ""


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


class FileIn(BodyIn):
    filed_on: RmActDay | None = None


class AcceptIn(Schema):
    plan_number: Annotated[str, line(60)]


class ExtendIn(Schema):
    until: RmActDay
    reason: Annotated[str, text(4000)]
    # Which restriction: the plan's own (Art 8-9) or its restricted change's (Art 10(1)).
    which: Literal["plan", "change"] = "plan"
    notified_on: RmActDay | None = None


class ShortenIn(Schema):
    until: RmActDay
    reason: Annotated[str, text(4000)]
    which: Literal["plan", "change"] = "plan"


class ChangeIn(Schema):
    changes: PlanChangesIn
    reason: Annotated[str, text(4000)]


class NotifyIn(BodyIn):
    notified_on: RmActDay | None = None


class MinorChangeIn(Schema):
    changes: PlanChangesIn
    changed_on: RmActDay
    summary: Annotated[str, text(4000)]
    notified_on: RmActDay | None = None
    filed_on: RmActDay | None = None


class DiscontinueIn(Schema):
    stopped_on: RmActDay
    reason: Annotated[str, text(4000)]
    notified_on: RmActDay | None = None
    filed_on: RmActDay | None = None
    data_collection_ended_on: RmActDay | None = None


class DataCollectionEndIn(Schema):
    ended_on: RmActDay


class CloseIn(Schema):
    closed_on: RmActDay
    summary: Annotated[str, text(4000)]


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
    kind: Annotated[str, line(30)]
    target_kind: Annotated[str, line(20)]
    target_id: Id
    reason: Annotated[str, text(4000)]
    issued_on: RmActDay | None = None


class PreviewIn(Schema):
    kind: Annotated[str, line(30)]
    target_kind: Annotated[str, line(20)]
    target_id: Id


class ReachOut(Schema):
    plans: list[PlanPublicOut]


class LiftIn(Schema):
    reason: Annotated[str, text(4000)]
    lifted_on: RmActDay | None = None
