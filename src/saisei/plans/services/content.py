"""A plan's content as the services take it: validation of the content, the criteria, the
facilities and the classification answers, and the versions (each a snapshot; criteria and
facilities a change replaces are retired, never deleted)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.core.errors import (
    DomainError,
    ErrorCode,
    FieldError,
    field_error,
    invalid,
    invalid_fields,
)
from saisei.law import ClassificationAnswers, LawInputError, Track, classify
from saisei.plans import search
from saisei.plans.content import (
    CHOICE_FIELDS,
    CRITERION_FIELDS,
    REQUIRED_CHOICES,
    TEXT_FIELDS,
    THRESHOLD_OPERATORS,
    content_of,
)
from saisei.plans.models import (
    EvaluationCriterion,
    Plan,
    PlanFacility,
    PlanVersion,
    canonical_decimal,
)
from saisei.registry.models import Committee, ProcessingFacility

# A plan's content is declared once, in saisei.plans.content: the texts with their column's
# limit and whether a whole plan needs them, the choices, the criteria's texts.
CONTENT_FIELDS = TEXT_FIELDS


# --- validation ----------------------------------------------------------------------------------


def clean_content(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    errors: list[FieldError] = []
    cleaned: dict[str, Any] = {}
    for name, (limit, required) in CONTENT_FIELDS.items():
        if name not in data:
            if not partial and required:
                errors.append(field_error(name, _("This field is required.")))
            continue
        value = data[name]
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.append(field_error(name, _("Enter text.")))
            continue
        value = value.strip()
        if required and not value:
            errors.append(field_error(name, _("This field is required.")))
        elif len(value) > limit:
            errors.append(
                field_error(
                    name,
                    _("At most %(limit)d characters (%(length)d given).")
                    % {"limit": limit, "length": len(value)},
                )
            )
        cleaned[name] = value
    for name, choices in CHOICE_FIELDS.items():
        if name not in data:
            if not partial and name in REQUIRED_CHOICES:
                errors.append(field_error(name, _("This field is required.")))
            continue
        if data[name] not in choices:
            errors.append(field_error(name, _("Choose one of the listed options.")))
        else:
            cleaned[name] = data[name]
    if errors:
        raise invalid_fields(errors)
    return cleaned


def clean_criteria(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    errors: list[FieldError] = []
    cleaned: list[dict[str, str]] = []
    for index, row in enumerate(rows):
        item: dict[str, str] = {}
        for name, limit in CRITERION_FIELDS.items():
            value = row.get(name) if isinstance(row, Mapping) else None
            value = value.strip() if isinstance(value, str) else ""
            field = f"criteria.{index}.{name}"
            if not value:
                errors.append(field_error(field, _("This field is required.")))
            elif len(value) > limit:
                errors.append(
                    field_error(
                        field,
                        _("At most %(limit)d characters (%(length)d given).")
                        % {"limit": limit, "length": len(value)},
                    )
                )
            item[name] = value
        item.update(_clean_threshold(row if isinstance(row, Mapping) else {}, index, errors))
        cleaned.append(item)
    if errors:
        raise invalid_fields(errors)
    return cleaned


def _clean_threshold(
    row: Mapping[str, Any], index: int, errors: list[FieldError]
) -> dict[str, str]:
    """The optional computable threshold: an operator and a number, both or neither."""
    operator = row.get("threshold_operator") or ""
    raw = row.get("threshold_value")
    raw = "" if raw is None else str(raw).strip()
    if not operator and not raw:
        return {"threshold_operator": "", "threshold_value": ""}
    value = ""
    if operator not in THRESHOLD_OPERATORS:
        errors.append(
            field_error(
                f"criteria.{index}.threshold_operator",
                _("Choose how the value is compared with the threshold."),
            )
        )
    try:
        number = Decimal(raw)
        if not number.is_finite() or abs(number) >= Decimal(10) ** 10:
            raise InvalidOperation
        value = canonical_decimal(number.quantize(Decimal("0.0001")))
    except (InvalidOperation, ValueError):
        errors.append(
            field_error(f"criteria.{index}.threshold_value", _("The threshold must be a number."))
        )
    return {"threshold_operator": str(operator), "threshold_value": value}


def clean_facilities(ids: Iterable[Any]) -> list[ProcessingFacility]:
    wanted: list[int] = []
    for value in ids:
        try:
            wanted.append(int(value))
        except (TypeError, ValueError):
            raise invalid("facility_ids", _("Unknown processing facility.")) from None
    found = {f.pk: f for f in ProcessingFacility.objects.filter(pk__in=wanted)}
    if len(found) != len(set(wanted)):
        raise invalid("facility_ids", _("Unknown processing facility."))
    return [found[pk] for pk in dict.fromkeys(wanted)]


def classify_plan(answers: Mapping[str, Any], on: date) -> Any:
    """Classify with saisei.law on `on` (the filing date once filed); refuse anything outside
    the RM Act with the path that says why."""
    data = dict(answers)
    data["date"] = on.isoformat()
    try:
        result = classify(ClassificationAnswers.from_mapping(data))
    except LawInputError as exc:
        raise invalid(
            f"answers.{exc.field}",
            exc.message,
            ErrorCode.PLAN_CLASSIFICATION_INVALID,
        ) from None
    if result.track is not Track.RM_ACT:
        raise DomainError(
            ErrorCode.PLAN_NOT_RM_ACT,
            _("By these answers the practice is outside the RM Act, so it needs no provision plan.")
            if result.track is Track.OUTSIDE
            else _(
                "By these answers the practice falls under the PMD Act, not the RM Act, so it "
                "needs no provision plan."
            ),
            details={"track": result.track.value, "rule": result.rule},
        )
    return result


def check_committee(committee: Committee, risk_class: str) -> None:
    if not committee.may_review(risk_class):
        raise DomainError(
            ErrorCode.COMMITTEE_KIND_MISMATCH,
            _(
                "A Class %(risk_class)s plan must be reviewed by a specially certified committee; "
                "%(committee)s is a certified committee, which may review Class III plans only."
            )
            % {"risk_class": risk_class, "committee": committee.name},
            details={"risk_class": risk_class, "committee_kind": committee.kind},
        )


# --- content helpers -----------------------------------------------------------------------------


def snapshot(plan: Plan) -> dict[str, Any]:
    """The plan's public content, as kept in each PlanVersion."""
    committee = plan.committee
    return {
        **content_of(plan),
        "risk_class": plan.risk_class,
        "classification_rule": plan.classification_rule,
        "committee": (
            None
            if committee is None
            else {"name": committee.name, "number": committee.certification_number}
        ),
        "criteria": [
            c.as_dict() for c in plan.criteria.filter(is_current=True).order_by("position", "pk")
        ],
        "facilities": [
            {
                "name": link.facility.name,
                "number": link.facility.number,
                "operator": link.facility.operator_name,
                "third_party": not link.facility.in_house,
            }
            for link in plan.plan_facilities.filter(is_current=True).select_related("facility")
        ],
    }


def _new_version(plan: Plan, *, actor: User | None, reason: str, public: bool) -> PlanVersion:
    number = (plan.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    Plan.objects.filter(pk=plan.pk).update(version=number)
    plan.version = number
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        snapshot=snapshot(plan),
        reason=reason,
        public=public,
        created_by=actor,
    )


def _set_criteria(plan: Plan, rows: list[dict[str, str]], version: int) -> None:
    """Keep identical criteria, retire the others, add the new ones: nothing is deleted."""
    current = list(plan.criteria.filter(is_current=True).order_by("position", "pk"))
    keep: set[int] = set()
    for position, row in enumerate(rows, start=1):
        match = next((c for c in current if c.pk not in keep and c.as_dict() == row), None)
        if match is not None:
            keep.add(match.pk)
            if match.position != position:
                EvaluationCriterion.objects.filter(pk=match.pk).update(position=position)
            continue
        created = EvaluationCriterion.objects.create(
            plan=plan,
            position=position,
            added_in_version=version,
            **{**row, "threshold_value": row.get("threshold_value") or None},
        )
        keep.add(created.pk)
    plan.criteria.filter(is_current=True).exclude(pk__in=keep).update(
        is_current=False, retired_in_version=version
    )


def _set_facilities(plan: Plan, facilities: list[ProcessingFacility], version: int) -> None:
    wanted = {f.pk for f in facilities}
    current = set(
        plan.plan_facilities.filter(is_current=True).values_list("facility_id", flat=True)
    )
    for facility in facilities:
        if facility.pk not in current:
            PlanFacility.objects.create(plan=plan, facility=facility, added_in_version=version)
    plan.plan_facilities.filter(is_current=True).exclude(facility_id__in=wanted).update(
        is_current=False, retired_in_version=version
    )


def _apply_content(
    plan: Plan,
    *,
    content: dict[str, Any],
    criteria: list[dict[str, str]] | None,
    facilities: list[ProcessingFacility] | None,
    version: int,
) -> None:
    if content:
        Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now(), **content)
        for name, value in content.items():
            setattr(plan, name, value)
    if criteria is not None:
        _set_criteria(plan, criteria, version)
    if facilities is not None:
        _set_facilities(plan, facilities, version)
    # Last: the search row holds the content and the orders that reach the plan through its
    # facilities now.
    if (content or facilities is not None) and plan.is_public:
        search.sync_plan(plan)


def _next_version_number(plan: Plan) -> int:
    return (plan.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
