"""Writes to the registry. Each checks permission, validates, writes and audits in one transaction.

`actor=None` with `system=` is for the demo loader and commands run by an operator.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.accounts.roles import OrganisationKind
from saisei.accounts.services import organisation_create
from saisei.audit.services import audit_record
from saisei.core.errors import DomainError, ErrorCode
from saisei.core.time import legal_today
from saisei.law import COMMITTEE_CLOSED_DAY_CHOICES, due_date, period_bounds
from saisei.obligations.services import (
    current_rules,
    obligation_meet,
    obligation_open,
    obligations_reschedule_for_committee,
)
from saisei.registry.models import (
    DEFAULT_REQUIRED_CATEGORIES,
    Committee,
    CommitteeKind,
    CommitteeMember,
    CommitteeRenewal,
    FacilityKind,
    FacilityNotice,
    FacilityNoticeKind,
    Institution,
    MemberCategory,
    ProcessingFacility,
)
from saisei.registry.obligations import (
    committee_renewal_spec,
    facility_notice_spec,
    facility_report_spec,
    periods_begun,
    recorded_day,
)
from saisei.registry.regions import Prefecture


def authorise(actor: User | None, permission: str, obj: Any, system: str | None) -> None:
    """Actors are checked; a system action (no actor) must say which system it is."""
    if actor is None:
        if not system:
            raise RuntimeError("a service called without an actor must name the system")
        return
    ensure_can(actor, permission, obj)


def _invalid(
    field: str, message: str, code: str = ErrorCode.INVALID_INPUT, status: int | None = None
) -> DomainError:
    return DomainError(
        code,
        message,
        details={"errors": [{"field": field, "message": message}]},
        status=status,
    )


def _not_future(field: str, day: date, today: date) -> None:
    if day > today:
        raise _invalid(field, _("This date is in the future."), ErrorCode.DATE_IN_FUTURE)


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    """Run the model's own validation and turn it into one translated DomainError."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        errors = [
            {"field": field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            errors[0]["message"] if len(errors) == 1 else _("Some fields are not valid."),
            details={"errors": errors},
        ) from None


@transaction.atomic
def institution_create(
    *,
    slug: str,
    name: str,
    name_en: str = "",
    kind: str,
    prefecture: str,
    address: str = "",
    manager_name: str,
    organisation: Any = None,
    actor: User | None,
    system: str | None = None,
) -> Institution:
    authorise(actor, "registry.manage", None, system)
    if prefecture not in Prefecture.values:
        raise _invalid("prefecture", _("Choose a prefecture."))
    if organisation is None:
        organisation = organisation_create(
            kind=OrganisationKind.INSTITUTION,
            slug=slug,
            name=name,
            name_en=name_en,
            actor=actor,
            system=system,
        )
    elif organisation.kind != OrganisationKind.INSTITUTION:
        raise _invalid("organisation", _("This organisation is not an institution."))
    institution = Institution(
        organisation=organisation,
        name=name.strip(),
        name_en=name_en.strip(),
        kind=kind,
        prefecture=prefecture,
        address=address.strip(),
        manager_name=manager_name.strip(),
    )
    _full_clean(institution)
    institution.save()
    audit_record(
        action="registry.institution.created",
        actor=actor,
        target=institution,
        data={
            "name": institution.name,
            "name_en": institution.name_en,
            "kind": kind,
            "prefecture": prefecture,
            "regional_bureau": institution.regional_bureau.code,
        },
        system=system,
    )
    return institution


@transaction.atomic
def committee_create(
    *,
    slug: str,
    name: str,
    name_en: str = "",
    kind: str,
    certification_number: str,
    founder_name: str,
    founder_type: str,
    certified_on: date,
    scope: str = "",
    organisation: Any = None,
    actor: User | None,
    system: str | None = None,
    today: date | None = None,
) -> Committee:
    """Register a certified committee. Its first term of validity is the law's (three years
    counting the day of certification as day 1, Act Art 28(1)); from it, the term's renewal
    duty is opened at once."""
    authorise(actor, "registry.manage", None, system)
    today = today or legal_today()
    certification_number = certification_number.strip().upper()
    # The number's second letter says who certified it: A the Minister, B a Regional Bureau.
    expected_letter = "A" if kind == CommitteeKind.SPECIALLY_CERTIFIED else "B"
    if kind in CommitteeKind.values and certification_number[1:2] != expected_letter:
        raise _invalid(
            "certification_number",
            _(
                "A specially certified committee's number starts with NA, "
                "a certified committee's with NB."
            ),
        )
    _not_future("certified_on", certified_on, today)
    valid_until = period_bounds("committee_renewal", certified_on, 1, rules=current_rules())[1]
    if organisation is None:
        organisation = organisation_create(
            kind=OrganisationKind.COMMITTEE,
            slug=slug,
            name=name,
            name_en=name_en,
            actor=actor,
            system=system,
        )
    elif organisation.kind != OrganisationKind.COMMITTEE:
        raise _invalid("organisation", _("This organisation is not a committee."))
    committee = Committee(
        organisation=organisation,
        name=name.strip(),
        name_en=name_en.strip(),
        kind=kind,
        certification_number=certification_number,
        founder_name=founder_name.strip(),
        founder_type=founder_type,
        certified_on=certified_on,
        valid_until=valid_until,
        scope=scope.strip(),
        rule_required_categories=list(DEFAULT_REQUIRED_CATEGORIES.get(kind, [])),
    )
    _full_clean(committee)
    committee.save()
    audit_record(
        action="registry.committee.created",
        actor=actor,
        target=committee,
        data={
            "name": committee.name,
            "kind": kind,
            "certification_number": certification_number,
            "valid_until": valid_until,
        },
        system=system,
    )
    obligation_open(
        spec=committee_renewal_spec(committee, 1), actor=actor, today=today, system=system
    )
    return committee


@transaction.atomic
def committee_rules_set(
    *,
    committee: Committee,
    min_present: int,
    majority_present: bool,
    both_sexes: bool,
    required_categories: list[str],
    min_no_interest: int,
    min_independent: int,
    actor: User | None,
    system: str | None = None,
) -> Committee:
    """Change the meeting rules a committee has filed (data, not code)."""
    authorise(actor, "registry.committee.manage", committee, system)
    unknown = sorted(set(required_categories) - set(MemberCategory.values))
    if unknown:
        raise _invalid("required_categories", _("Unknown member category."))
    for name, value in (
        ("min_present", min_present),
        ("min_no_interest", min_no_interest),
        ("min_independent", min_independent),
    ):
        if not 0 <= value <= 100 or (name == "min_present" and value < 1):
            raise _invalid(
                name,
                _("Give a number from 0 to 100 (at least 1 for the members present)."),
            )
    Committee.objects.filter(pk=committee.pk).update(
        rule_min_present=min_present,
        rule_majority_present=majority_present,
        rule_both_sexes=both_sexes,
        rule_required_categories=sorted(set(required_categories)),
        rule_min_no_interest=min_no_interest,
        rule_min_independent=min_independent,
    )
    committee.refresh_from_db()
    audit_record(
        action="registry.committee.rules_changed",
        actor=actor,
        target=committee,
        data={
            "min_present": min_present,
            "majority_present": majority_present,
            "both_sexes": both_sexes,
            "required_categories": committee.rule_required_categories,
            "min_no_interest": min_no_interest,
            "min_independent": min_independent,
        },
        system=system,
    )
    return committee


@transaction.atomic
def committee_member_add(
    *,
    committee: Committee,
    name: str,
    category: str,
    sex: str,
    independent_of_founder: bool,
    affiliation: str = "",
    user: User | None = None,
    actor: User | None,
    system: str | None = None,
) -> CommitteeMember:
    authorise(actor, "registry.committee.manage", committee, system)
    member = CommitteeMember(
        committee=committee,
        name=name.strip(),
        category=category,
        sex=sex,
        independent_of_founder=independent_of_founder,
        affiliation=affiliation.strip(),
        user=user,
    )
    _full_clean(member)
    member.save()
    audit_record(
        action="registry.committee.member_added",
        actor=actor,
        target=committee,
        data={"member_id": member.pk, "name": member.name, "category": category, "sex": sex},
        system=system,
    )
    return member


@transaction.atomic
def facility_create(
    *,
    name: str,
    name_en: str = "",
    kind: str,
    number: str,
    operator_name: str,
    operator_institution: Institution | None = None,
    domestic: bool = True,
    country: str = "",
    prefecture: str = "",
    valid_from: date,
    valid_until: date | None = None,
    actor: User | None,
    system: str | None = None,
) -> ProcessingFacility:
    authorise(actor, "registry.manage", None, system)
    if domestic and kind == FacilityKind.ACCREDITATION:
        raise _invalid(
            "kind",
            _("Accreditation is for foreign facilities; a domestic one is licensed or notified."),
        )
    if not domestic and kind != FacilityKind.ACCREDITATION:
        raise _invalid("kind", _("A foreign facility is accredited by the Minister."))
    if valid_until is not None and valid_until < valid_from:
        raise _invalid("valid_until", _("The validity must end after it starts."))
    facility = ProcessingFacility(
        name=name.strip(),
        name_en=name_en.strip(),
        kind=kind,
        number=number.strip(),
        operator_name=operator_name.strip(),
        operator_institution=operator_institution,
        domestic=domestic,
        country=country.strip(),
        prefecture=prefecture,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    _full_clean(facility)
    facility.save()
    audit_record(
        action="registry.facility.created",
        actor=actor,
        target=facility,
        data={
            "name": facility.name,
            "kind": kind,
            "number": facility.number,
            "operator": facility.operator_name,
            "in_house": facility.in_house,
        },
        system=system,
    )
    return facility


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
        raise _invalid("closed_days", _("Choose only the listed kinds of day."))
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
        raise _invalid("reference", _("Give the application's reference (1 to 100 characters)."))
    if excused and not excused_reason:
        raise _invalid(
            "excused_reason", _("Give the reason the application is outside the window.")
        )
    if len(excused_reason) > 2000:
        raise _invalid("excused_reason", _("Keep the reason within 2,000 characters."))
    _not_future("applied_on", applied_on, today)
    status = locked.certification(applied_on)
    if not status.in_force:
        raise _invalid(
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
        raise _invalid(
            "applied_on",
            _("An application to renew this term is already awaiting its decision."),
            ErrorCode.DUPLICATE,
            409,
        )
    if any(r.granted for r in earlier):
        raise _invalid(
            "applied_on",
            _("The renewal of this term has already been granted."),
            ErrorCode.DUPLICATE,
            409,
        )
    if applied_on < status.window_opens:
        raise _invalid(
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
        raise _invalid(
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
    _not_future("decided_on", decided_on, today)
    if decided_on < renewal.applied_on:
        raise _invalid(
            "decided_on",
            _("A decision cannot precede the application."),
            ErrorCode.DATE_ORDER,
        )
    if granted and not renewal_is_timely(renewal):
        raise _invalid(
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
        raise DomainError(
            ErrorCode.CONFLICT,
            _("This application has already been decided."),
            details={"renewal": renewal.pk},
            status=409,
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
        raise _invalid("kind", _("Choose one of the listed values."))
    summary = summary.strip()
    if not summary or len(summary) > 2000:
        raise _invalid("summary", _("Describe the change or the closure (1 to 2,000 characters)."))
    _not_future("event_on", event_on, today)
    locked = ProcessingFacility.objects.select_for_update().get(pk=facility.pk)
    if event_on < locked.valid_from:
        raise _invalid(
            "event_on",
            _("The date cannot precede the facility's licence, accreditation or notification."),
            ErrorCode.DATE_ORDER,
        )
    if locked.closed_on is not None:
        raise _invalid(
            "kind",
            _("This facility stopped manufacturing on %(day)s; nothing more can be notified.")
            % {"day": locked.closed_on.isoformat()},
            ErrorCode.CONFLICT,
            409,
        )
    latest_change = locked.notices.order_by("-event_on").values_list("event_on", flat=True).first()
    if kind == FacilityNoticeKind.CLOSURE and latest_change and event_on < latest_change:
        raise _invalid(
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
        spec = facility_report_spec(
            facility_pk=facility.pk,
            organisation_id=(
                facility.operator_institution.organisation_id if facility.in_house else None
            ),
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
