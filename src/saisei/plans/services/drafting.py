"""Drafting: a plan is created and edited as a draft until it is submitted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.audit.services import audit_record
from saisei.core.errors import DomainError, ErrorCode
from saisei.core.time import legal_today
from saisei.plans.models import Plan
from saisei.plans.services.content import (
    _apply_content,
    _new_version,
    _next_version_number,
    check_committee,
    classify_plan,
    clean_content,
    clean_criteria,
    clean_facilities,
)
from saisei.plans.services.transitions import S, _lock
from saisei.registry.models import Committee, Institution

# --- drafting ------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    institution: Institution,
    actor: User,
    content: Mapping[str, Any],
    answers: Mapping[str, Any],
    criteria: Iterable[Mapping[str, Any]] = (),
    facility_ids: Iterable[Any] = (),
    committee: Committee | None = None,
) -> Plan:
    ensure_can(actor, "plans.edit", institution)
    cleaned = clean_content(content)
    rows = clean_criteria(criteria)
    facilities = clean_facilities(facility_ids)
    result = classify_plan(answers, legal_today())
    if committee is not None:
        check_committee(committee, result.risk_class.value)
    plan = Plan.objects.create(
        institution=institution,
        committee=committee,
        classification_answers=result.answers.to_dict(),
        classification=result.to_record(),
        risk_class=result.risk_class.value,
        classification_rule=result.rule,
        created_by=actor,
        **cleaned,
    )
    _apply_content(plan, content={}, criteria=rows, facilities=facilities, version=1)
    version = _new_version(plan, actor=actor, reason="created", public=False)
    audit_record(
        action="plans.plan.created",
        actor=actor,
        target=plan,
        data={
            "title": plan.title,
            "risk_class": plan.risk_class,
            "rule": plan.classification_rule,
            "version": version.number,
        },
    )
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    actor: User,
    content: Mapping[str, Any] | None = None,
    answers: Mapping[str, Any] | None = None,
    criteria: Iterable[Mapping[str, Any]] | None = None,
    facility_ids: Iterable[Any] | None = None,
    committee: Committee | None = None,
    clear_committee: bool = False,
) -> Plan:
    """Edit a draft. A filed plan changes only through plan_change_propose or a minor change."""
    ensure_can(actor, "plans.edit", plan)
    _lock(plan)
    if plan.status != S.DRAFT:
        raise DomainError(
            ErrorCode.PLAN_INVALID_TRANSITION,
            _("Only a draft can be edited. Propose a change to a filed plan instead."),
            details={"status": plan.status},
            status=409,
        )
    cleaned = clean_content(content or {}, partial=True)
    rows = None if criteria is None else clean_criteria(criteria)
    facilities = None if facility_ids is None else clean_facilities(facility_ids)
    if answers is not None:
        result = classify_plan(answers, legal_today())
        cleaned.update(
            classification_answers=result.answers.to_dict(),
            classification=result.to_record(),
            risk_class=result.risk_class.value,
            classification_rule=result.rule,
        )
    new_committee = None if clear_committee else (committee or plan.committee)
    if new_committee is not None:
        check_committee(new_committee, cleaned.get("risk_class", plan.risk_class))
    cleaned["committee"] = new_committee
    version = _next_version_number(plan)
    _apply_content(plan, content=cleaned, criteria=rows, facilities=facilities, version=version)
    _new_version(plan, actor=actor, reason="draft edited", public=False)
    audit_record(
        action="plans.plan.updated",
        actor=actor,
        target=plan,
        data={"fields": sorted(k for k in cleaned if k != "committee"), "version": version},
    )
    return plan
