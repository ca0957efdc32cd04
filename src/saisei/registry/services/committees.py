"""A committee's life after registration: the kinds of day it is closed (Civil Code Art 142),
and the renewal of its certification (RM Act Art 28(3)-(5)): the application and the
certifier's decision, each meeting or opening the renewal duty."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.audit.services import audit_record
from saisei.core.errors import Conflict, ErrorCode, invalid
from saisei.core.time import legal_today
from saisei.law import COMMITTEE_CLOSED_DAY_CHOICES, due_date, period_bounds
from saisei.obligations.services import (
    current_rules,
    obligation_meet,
    obligation_open,
    obligations_reschedule_for_committee,
)
from saisei.registry.models import Committee, CommitteeRenewal
from saisei.registry.obligations import committee_renewal_spec
from saisei.registry.services.common import authorise, not_future

# --- a committee's closed days (Civil Code Art 142) ----------------------------------------------


@transaction.atomic
def committee_closed_days_set(
    *,
    committee: Committee,
    closed_days: list[str],
    actor: User | None,
    system: str | None = None,
    today: date | None = None,
) -> Committee:
    """Record the kinds of day the committee's rules say it does not transact, and move the
    outstanding reports owed to it accordingly.

    A report to a committee is not a filing with a government office: its last day moves only
    past days the committee does not transact (Civil Code Art 142), and by default not at all
    (domain.md §1.9). Duties already met or waived keep the date they were judged against.
    """
    authorise(actor, "registry.committee.set_closed_days", committee, system)
    today = today or legal_today()
    unknown = [name for name in closed_days if name not in COMMITTEE_CLOSED_DAY_CHOICES]
    if unknown:
        raise invalid("closed_days", _("Choose only the listed kinds of day."))
    chosen = set(closed_days)
    names = [name for name in COMMITTEE_CLOSED_DAY_CHOICES if name in chosen]
    locked = Committee.objects.select_for_update().get(pk=committee.pk)
    before = list(locked.rule_closed_days or [])
    if before == names:
        committee.refresh_from_db()
        return committee
    Committee.objects.filter(pk=committee.pk).update(rule_closed_days=names)
    rescheduled = obligations_reschedule_for_committee(
        committee_organisation_id=committee.organisation_id,
        committee_closed=tuple(names),
        actor=actor,
        today=today,
    )
    committee.refresh_from_db()
    audit_record(
        action="registry.committee.closed_days_changed",
        actor=actor,
        target=committee,
        data={"from": before, "to": names, "rescheduled": rescheduled},
        system=system,
    )
    return committee


# --- renewal of a committee's certification (Act Art 28(3)-(5)) ---------------------------------


def _renewal_due(committee: Committee, term: int) -> Any:
    return due_date(
        "committee_renewal",
        committee.certified_on,
        period=term,
        to=committee.certifier,
        rules=current_rules(),
    )


def renewal_is_timely(renewal: CommitteeRenewal) -> bool:
    """Made inside the window (90 to 60 days before the term ends, the last day moved past
    行政機関の休日), or outside it for an unavoidable reason (Art 28(3) proviso), and before the
    term ended."""
    due = _renewal_due(renewal.committee, renewal.term)
    if renewal.applied_on > due.period_end:
        return False
    return renewal.excused or due.window_opens <= renewal.applied_on <= due.due


@transaction.atomic
def committee_renewal_apply(
    *,
    committee: Committee,
    applied_on: date,
    reference: str,
    excused: bool = False,
    excused_reason: str = "",
    actor: User | None,
    system: str | None = None,
    today: date | None = None,
) -> CommitteeRenewal:
    """Record the committee's application to renew its certification for the term in force on
    the day it applied; it meets that term's renewal duty (late if after the window's last day).

    Refused for a day in the future, a day the certification was not in force (a lapsed
    committee applies for a new certification), a day before the window opens, or while an
    application for the term is undecided or has been granted.
    """
    authorise(actor, "registry.committee.apply_renewal", committee, system)
    today = today or legal_today()
    locked = Committee.objects.select_for_update().get(pk=committee.pk)
    reference = reference.strip()
    excused_reason = excused_reason.strip()
    if not reference or len(reference) > 100:
        raise invalid("reference", _("Give the application's reference (1 to 100 characters)."))
    if excused and not excused_reason:
        raise invalid("excused_reason", _("Give the reason the application is outside the window."))
    if len(excused_reason) > 2000:
        raise invalid("excused_reason", _("Keep the reason within 2,000 characters."))
    not_future("applied_on", applied_on, today)
    status = locked.certification(applied_on)
    if not status.in_force:
        raise invalid(
            "applied_on",
            _(
                "The certification was not in force on that day, so it cannot be renewed; a "
                "committee whose certification has lapsed applies to be certified again."
            ),
            ErrorCode.COMMITTEE_NOT_CERTIFIED,
        )
    term = status.term
    earlier = list(locked.renewals.filter(term=term).order_by("applied_on", "pk"))
    if any(r.pending for r in earlier):
        raise invalid(
            "applied_on",
            _("An application to renew this term is already awaiting its decision."),
            ErrorCode.DUPLICATE,
            status=409,
        )
    if any(r.granted for r in earlier):
        raise invalid(
            "applied_on",
            _("The renewal of this term has already been granted."),
            ErrorCode.DUPLICATE,
            status=409,
        )
    if applied_on < status.window_opens:
        raise invalid(
            "applied_on",
            _(
                "The application can be made from %(opens)s, 90 days before the term ends on "
                "%(ends)s (RM Act Art 28(3))."
            )
            % {"opens": status.window_opens.isoformat(), "ends": status.term_ends_on.isoformat()},
            ErrorCode.DATE_ORDER,
        )
    refused_on = max((r.decided_on for r in earlier if r.decided_on), default=None)
    if refused_on is not None and applied_on < refused_on:
        raise invalid(
            "applied_on",
            _("A new application cannot precede the refusal of the previous one."),
            ErrorCode.DATE_ORDER,
        )
    renewal = CommitteeRenewal.objects.create(
        committee=locked,
        term=term,
        applied_on=applied_on,
        reference=reference,
        excused=excused,
        excused_reason=excused_reason if excused else "",
        recorded_by=actor,
    )
    audit_record(
        action="registry.committee.renewal_applied",
        actor=actor,
        target=renewal,
        data={
            "committee": locked.certification_number,
            "term": term,
            "applied_on": applied_on,
            "reference": reference,
            "excused": excused,
            "timely": renewal_is_timely(renewal),
        },
        system=system,
    )
    duty = obligation_open(
        spec=committee_renewal_spec(locked, term), actor=actor, today=today, system=system
    )
    if duty.is_outstanding:
        obligation_meet(
            obligation=duty, met_on=applied_on, record=renewal, actor=actor, system=system
        )
    return renewal


@transaction.atomic
def committee_renewal_decide(
    *,
    renewal: CommitteeRenewal,
    granted: bool,
    decided_on: date,
    actor: User | None,
    system: str | None = None,
    today: date | None = None,
) -> CommitteeRenewal:
    """Record the certifier's decision on a renewal application.

    A granted renewal starts the next term the day after the current one ends (Art 28(5)): the
    committee's `valid_until` becomes that term's last day, and if the term has already begun
    its renewal duty is opened at once. Only a timely application can be granted.
    """
    committee = renewal.committee
    authorise(actor, "registry.committee.decide_renewal", committee, system)
    today = today or legal_today()
    locked = Committee.objects.select_for_update().get(pk=committee.pk)
    not_future("decided_on", decided_on, today)
    if decided_on < renewal.applied_on:
        raise invalid(
            "decided_on",
            _("A decision cannot precede the application."),
            ErrorCode.DATE_ORDER,
        )
    if granted and not renewal_is_timely(renewal):
        raise invalid(
            "granted",
            _(
                "This application was made outside the renewal window without an unavoidable "
                "reason, so the certification cannot be renewed by it (RM Act Art 28(3))."
            ),
        )
    changed = CommitteeRenewal.objects.filter(pk=renewal.pk, decided_on__isnull=True).update(
        decided_on=decided_on, granted=granted, decided_by=actor
    )
    if not changed:
        raise Conflict(
            ErrorCode.CONFLICT,
            _("This application has already been decided."),
            details={"renewal": renewal.pk},
        )
    renewal.refresh_from_db()
    next_term = renewal.term + 1
    next_starts_on: date | None = None
    data: dict[str, Any] = {
        "committee": locked.certification_number,
        "term": renewal.term,
        "granted": granted,
        "decided_on": decided_on,
    }
    if granted:
        next_starts_on, end = period_bounds(
            "committee_renewal", locked.certified_on, next_term, rules=current_rules()
        )
        Committee.objects.filter(pk=locked.pk).update(valid_until=end)
        locked.refresh_from_db()
        data["valid_until"] = end
    audit_record(
        action="registry.committee.renewal_decided",
        actor=actor,
        target=renewal,
        data=data,
        system=system,
    )
    if next_starts_on is not None and next_starts_on <= today:
        obligation_open(
            spec=committee_renewal_spec(locked, next_term), actor=actor, today=today, system=system
        )
    committee.refresh_from_db()
    return renewal
