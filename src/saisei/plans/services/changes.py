"""Changes of a filed plan: a change reviewed by the committee and then notified, or a minor
change notified at once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.audit.services import audit_record
from saisei.core.errors import FieldError, field_error, invalid, invalid_fields
from saisei.core.time import legal_today
from saisei.law import RiskClass
from saisei.obligations.services import compute_due
from saisei.plans.content import CHANGEABLE_NAMES, MINOR_CHANGE_FIELDS
from saisei.plans.lifecycle import Action
from saisei.plans.models import NoticeKind, Plan, PlanNotice, Review, ReviewKind
from saisei.plans.obligations import notice_obligation_record, notice_specs_for
from saisei.plans.services.content import (
    _apply_content,
    _new_version,
    _next_version_number,
    clean_content,
    clean_criteria,
    clean_facilities,
)
from saisei.plans.services.filing import _provision_allowed_from
from saisei.plans.services.transitions import S, _guard, _lock, _move
from saisei.registry.models import ProcessingFacility


def _clean_changes(
    changes: Mapping[str, Any], *, risk_class: str
) -> tuple[dict[str, Any], list[dict[str, str]] | None, list[ProcessingFacility] | None]:
    unknown = sorted(set(changes) - CHANGEABLE_NAMES - {"criteria", "facility_ids"})
    if unknown:
        raise invalid(unknown[0], _("This field cannot be changed this way."))
    content = clean_content(
        {k: v for k, v in changes.items() if k not in ("criteria", "facility_ids")}, partial=True
    )
    rows = None if "criteria" not in changes else clean_criteria(changes["criteria"])
    facilities = (
        None if "facility_ids" not in changes else clean_facilities(changes["facility_ids"])
    )
    if rows is not None and not rows:
        raise invalid("criteria", _("Give at least one evaluation criterion."))
    if facilities is not None and not facilities:
        raise invalid("facility_ids", _("Name at least one processing facility."))
    if not content and rows is None and facilities is None:
        raise invalid("changes", _("Nothing would change."))
    return content, rows, facilities


def _changes_as_json(
    content: dict[str, Any],
    rows: list[dict[str, str]] | None,
    facilities: list[ProcessingFacility] | None,
) -> dict[str, Any]:
    data: dict[str, Any] = dict(content)
    if rows is not None:
        data["criteria"] = rows
    if facilities is not None:
        data["facility_ids"] = [f.pk for f in facilities]
    return data


@transaction.atomic
def plan_change_propose(
    *, plan: Plan, actor: User, changes: Mapping[str, Any], reason: str
) -> Review:
    """A non-minor change: reviewed by the committee again before prior notice is given."""
    ensure_can(actor, "plans.change", plan)
    _lock(plan)
    _guard(plan, Action.CHANGE_PROPOSE)
    if not reason.strip():
        raise invalid("reason", _("Say why the plan changes."))
    content, rows, facilities = _clean_changes(changes, risk_class=plan.risk_class)
    committee = plan.committee
    assert committee is not None
    previous = plan.status
    _move(
        plan,
        action=Action.CHANGE_PROPOSE,
        to=S.CHANGE_UNDER_REVIEW,
        actor=actor,
        reason=reason.strip(),
        status_before_change=previous,
    )
    review = Review.objects.create(
        plan=plan,
        committee=committee,
        kind=ReviewKind.CHANGE,
        plan_version=plan.version,
        proposed_changes=_changes_as_json(content, rows, facilities),
        change_reason=reason.strip(),
        submitted_by=actor,
    )
    audit_record(
        action="plans.plan.change_proposed",
        actor=actor,
        target=plan,
        data={"review_id": review.pk, "fields": sorted(review.proposed_changes)},
    )
    return review


@transaction.atomic
def plan_change_notify(*, plan: Plan, actor: User, notified_on: date | None = None) -> Plan:
    """Give prior notice of an approved change (様式第2) and apply it. For Class I the change
    itself is restricted for 90 days from the notice (Act Art 10(1); Cabinet Order Art 2), while
    provision goes on under the version before the change (Art 10(2)): the plan keeps its status
    and the change's version is in force from the day the law gives."""
    ensure_can(actor, "plans.change", plan)
    _lock(plan)
    _guard(plan, Action.CHANGE_NOTIFY)
    notified_on = notified_on or legal_today()
    if notified_on > legal_today():
        raise invalid("notified_on", _("The date cannot be in the future."))
    review = plan.reviews.filter(kind=ReviewKind.CHANGE).exclude(decision="").latest("submitted_at")
    proposed = dict(review.proposed_changes)
    rows = proposed.pop("criteria", None)
    facility_ids = proposed.pop("facility_ids", None)
    facilities = None if facility_ids is None else clean_facilities(facility_ids)
    fields: dict[str, Any] = {"status_before_change": ""}
    version_number = _next_version_number(plan)
    if plan.risk_class == RiskClass.I.value:
        allowed_from, explanation, explanation_ja = _provision_allowed_from(
            plan.risk_class, notified_on
        )
        fields.update(
            change_version=version_number,
            change_allowed_from=allowed_from,
            change_allowed_explanation=(
                f"Version {version_number} (this change) is in force from {allowed_from}; until "
                f"then the plan is provided as version {version_number - 1} (RM Act Art 10(2)). "
                + explanation
            ),
            change_allowed_explanation_ja=(
                f"第{version_number}版(この変更)は{allowed_from}から効力を持ちます。それまでは第"
                f"{version_number - 1}版に従って提供できます(法第10条第2項)。" + explanation_ja
            ),
        )
    to = plan.status_before_change or S.ACTIVE
    if to not in (S.ACTIVE, S.RESTRICTED):  # pragma: no cover - the table allows no other
        to = S.ACTIVE
    _move(
        plan, action=Action.CHANGE_NOTIFY, to=to, actor=actor, reason=review.change_reason, **fields
    )
    _apply_content(
        plan, content=proposed, criteria=rows, facilities=facilities, version=version_number
    )
    version = _new_version(plan, actor=actor, reason="change notified", public=True)
    PlanNotice.objects.create(
        plan=plan,
        kind=NoticeKind.CHANGE,
        event_on=notified_on,
        notified_on=notified_on,
        filed_on=notified_on,
        summary=review.change_reason,
        changes=review.proposed_changes,
        recorded_by=actor,
    )
    audit_record(
        action="plans.plan.change_notified",
        actor=actor,
        target=plan,
        data={
            "review_id": review.pk,
            "version": version.number,
            "status": plan.status,
            "change_allowed_from": plan.change_allowed_from,
        },
    )
    return plan


@transaction.atomic
def plan_minor_change_notify(
    *,
    plan: Plan,
    actor: User,
    changes: Mapping[str, Any],
    changed_on: date,
    summary: str,
    notified_on: date | None = None,
    filed_on: date | None = None,
) -> PlanNotice:
    """A minor change (様式第3): applied at once; the committee is notified and the authority
    receives the notice within 10 days after the change (Act Art 5(3)), each its own duty.
    ``notified_on`` is the day the committee was notified, ``filed_on`` the day it was filed with
    the authority (the same day when not given)."""
    ensure_can(actor, "plans.change", plan)
    _lock(plan)
    _guard(plan, Action.MINOR_CHANGE)
    notified_on = notified_on or legal_today()
    filed_on = filed_on or notified_on
    errors: list[FieldError] = []
    not_minor = sorted(set(changes) - MINOR_CHANGE_FIELDS)
    if not_minor:
        errors.append(
            field_error(
                not_minor[0],
                _("This is not a minor change: propose it to the committee as a change."),
            )
        )
    if changed_on > legal_today() or notified_on > legal_today() or filed_on > legal_today():
        errors.append(field_error("changed_on", _("The date cannot be in the future.")))
    if notified_on < changed_on:
        errors.append(field_error("notified_on", _("The notice cannot precede the change.")))
    if filed_on < changed_on:
        errors.append(field_error("filed_on", _("The notice cannot precede the change.")))
    if not summary.strip():
        errors.append(field_error("summary", _("This field is required.")))
    if errors:
        raise invalid_fields(errors)
    content = clean_content(changes, partial=True)
    if not content:
        raise invalid("changes", _("Nothing would change."))
    due_on, due_explanation = _notice_due("minor_change", plan, changed_on)
    _move(plan, action=Action.MINOR_CHANGE, to=plan.status, actor=actor, reason=summary.strip())
    version_number = _next_version_number(plan)
    before = {name: getattr(plan, name) for name in content}
    _apply_content(plan, content=content, criteria=None, facilities=None, version=version_number)
    version = _new_version(plan, actor=actor, reason="minor change", public=True)
    # Obligation clock: the minor-change notice (due.due) is an obligation from changed_on.
    notice = PlanNotice.objects.create(
        plan=plan,
        kind=NoticeKind.MINOR_CHANGE,
        event_on=changed_on,
        due_on=due_on,
        due_explanation=due_explanation,
        notified_on=notified_on,
        filed_on=filed_on,
        summary=summary.strip(),
        changes={k: [before[k], v] for k, v in content.items()},
        recorded_by=actor,
    )
    notice_obligation_record(notice, actor=actor, today=legal_today())
    audit_record(
        action="plans.plan.minor_change_notified",
        actor=actor,
        target=plan,
        data={
            "notice_id": notice.pk,
            "changed_on": changed_on,
            "due_on": due_on,
            "notified_on": notified_on,
            "filed_on": filed_on,
            "version": version.number,
        },
    )
    return notice


def _notice_due(rule: str, plan: Plan, event_on: date) -> tuple[date, str]:
    """The earliest of a notice's due dates (the committee's is never later than the
    authority's) and an explanation of each; the duties themselves carry one date each."""
    dues = [compute_due(spec) for spec in notice_specs_for(rule, plan, event_on)]
    return min(d.due for d in dues), " ".join(d.explain() for d in dues)
