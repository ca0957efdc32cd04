"""The core of obligations: how a due date is computed and stored, and the moves of one duty
(open, meet, waive, supersede, reschedule) that the recording services make.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.audit.services import audit_record
from saisei.core.errors import ErrorCode, invalid
from saisei.law import (
    DueDate,
    Recipient,
    RuleSet,
    committee_closed_kinds,
    due_date,
    load_overrides_file,
    load_rules,
    load_wording,
)
from saisei.law.text_ja import explain_ja
from saisei.obligations.lifecycle import PERMISSIONS, ObligationAction
from saisei.obligations.models import (
    FILED_OUTSIDE_RULES,
    OUTSTANDING,
    Obligation,
    ObligationFiling,
    ObligationStatus,
)
from saisei.obligations.services.transitions import _move, _move_many
from saisei.obligations.signals import send_changed
from saisei.obligations.sources import SOURCES, ObligationSpec, spec_of_row

log = logging.getLogger(__name__)

# A record that makes a duty opened earlier no longer owed: a plan's closing notice, which covers
# the periodic report of the period in which the plan closed.
SUPERSEDING_RECORD = "plans.plannotice"


@functools.cache
def current_rules() -> RuleSet:
    """The law's rules with the operator's overrides for uncertain ones (SAISEI_LAW_OVERRIDES)."""
    path = settings.SAISEI_LAW_OVERRIDES
    return load_rules(load_overrides_file(path) if path else None, source=path or "overrides")


@functools.cache
def current_wording() -> Any:
    """The classification questions' wording with the operator's changes (SAISEI_LAW_OVERRIDES)."""
    path = settings.SAISEI_LAW_OVERRIDES
    return load_wording(load_overrides_file(path) if path else None, source=path or "overrides")


@dataclass(frozen=True)
class FixedDue:
    """A due date given by a recorded fact (see ObligationSpec.fixed_due), never moved."""

    rule: str
    basis: str
    start: date
    due: date
    explanation: str
    explanation_ja: str = ""
    period_start: None = None
    period_end: None = None

    @property
    def nominal_due(self) -> date:
        return self.due

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "basis": self.basis,
            "from": self.start.isoformat(),
            "period": None,
            "period_start": None,
            "period_end": None,
            "nominal_due": self.due.isoformat(),
            "due": self.due.isoformat(),
            "skipped": [],
            "kind": "fixed",
            "uncertain": False,
            "rolls_forward": False,
            "explanation": self.explanation,
        }

    def explain(self) -> str:
        return self.explanation


def compute_due(spec: ObligationSpec) -> DueDate | FixedDue:
    if spec.fixed_due is not None:
        return FixedDue(
            spec.rule,
            spec.fixed_basis,
            spec.starts_on,
            spec.fixed_due,
            spec.fixed_explanation,
            spec.fixed_explanation_ja,
        )
    rules, recipient, closed = law_arguments(spec.rule, spec.recipient, spec.committee_closed)
    return due_date(
        spec.rule,
        spec.starts_on,
        period=spec.period or None,
        to=recipient,
        committee_closed=closed,
        rules=rules,
    )


def law_arguments(
    rule: str, recipient: str, committee_closed: tuple[str, ...]
) -> tuple[RuleSet, str | None, Any]:
    """The rules in force, the recipient and the committee's closed days the law is asked with
    for a duty of one of its rules (a spec's fields of the same names)."""
    rules = current_rules()
    to = recipient or None
    closed = committee_closed_kinds(committee_closed) if to == Recipient.COMMITTEE.value else None
    if to is not None and to not in rules.rule(rule).recipients:
        # A duty of a rule with no recipient (a licence's validity) is computed without one.
        to = None
    return rules, to, closed


def _row_values(spec: ObligationSpec, due: DueDate | FixedDue) -> dict[str, Any]:
    return {
        "rule": spec.rule,
        "organisation_id": spec.organisation_id,
        "also_visible_to_id": spec.also_visible_to_id,
        "subject_type": spec.subject_type,
        "subject_id": spec.subject_id,
        "subject_label": spec.subject_label[:300],
        "recipient": spec.recipient,
        "starts_on": spec.starts_on,
        "period": spec.period,
        "period_start": due.period_start,
        "period_end": due.period_end,
        "nominal_due": due.nominal_due,
        "due_on": due.due,
        "explanation": _explanation(due),
    }


def _explanation(due: DueDate | FixedDue) -> dict[str, Any]:
    """What is stored to explain a due date: the engine's answer, in English and Japanese."""
    japanese = due.explanation_ja if isinstance(due, FixedDue) else explain_ja(due)
    return {**due.to_dict(), "explain": due.explain(), "explain_ja": japanese or due.explain()}


def _initial_status(due_on: date, today: date) -> str:
    return ObligationStatus.OVERDUE if due_on < today else ObligationStatus.OPEN


def obligation_open(
    *, spec: ObligationSpec, actor: User | None, today: date, system: str | None = None
) -> Obligation:
    """Create the obligation an event starts (call inside the recording service's transaction).

    Idempotent: the same duty recorded twice is one row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("obligation_open must run inside the recording service's transaction")
    due = compute_due(spec)
    existing = Obligation.objects.filter(
        rule=spec.rule,
        subject_type=spec.subject_type,
        subject_id=spec.subject_id,
        starts_on=spec.starts_on,
        period=spec.period,
        recipient=spec.recipient,
    ).first()
    if existing is not None:
        return existing
    obligation = Obligation.objects.create(
        **_row_values(spec, due), **_status_for(spec, due.due, today)
    )
    send_changed([(spec.subject_type, spec.subject_id)])
    audit_record(
        action="obligations.obligation.opened",
        actor=actor,
        target=obligation,
        data={"rule": spec.rule, "due_on": due.due, "nominal_due": due.nominal_due},
        system=system,
    )
    return obligation


def _met_by(record: models.Model) -> tuple[str, str]:
    return record._meta.label_lower, str(record.pk)


def obligation_meet(
    *,
    obligation: Obligation,
    met_on: date,
    record: models.Model,
    actor: User | None,
    system: str | None = None,
) -> Obligation:
    """Mark an obligation met by a record (a report, a notice). Late if after its due date."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("obligation_meet must run inside the recording service's transaction")
    status = ObligationStatus.MET if met_on <= obligation.due_on else ObligationStatus.MET_LATE
    met_by_type, met_by_id = _met_by(record)
    _move(
        obligation,
        action=ObligationAction.MEET,
        to=status,
        actor=actor,
        met_on=met_on,
        met_by_type=met_by_type,
        met_by_id=met_by_id,
    )
    obligation.refresh_from_db()
    audit_record(
        action="obligations.obligation.met",
        actor=actor,
        target=obligation,
        data={"status": status, "met_on": met_on, "met_by": f"{met_by_type}:{met_by_id}"},
        system=system,
    )
    return obligation


@transaction.atomic
def obligation_waive(*, obligation: Obligation, reason: str, actor: User) -> Obligation:
    ensure_can(actor, PERMISSIONS[ObligationAction.WAIVE], obligation)
    reason = reason.strip()
    if not reason:
        raise invalid("reason", _("Give the reason for the waiver."))
    _move(
        obligation,
        action=ObligationAction.WAIVE,
        to=ObligationStatus.WAIVED,
        actor=actor,
        reason=reason,
        waived_reason=reason,
    )
    obligation.refresh_from_db()
    audit_record(
        action="obligations.obligation.waived",
        actor=actor,
        target=obligation,
        data={"reason": reason},
    )
    return obligation


@transaction.atomic
def obligation_record_filing(
    *,
    obligation: Obligation,
    filed_on: date,
    reference: str,
    actor: User,
    note: str = "",
    today: date | None = None,
) -> ObligationFiling:
    """Record that a duty filed outside Saisei was filed (when, under which reference): meets it."""
    from saisei.core.time import legal_today

    ensure_can(actor, "obligations.record_filing", obligation)
    today = today or legal_today()
    if obligation.rule not in FILED_OUTSIDE_RULES:
        raise invalid(
            "obligation",
            _("This duty is met by the report or notice recorded in Saisei, not by a filing."),
            context={"rule": obligation.rule},
        )
    reference = reference.strip()
    if not reference:
        raise invalid("reference", _("Give the filing's reference."))
    if filed_on > today:
        raise invalid("filed_on", _("This date is in the future."), ErrorCode.DATE_IN_FUTURE)
    if filed_on < obligation.starts_on:
        raise invalid(
            "filed_on", _("A filing cannot precede the day the duty began."), ErrorCode.DATE_ORDER
        )
    filing = ObligationFiling.objects.create(
        obligation=obligation,
        filed_on=filed_on,
        reference=reference[:100],
        note=note.strip()[:500],
        recorded_by=actor,
    )
    audit_record(
        action="obligations.filing.recorded",
        actor=actor,
        target=filing,
        data={"obligation": obligation.pk, "filed_on": filed_on, "reference": filing.reference},
    )
    obligation_meet(obligation=obligation, met_on=filed_on, record=filing, actor=actor)
    return filing


def obligations_supersede(
    *,
    obligations: Iterable[Obligation],
    record: models.Model,
    reason: str,
    actor: User,
) -> int:
    """Mark outstanding duties no longer owed because a later record covers them (a plan's end
    notice covers the periodic report of the period in which it closed). They are kept, waived,
    with the reason and the record that superseded them; `verify` accepts them as such. Call
    inside the recording service's transaction. Returns how many were superseded."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "obligations_supersede must run inside the recording service's transaction"
        )
    met_by_type, met_by_id = _met_by(record)
    given = (
        obligations
        if isinstance(obligations, models.QuerySet)
        else Obligation.objects.filter(pk__in=[o.pk for o in obligations])
    )
    # Locked, so that the set read is the set moved; a duty already met or waived is left alone.
    outstanding = list(given.select_for_update().filter(status__in=OUTSTANDING))
    _move_many(
        [(o.pk, o.status) for o in outstanding],
        action=ObligationAction.SUPERSEDE,
        to=ObligationStatus.WAIVED,
        actor=actor,
        reason=reason,
        waived_reason=reason,
        met_by_type=met_by_type,
        met_by_id=met_by_id,
    )
    for obligation in outstanding:
        audit_record(
            action="obligations.obligation.superseded",
            actor=actor,
            target=obligation,
            data={"reason": reason, "by": f"{met_by_type}:{met_by_id}"},
        )
    return len(outstanding)


def obligations_reschedule_for_committee(
    *,
    committee_organisation_id: int,
    committee_closed: tuple[str, ...],
    actor: User | None,
    today: date,
) -> int:
    """Recompute the outstanding duties of reports to a committee after its rules on closed days
    changed (call inside the service that changed them). Met and waived duties keep the date
    they were judged against. Each changed row is audited; returns how many changed."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("obligations_reschedule_for_committee must run inside a transaction")
    changed = 0
    rows = Obligation.objects.select_for_update().filter(
        also_visible_to_id=committee_organisation_id,
        recipient=Recipient.COMMITTEE.value,
        status__in=OUTSTANDING,
    )
    for row in rows.order_by("pk"):
        spec = spec_of_row(row, committee_closed=committee_closed)
        due = compute_due(spec)
        if (row.nominal_due, row.due_on) == (due.nominal_due, due.due) and list(
            row.explanation.get("committee_closed") or ()
        ) == list(committee_closed):
            continue
        status = _initial_status(due.due, today)
        values: dict[str, Any] = {
            "nominal_due": due.nominal_due,
            "due_on": due.due,
            "explanation": _explanation(due),
        }
        if status != row.status:
            _move(row, action=ObligationAction.RESCHEDULE, to=status, actor=actor, **values)
        else:
            Obligation.objects.filter(pk=row.pk).update(**values, updated_at=timezone.now())
            send_changed([(row.subject_type, row.subject_id)])
        audit_record(
            action="obligations.obligation.rescheduled",
            actor=actor,
            target=row,
            data={
                "from": row.due_on,
                "to": due.due,
                "status": status,
                "committee_closed": list(committee_closed),
            },
        )
        changed += 1
    return changed


def _expected(today: date) -> list[ObligationSpec]:
    specs: list[ObligationSpec] = []
    for _rules, source in SOURCES.values():
        specs.extend(source(today))
    return specs


def _status_for(spec: ObligationSpec, due_on: date, today: date) -> dict[str, Any]:
    """A new row's status: met as the recorded events show, else open or overdue."""
    if spec.met_on is not None and spec.met_by is not None:
        return {
            "status": ObligationStatus.MET if spec.met_on <= due_on else ObligationStatus.MET_LATE,
            "met_on": spec.met_on,
            "met_by_type": spec.met_by[0],
            "met_by_id": spec.met_by[1],
        }
    return {"status": _initial_status(due_on, today)}
