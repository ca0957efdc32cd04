"""A processing facility's notices (RM Act Art 37, 40(3), 41): a change or a stop of
manufacture, its 30-day notice to the Regional Bureau, and the yearly reports a stop ends."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.audit.services import audit_record
from saisei.core.errors import ErrorCode, invalid
from saisei.core.time import legal_today
from saisei.law import period_bounds
from saisei.obligations.services import obligation_meet, obligation_open
from saisei.registry.models import FacilityNotice, FacilityNoticeKind, ProcessingFacility
from saisei.registry.obligations import (
    facility_notice_spec,
    facility_report_spec,
    periods_begun,
    recorded_day,
)
from saisei.registry.services.common import authorise, not_future

# --- facility notices (Act Art 37, 40(3), 41) -----------------------------------------------------


def _authorise_notice(actor: User | None, facility: ProcessingFacility, system: str | None) -> None:
    """The operator records its in-house facility's notices; the Regional Bureau those of a
    third-party facility, which has no account in Saisei."""
    if facility.in_house:
        authorise(actor, "registry.facility.record_notice", facility, system)
    else:
        authorise(actor, "registry.facility.record_third_party_notice", facility, system)


@transaction.atomic
def facility_notice_record(
    *,
    facility: ProcessingFacility,
    kind: str,
    event_on: date,
    summary: str,
    actor: User | None,
    system: str | None = None,
    today: date | None = None,
) -> FacilityNotice:
    """Record a change to a facility's structure or equipment, or that it stopped manufacturing,
    and open its 30-day notice to the Regional Bureau (filed outside Saisei, met by recording
    the filing). A closure marks the facility closed from that day."""
    _authorise_notice(actor, facility, system)
    today = today or legal_today()
    if kind not in FacilityNoticeKind.values:
        raise invalid("kind", _("Choose one of the listed values."))
    summary = summary.strip()
    if not summary or len(summary) > 2000:
        raise invalid("summary", _("Describe the change or the closure (1 to 2,000 characters)."))
    not_future("event_on", event_on, today)
    locked = ProcessingFacility.objects.select_for_update().get(pk=facility.pk)
    if event_on < locked.valid_from:
        raise invalid(
            "event_on",
            _("The date cannot precede the facility's licence, accreditation or notification."),
            ErrorCode.DATE_ORDER,
        )
    if locked.closed_on is not None:
        raise invalid(
            "kind",
            _("This facility stopped manufacturing on %(day)s; nothing more can be notified.")
            % {"day": locked.closed_on.isoformat()},
            ErrorCode.CONFLICT,
            status=409,
        )
    latest_change = locked.notices.order_by("-event_on").values_list("event_on", flat=True).first()
    if kind == FacilityNoticeKind.CLOSURE and latest_change and event_on < latest_change:
        raise invalid(
            "event_on",
            _("Manufacture cannot have stopped before a change recorded on %(day)s.")
            % {"day": latest_change.isoformat()},
            ErrorCode.DATE_ORDER,
        )
    notice = FacilityNotice.objects.create(
        facility=locked, kind=kind, event_on=event_on, summary=summary, recorded_by=actor
    )
    if kind == FacilityNoticeKind.CLOSURE:
        ProcessingFacility.objects.filter(pk=locked.pk, closed_on__isnull=True).update(
            closed_on=event_on
        )
        locked.refresh_from_db()
        facility.refresh_from_db()
    audit_record(
        action="registry.facility.notice_recorded",
        actor=actor,
        target=notice,
        data={
            "facility": locked.number,
            "kind": kind,
            "event_on": event_on,
            "summary": summary[:200],
        },
        system=system,
    )
    obligation_open(spec=facility_notice_spec(notice), actor=actor, today=today, system=system)
    if kind == FacilityNoticeKind.CLOSURE:
        _close_later_reports(locked, notice, actor=actor, system=system, today=today)
    return notice


def _close_later_reports(
    facility: ProcessingFacility,
    notice: FacilityNotice,
    *,
    actor: User | None,
    system: str | None,
    today: date,
) -> None:
    """A yearly report of a period that began after manufacture stopped, but before the closure
    was recorded, is met by the closure notice: nothing was made in it (see
    saisei.registry.obligations.facility_reports_expected)."""
    recorded_on = recorded_day(notice.created_at)
    until = min(recorded_on, facility.valid_until) if facility.valid_until else recorded_on
    for k in periods_begun("cpc_periodic_report", facility.valid_from, until):
        if period_bounds("cpc_periodic_report", facility.valid_from, k)[0] <= notice.event_on:
            continue
        operator = facility.operator_institution
        spec = facility_report_spec(
            facility_pk=facility.pk,
            organisation_id=operator.organisation_id if operator is not None else None,
            label=facility.name,
            valid_from=facility.valid_from,
            period=k,
            met=(recorded_on, notice.pk),
        )
        duty = obligation_open(spec=spec, actor=actor, today=today, system=system)
        if duty.is_outstanding:
            obligation_meet(
                obligation=duty, met_on=recorded_on, record=notice, actor=actor, system=system
            )
