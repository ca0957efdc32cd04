"""Writes to obligations: open, meet, waive; the periodic tick; verification; reminders."""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from saisei.accounts.models import Membership
from saisei.accounts.permissions import ensure_can
from saisei.accounts.roles import Role
from saisei.audit.services import audit_record
from saisei.core.errors import DomainError, ErrorCode
from saisei.law import (
    DueDate,
    Recipient,
    RuleKind,
    RuleSet,
    committee_closed_kinds,
    due_date,
    load_overrides_file,
    load_rules,
    load_wording,
)
from saisei.law.text_ja import explain_ja
from saisei.obligations.models import (
    FILED_OUTSIDE_RULES,
    OUTSTANDING,
    Obligation,
    ObligationFiling,
    ObligationStatus,
)
from saisei.obligations.sources import SOURCES, ObligationSpec, covered_rules

log = logging.getLogger(__name__)

# A record that makes a duty opened earlier no longer owed: a plan's closing notice, which covers
# the periodic report of the period in which the plan closed.
SUPERSEDING_RECORD = "plans.plannotice"

# Reminders for duties due within this many days.
DUE_SOON_DAYS = 7


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
    rules = current_rules()
    recipient = spec.recipient or None
    closed = (
        committee_closed_kinds(spec.committee_closed)
        if recipient == Recipient.COMMITTEE.value
        else None
    )
    if recipient is not None and recipient not in rules.rule(spec.rule).recipients:
        # A duty of a rule with no recipient (a licence's validity) is computed without one.
        recipient = None
    return due_date(
        spec.rule,
        spec.starts_on,
        period=spec.period or None,
        to=recipient,
        committee_closed=closed,
        rules=rules,
    )


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
    *, spec: ObligationSpec, actor: Any | None, today: date, system: str | None = None
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
    actor: Any | None,
    system: str | None = None,
) -> Obligation:
    """Mark an obligation met by a record (a report, a notice). Late if after its due date."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("obligation_meet must run inside the recording service's transaction")
    status = ObligationStatus.MET if met_on <= obligation.due_on else ObligationStatus.MET_LATE
    met_by_type, met_by_id = _met_by(record)
    changed = Obligation.objects.filter(pk=obligation.pk, status__in=OUTSTANDING).update(
        status=status,
        met_on=met_on,
        met_by_type=met_by_type,
        met_by_id=met_by_id,
        updated_at=timezone.now(),
    )
    if not changed:
        raise DomainError(
            ErrorCode.CONFLICT,
            _("This obligation is no longer outstanding."),
            details={"obligation": obligation.pk, "status": obligation.status},
            status=409,
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
def obligation_waive(*, obligation: Obligation, reason: str, actor: Any) -> Obligation:
    ensure_can(actor, "obligations.waive", obligation)
    reason = reason.strip()
    if not reason:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            _("Give the reason for the waiver."),
            details={"field": "reason"},
        )
    changed = Obligation.objects.filter(pk=obligation.pk, status__in=OUTSTANDING).update(
        status=ObligationStatus.WAIVED, waived_reason=reason, updated_at=timezone.now()
    )
    if not changed:
        raise DomainError(
            ErrorCode.CONFLICT, _("This obligation is no longer outstanding."), status=409
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
    actor: Any,
    note: str = "",
    today: date | None = None,
) -> ObligationFiling:
    """Record that a duty filed outside Saisei was filed (when, under which reference): meets it."""
    from saisei.core.time import legal_today

    ensure_can(actor, "obligations.record_filing", obligation)
    today = today or legal_today()
    if obligation.rule not in FILED_OUTSIDE_RULES:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            _("This duty is met by the report or notice recorded in Saisei, not by a filing."),
            details={"field": "obligation", "rule": obligation.rule},
        )
    reference = reference.strip()
    if not reference:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            _("Give the filing's reference."),
            details={"field": "reference"},
        )
    if filed_on > today:
        raise DomainError(
            ErrorCode.DATE_IN_FUTURE,
            _("This date is in the future."),
            details={"field": "filed_on"},
        )
    if filed_on < obligation.starts_on:
        raise DomainError(
            ErrorCode.DATE_ORDER,
            _("A filing cannot precede the day the duty began."),
            details={"field": "filed_on"},
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
    actor: Any,
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
    count = 0
    for obligation in obligations:
        changed = Obligation.objects.filter(pk=obligation.pk, status__in=OUTSTANDING).update(
            status=ObligationStatus.WAIVED,
            waived_reason=reason,
            met_by_type=met_by_type,
            met_by_id=met_by_id,
            updated_at=timezone.now(),
        )
        if not changed:
            continue
        audit_record(
            action="obligations.obligation.superseded",
            actor=actor,
            target=obligation,
            data={"reason": reason, "by": f"{met_by_type}:{met_by_id}"},
        )
        count += 1
    return count


def obligations_reschedule_for_committee(
    *,
    committee_organisation_id: int,
    committee_closed: tuple[str, ...],
    actor: Any,
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
        spec = ObligationSpec(
            row.rule,
            row.organisation_id,
            row.subject_type,
            row.subject_id,
            row.subject_label,
            row.starts_on,
            row.period,
            row.also_visible_to_id,
            row.recipient,
            committee_closed=committee_closed,
        )
        due = compute_due(spec)
        if (row.nominal_due, row.due_on) == (due.nominal_due, due.due) and list(
            row.explanation.get("committee_closed") or ()
        ) == list(committee_closed):
            continue
        status = _initial_status(due.due, today)
        Obligation.objects.filter(pk=row.pk).update(
            nominal_due=due.nominal_due,
            due_on=due.due,
            explanation=_explanation(due),
            status=status,
            updated_at=timezone.now(),
        )
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


# The tick ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TickResult:
    created: int
    marked_overdue: int


def _expected(today: date) -> list[ObligationSpec]:
    specs: list[ObligationSpec] = []
    for _rules, source in SOURCES.values():
        specs.extend(source(today))
    return specs


def _created_by_tick(spec: ObligationSpec) -> bool:
    """Duties no recorded event opens: each period of a periodic duty, and the renewal of a
    certification or licence, which exists from the day it was granted."""
    if spec.period > 0 or spec.fixed_due is not None:
        return True
    return current_rules()[spec.rule].kind == RuleKind.VALIDITY


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


def obligation_sync(*, spec: ObligationSpec, today: date) -> bool:
    """Bring one fixed-date duty in line with its recorded events (see _sync_fixed)."""
    return _sync_fixed([spec], today) == 1


def _sync_fixed(specs: list[ObligationSpec], today: date) -> int:
    """Follow a fixed due date that moved (a time limit extended) and a duty the recorded
    events now show as met; each change audited."""
    changed = 0
    for spec in specs:
        row = Obligation.objects.filter(
            rule=spec.rule,
            subject_type=spec.subject_type,
            subject_id=spec.subject_id,
            starts_on=spec.starts_on,
            period=spec.period,
            recipient=spec.recipient,
            status__in=OUTSTANDING,
        ).first()
        if row is None or spec.fixed_due is None:
            continue
        values: dict[str, Any] = {}
        if row.due_on != spec.fixed_due:
            due = compute_due(spec)
            values.update(
                nominal_due=due.nominal_due,
                due_on=due.due,
                explanation=_explanation(due),
            )
        values.update(_status_for(spec, spec.fixed_due, today))
        if values["status"] == row.status and "due_on" not in values:
            continue
        Obligation.objects.filter(pk=row.pk).update(**values, updated_at=timezone.now())
        audit_record(
            action="obligations.obligation.synced",
            actor=None,
            system="obligations-tick",
            target=row,
            data={k: v for k, v in values.items() if k != "explanation"},
        )
        changed += 1
    return changed


# Any constant: the PostgreSQL advisory lock one tick holds until it commits.
TICK_LOCK = 0x5A15E1


def _wait_for_other_ticks() -> None:
    """Make a tick started while another is writing wait until that one commits, so that it
    finds the other's rows existing and counts (and audits) only what it created itself.
    On SQLite every transaction already begins IMMEDIATE (saisei.config.env)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TICK_LOCK])


def obligations_tick(*, today: date) -> TickResult:
    """Create the periodic obligations whose period has begun and the renewals of certifications
    and licences; mark open ones past due overdue.

    Idempotent and safe to run twice at once: a second tick waits for the first to commit,
    rows are inserted with the unique duty key and conflicts ignored (a duty an event opens at
    the same moment), and the overdue update is a single conditional UPDATE.
    """
    periodic = [s for s in _expected(today) if _created_by_tick(s)]
    with transaction.atomic():
        _wait_for_other_ticks()
        existing = _existing_keys(periodic)
        missing = [s for s in periodic if s.key not in existing]
        rows = []
        for spec in missing:
            due = compute_due(spec)
            rows.append(Obligation(**_row_values(spec, due), **_status_for(spec, due.due, today)))
        before = Obligation.objects.count()
        Obligation.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        created = Obligation.objects.count() - before
        _sync_fixed([s for s in periodic if s.fixed_due is not None and s.key in existing], today)
        marked = Obligation.objects.filter(status=ObligationStatus.OPEN, due_on__lt=today).update(
            status=ObligationStatus.OVERDUE, updated_at=timezone.now()
        )
        if created or marked:
            audit_record(
                action="obligations.tick.ran",
                actor=None,
                system="obligations-tick",
                data={"today": today, "created": created, "marked_overdue": marked},
            )
    return TickResult(created=max(created, 0), marked_overdue=marked)


def _existing_keys(specs: Iterable[ObligationSpec]) -> set[tuple[str, str, str, date, int, str]]:
    specs = list(specs)
    if not specs:
        return set()
    rules = {s.rule for s in specs}
    subjects = {s.subject_type for s in specs}
    rows = Obligation.objects.filter(rule__in=rules, subject_type__in=subjects).values_list(
        "rule", "subject_type", "subject_id", "starts_on", "period", "recipient"
    )
    return set(rows)


# Verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    kind: str  # missing, unexpected, due_date, period, status
    rule: str
    subject: str
    detail: str
    obligation_id: int | None = None

    def __str__(self) -> str:
        where = f"obligation #{self.obligation_id}" if self.obligation_id else "no obligation"
        return f"{self.kind}: {self.rule} for {self.subject} ({where}): {self.detail}"


def obligations_verify(*, today: date) -> list[Difference]:
    """Recompute every obligation from the recorded events and report each difference."""
    differences: list[Difference] = []
    expected = {s.key: s for s in _expected(today)}
    covered = covered_rules()
    seen: set[tuple[str, str, str, date, int, str]] = set()
    for ob in Obligation.objects.order_by("pk").iterator(chunk_size=2000):
        key = (ob.rule, ob.subject_type, ob.subject_id, ob.starts_on, ob.period, ob.recipient)
        seen.add(key)
        subject = f"{ob.subject_type}:{ob.subject_id}"
        if ob.rule in covered and key not in expected:
            if ob.status == ObligationStatus.WAIVED and ob.met_by_type == SUPERSEDING_RECORD:
                continue  # no longer owed: the record named on it covers it (see supersede)
            differences.append(
                Difference(
                    "unexpected", ob.rule, subject, _("no recorded event calls for it"), ob.pk
                )
            )
            continue
        spec = expected.get(key) or ObligationSpec(
            ob.rule,
            ob.organisation_id,
            ob.subject_type,
            ob.subject_id,
            ob.subject_label,
            ob.starts_on,
            ob.period,
            ob.also_visible_to_id,
            ob.recipient,
        )
        if ob.status not in OUTSTANDING and spec.recipient == Recipient.COMMITTEE.value:
            # A duty already met or waived was judged against the committee's rules as they were
            # then; the stored explanation records them.
            spec = dataclasses.replace(
                spec, committee_closed=tuple(ob.explanation.get("committee_closed") or ())
            )
        try:
            due = compute_due(spec)
        except Exception as exc:  # a rule id the law no longer knows
            differences.append(Difference("unknown_rule", ob.rule, subject, str(exc), ob.pk))
            continue
        if (ob.nominal_due, ob.due_on) != (due.nominal_due, due.due):
            differences.append(
                Difference(
                    "due_date",
                    ob.rule,
                    subject,
                    f"stored due {ob.due_on} (nominal {ob.nominal_due}), "
                    f"the law gives {due.due} (nominal {due.nominal_due})",
                    ob.pk,
                )
            )
        elif (ob.period_start, ob.period_end) != (due.period_start, due.period_end):
            differences.append(
                Difference(
                    "period",
                    ob.rule,
                    subject,
                    f"stored period {ob.period_start} to {ob.period_end}, "
                    f"the law gives {due.period_start} to {due.period_end}",
                    ob.pk,
                )
            )
        elif ob.organisation_id != spec.organisation_id:
            differences.append(
                Difference(
                    "organisation", ob.rule, subject, "responsible organisation differs", ob.pk
                )
            )
        elif ob.status == ObligationStatus.OPEN and ob.due_on < today:
            differences.append(
                Difference(
                    "status", ob.rule, subject, "open past its due date: run the tick", ob.pk
                )
            )
        elif ob.status == ObligationStatus.MET and ob.met_on and ob.met_on > ob.due_on:
            differences.append(
                Difference("status", ob.rule, subject, "met late but marked met", ob.pk)
            )
    for key, spec in expected.items():
        if key not in seen:
            differences.append(
                Difference(
                    "missing",
                    spec.rule,
                    f"{spec.subject_type}:{spec.subject_id}",
                    f"clock started {spec.starts_on}"
                    + (f", period {spec.period}" if spec.period else ""),
                )
            )
    return differences


# Reminders --------------------------------------------------------------------------------

REMINDED_ROLES = (Role.INSTITUTION_OFFICER, Role.HOLDER_OFFICER, Role.COMMITTEE_SECRETARIAT)


def _recipients(organisation_id: int | None) -> list[str]:
    if organisation_id is None:
        return []
    return sorted(
        {
            email
            for email in Membership.objects.filter(
                organisation_id=organisation_id,
                is_active=True,
                role__in=REMINDED_ROLES,
                user__is_active=True,
            ).values_list("user__email", flat=True)
            if email
        }
    )


def obligations_remind(*, today: date) -> int:
    """E-mail the responsible organisation once when a duty is due soon and once when overdue.

    Each reminder is claimed with a conditional update before it is sent (after commit), so
    two runs at once do not send it twice.
    """
    sent = 0
    soon = Q(
        status=ObligationStatus.OPEN,
        due_on__gte=today,
        due_on__lte=today + timedelta(days=DUE_SOON_DAYS),
        reminded_due_soon_at__isnull=True,
    )
    late = Q(status=ObligationStatus.OVERDUE, reminded_overdue_at__isnull=True)
    for ob in Obligation.objects.filter(soon | late).select_related("organisation"):
        field = (
            "reminded_overdue_at"
            if ob.status == ObligationStatus.OVERDUE
            else "reminded_due_soon_at"
        )
        recipients = _recipients(ob.organisation_id)
        with transaction.atomic():
            claimed = Obligation.objects.filter(pk=ob.pk, **{f"{field}__isnull": True}).update(
                **{field: timezone.now()}
            )
            if not claimed:
                continue
            audit_record(
                action="obligations.reminder.sent",
                actor=None,
                system="obligations-remind",
                target=ob,
                data={"kind": field, "recipients": len(recipients)},
            )
            if recipients:
                subject, body = _reminder_text(
                    ob, overdue=field == "reminded_overdue_at", today=today
                )
                transaction.on_commit(
                    functools.partial(
                        send_mail,
                        subject,
                        body,
                        settings.DEFAULT_FROM_EMAIL,
                        recipients,
                        fail_silently=False,
                    )
                )
        sent += 1
    return sent


def _reminder_text(ob: Obligation, *, overdue: bool, today: date) -> tuple[str, str]:
    """The reminder in Japanese, then English: the recipients' language is not recorded."""
    from django.utils import translation

    from saisei.obligations.labels import rule_label

    subjects, bodies = [], []
    for language in ("ja", "en"):
        with translation.override(language):
            values = {
                "duty": rule_label(ob.rule),
                "subject": ob.subject_label,
                "due": ob.due_on.isoformat(),
                "days": (ob.due_on - today).days,
            }
            if overdue:
                subjects.append(_("Overdue: %(duty)s, due %(due)s") % values)
            else:
                subjects.append(_("Due in %(days)s days: %(duty)s, due %(due)s") % values)
            bodies.append(
                _(
                    "%(subject)s\n%(duty)s\nDue: %(due)s\n\nRecord the report or notice in "
                    "Saisei to meet this obligation."
                )
                % values
            )
    explain = ob.explanation.get("explain", "")
    subject = f"[Saisei] {subjects[0]} / {subjects[1]}"
    body = f"{bodies[0]}\n\n----\n\n{bodies[1]}\n\n{explain}\n"
    return subject, body


__all__ = [
    "Difference",
    "TickResult",
    "compute_due",
    "current_rules",
    "obligation_meet",
    "obligation_open",
    "obligation_record_filing",
    "obligation_waive",
    "obligations_remind",
    "obligations_reschedule_for_committee",
    "obligations_supersede",
    "obligations_tick",
    "obligations_verify",
]
