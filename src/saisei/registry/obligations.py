"""The duties of registry subjects, derived from recorded facts only (domain.md §1.6-1.8).

- A processing facility's yearly manufacturing report (Act Art 46; Ordinance Art 112), for every
  period that began while it was licensed, accredited or notified and not yet closed.
- A facility's 30-day notice of each recorded change (Act Art 37 / 40(3)) or closure (Art 41).
- The end of a licence's or accreditation's five-year validity (Act Art 36(1), Art 39(2);
  Cabinet Order Art 5).
- A committee's application to renew its certification, one per three-year term from the term's
  first day, met by the recorded application (Act Art 28(3)).

`saisei obligations tick` creates the periodic ones and `verify` compares every stored row with
these. The queries read flat values, a few per chunk of subjects (saisei.obligations.sources).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from saisei.law import RenewalApplication, certification_status, period_bounds
from saisei.obligations import sources
from saisei.obligations.sources import Expectation, ObligationSpec

FACILITY = "registry.processingfacility"
NOTICE = "registry.facilitynotice"
COMMITTEE = "registry.committee"
RENEWAL = "registry.committeerenewal"
BUREAU = "regional_bureau"


def periods_begun(rule: str, first_day: date, until: date) -> Iterator[int]:
    """Period numbers k whose first day is on or before `until`."""
    k = 1
    while True:
        start, _end = period_bounds(rule, first_day, k)
        if start > until:
            return
        yield k
        k += 1


def facility_report_spec(
    *,
    facility_pk: int,
    organisation_id: int | None,
    label: str,
    valid_from: date,
    period: int,
    met: tuple[date, int] | None = None,
) -> ObligationSpec:
    met_on, met_by = (None, None) if met is None else (met[0], (NOTICE, str(met[1])))
    return sources.spec(
        rule="cpc_periodic_report",
        organisation_id=organisation_id,
        subject_type=FACILITY,
        subject_id=str(facility_pk),
        subject_label=label,
        starts_on=valid_from,
        period=period,
        recipient=BUREAU,
        met_on=met_on,
        met_by=met_by,
    )


def recorded_day(instant: Any) -> date:
    """The legal date (Japan) on which a row was recorded."""
    from django.utils import timezone

    return timezone.localdate(instant)


def _facilities_valid(today: date) -> dict[str, Any]:
    from saisei.registry.models import ProcessingFacility

    return {FACILITY: ProcessingFacility.objects.filter(valid_from__lte=today)}


def _facility_counts(
    today: date, subject_type: str, pks: Sequence[int]
) -> Iterator[tuple[dict[str, Any], date, tuple[int, date] | None]]:
    """Each facility of `pks` with the last day its reports are counted to and its closure
    notice (pk, the day it was recorded), if it closed."""
    from saisei.registry.models import FacilityNotice, FacilityNoticeKind

    # Ranges of the chunk's pks rather than each pk (cheaper to send; the few rows more of a
    # subset of a chunk are dropped).
    wanted, within = set(pks), (pks[0], pks[-1])
    closures = {
        row["facility_id"]: (row["pk"], recorded_day(row["created_at"]))
        for row in FacilityNotice.objects.filter(
            kind=FacilityNoticeKind.CLOSURE, facility__pk__range=within
        ).values("pk", "facility_id", "created_at")
        if row["facility_id"] in wanted
    }
    rows = (
        _facilities_valid(today)[subject_type]
        .filter(pk__range=within)
        .order_by("pk")
        .values(
            "pk",
            "name",
            "valid_from",
            "valid_until",
            "closed_on",
            "operator_institution__organisation_id",
        )
    )
    for row in rows:
        if row["pk"] not in wanted:
            continue
        until = min(today, row["valid_until"]) if row["valid_until"] else today
        closed_on = row["closed_on"]
        closure = closures.get(row["pk"]) if closed_on is not None else None
        if closed_on is not None and closure is not None:
            until = min(until, max(closed_on, closure[1]))
        yield row, until, closure


def _facility_report_specs(
    today: date, subject_type: str, pks: Sequence[int]
) -> Iterator[ObligationSpec]:
    for row, until, closure in _facility_counts(today, subject_type, pks):
        closed_on = row["closed_on"]
        for k, start, _end in sources.periods("cpc_periodic_report", row["valid_from"], until):
            after_closure = closed_on is not None and closure is not None and start > closed_on
            yield facility_report_spec(
                facility_pk=row["pk"],
                organisation_id=row["operator_institution__organisation_id"],
                label=row["name"],
                valid_from=row["valid_from"],
                period=k,
                met=(closure[1], closure[0]) if after_closure and closure else None,
            )


def _facility_expectations(
    today: date, subject_type: str, pks: Sequence[int]
) -> Iterator[Expectation]:
    """What _facility_report_specs expects of each facility, as one Expectation: the reports of
    the periods begun by the last day its reports are counted to."""
    for row, until, _closure in _facility_counts(today, subject_type, pks):
        owed = len(sources.periods("cpc_periodic_report", row["valid_from"], until))
        yield Expectation(
            row["pk"],
            row["valid_from"],
            owed,
            row["operator_institution__organisation_id"],
            ((BUREAU, ()),),
        )


FACILITY_REPORTS = sources.BySubject(
    _facilities_valid,
    _facility_report_specs,
    periodic="cpc_periodic_report",
    expectations=_facility_expectations,
)


def facility_reports_expected(today: date) -> Iterator[ObligationSpec]:
    """A facility's manufacturing report for each one-year period from its licence,
    accreditation or notification, while the licence is valid.

    A closed facility owes the report of every period that began on or before the day it
    stopped manufacturing, including the period in which it stopped (products were made in it,
    and the closure notice does not report them), and none after. A later period that had
    already begun when the closure was recorded (a notice is due 30 days after the stop) keeps
    its duty, met by the closure notice: nothing was made in it.
    """
    return sources.expected_by_subject(FACILITY_REPORTS, today)


def _facilities_licensed(today: date) -> dict[str, Any]:
    from saisei.registry.models import FacilityKind, ProcessingFacility

    return {
        FACILITY: ProcessingFacility.objects.filter(
            kind__in=(FacilityKind.LICENCE, FacilityKind.ACCREDITATION), valid_from__lte=today
        )
    }


def _licence_specs(today: date, subject_type: str, pks: Sequence[int]) -> Iterator[ObligationSpec]:
    rows = (
        _facilities_licensed(today)[subject_type]
        .filter(pk__range=(pks[0], pks[-1]))
        .order_by("pk")
        .values("pk", "name", "valid_from", "operator_institution__organisation_id")
    )
    for row in rows:
        yield ObligationSpec(
            rule="cpc_licence_expiry",
            organisation_id=row["operator_institution__organisation_id"],
            subject_type=FACILITY,
            subject_id=str(row["pk"]),
            subject_label=row["name"],
            starts_on=row["valid_from"],
            recipient=BUREAU,
        )


LICENCES = sources.BySubject(_facilities_licensed, _licence_specs)


def licences_expected(today: date) -> Iterator[ObligationSpec]:
    """A licence (Act Art 36(1)) or a foreign facility's accreditation (Art 39(2) applying Art 36)
    runs out five years from its grant unless renewed (Cabinet Order Art 5). A notified facility
    holds no licence, so nothing of it expires."""
    return sources.expected_by_subject(LICENCES, today)


def facility_notice_spec(notice: Any) -> ObligationSpec:
    """The 30-day notice a recorded change or closure owes the Regional Bureau. The operator of
    an in-house facility must file it; a third-party facility's has no organisation in Saisei
    (the regulator follows it)."""
    facility = notice.facility
    return _notice_spec(
        pk=notice.pk,
        kind=notice.kind,
        event_on=notice.event_on,
        label=f"{facility.name} ({facility.number})",
        organisation_id=(
            facility.operator_institution.organisation_id if facility.in_house else None
        ),
    )


def _notice_spec(
    *, pk: int, kind: str, event_on: date, label: str, organisation_id: int | None
) -> ObligationSpec:
    from saisei.registry.models import NOTICE_RULES

    return ObligationSpec(
        rule=NOTICE_RULES[kind],
        organisation_id=organisation_id,
        subject_type=NOTICE,
        subject_id=str(pk),
        subject_label=label,
        starts_on=event_on,
        recipient=BUREAU,
    )


def _notices_recorded(today: date) -> dict[str, Any]:
    from saisei.registry.models import FacilityNotice

    return {NOTICE: FacilityNotice.objects.filter(event_on__lte=today)}


def _facility_notice_specs(
    today: date, subject_type: str, pks: Sequence[int]
) -> Iterator[ObligationSpec]:
    rows = (
        _notices_recorded(today)[subject_type]
        .filter(pk__range=(pks[0], pks[-1]))
        .order_by("pk")
        .values(
            "pk",
            "kind",
            "event_on",
            "facility__name",
            "facility__number",
            "facility__operator_institution__organisation_id",
        )
    )
    for row in rows:
        yield _notice_spec(
            pk=row["pk"],
            kind=row["kind"],
            event_on=row["event_on"],
            label=f"{row['facility__name']} ({row['facility__number']})",
            organisation_id=row["facility__operator_institution__organisation_id"],
        )


FACILITY_NOTICES = sources.BySubject(_notices_recorded, _facility_notice_specs)


def facility_notices_expected(today: date) -> Iterator[ObligationSpec]:
    return sources.expected_by_subject(FACILITY_NOTICES, today)


def renewal_spec(
    *,
    committee_pk: int,
    organisation_id: int,
    label: str,
    certifier: str,
    certified_on: date,
    term: int,
    first_application: tuple[int, date] | None = None,
) -> ObligationSpec:
    """Term `term`'s renewal application, to the certifier, met by the first application
    recorded for that term (late if outside the window; an excused one too, since the duty's
    date is the window's last day)."""
    met_on, met_by = None, None
    if first_application is not None:
        met_on, met_by = first_application[1], (RENEWAL, str(first_application[0]))
    return ObligationSpec(
        rule="committee_renewal",
        organisation_id=organisation_id,
        subject_type=COMMITTEE,
        subject_id=str(committee_pk),
        subject_label=label,
        starts_on=certified_on,
        period=term,
        recipient=certifier,
        met_on=met_on,
        met_by=met_by,
    )


def committee_renewal_spec(committee: Any, term: int) -> ObligationSpec:
    first = committee.renewals.filter(term=term).order_by("applied_on", "pk").first()
    return renewal_spec(
        committee_pk=committee.pk,
        organisation_id=committee.organisation_id,
        label=committee.name,
        certifier=committee.certifier,
        certified_on=committee.certified_on,
        term=term,
        first_application=None if first is None else (first.pk, first.applied_on),
    )


def _committees_certified(today: date) -> dict[str, Any]:
    from saisei.registry.models import Committee

    return {COMMITTEE: Committee.objects.filter(certified_on__lte=today)}


def _renewal_specs(today: date, subject_type: str, pks: Sequence[int]) -> Iterator[ObligationSpec]:
    from saisei.obligations.services import current_rules
    from saisei.registry.models import CommitteeKind, CommitteeRenewal

    applications: dict[int, list[RenewalApplication]] = defaultdict(list)
    first: dict[tuple[int, int], tuple[int, date]] = {}
    for row in (
        CommitteeRenewal.objects.filter(committee_id__gte=pks[0], committee_id__lte=pks[-1])
        .order_by("applied_on", "pk")
        .values("pk", "committee_id", "term", "applied_on", "decided_on", "granted", "excused")
    ):
        # An application recorded after `today` (a verify run for a past day) did not exist then.
        if row["applied_on"] > today:
            continue
        decided = row["decided_on"] is not None and row["decided_on"] <= today
        applications[row["committee_id"]].append(
            RenewalApplication(
                term=row["term"],
                applied_on=row["applied_on"],
                decided_on=row["decided_on"] if decided else None,
                granted=row["granted"] if decided else None,
                excused=row["excused"],
            )
        )
        first.setdefault((row["committee_id"], row["term"]), (row["pk"], row["applied_on"]))
    rules = current_rules()
    committees = (
        _committees_certified(today)[subject_type]
        .filter(pk__range=(pks[0], pks[-1]))
        .order_by("pk")
        .values("pk", "name", "kind", "certified_on", "organisation_id")
    )
    for committee in committees:
        certifier = (
            "minister"
            if committee["kind"] == CommitteeKind.SPECIALLY_CERTIFIED
            else "regional_bureau"
        )
        status = certification_status(
            committee["certified_on"],
            applications[committee["pk"]],
            today,
            to=certifier,
            rules=rules,
        )
        for term in range(1, status.term + 1):
            yield renewal_spec(
                committee_pk=committee["pk"],
                organisation_id=committee["organisation_id"],
                label=committee["name"],
                certifier=certifier,
                certified_on=committee["certified_on"],
                term=term,
                first_application=first.get((committee["pk"], term)),
            )


RENEWALS = sources.BySubject(_committees_certified, _renewal_specs)


def renewals_expected(today: date) -> Iterator[ObligationSpec]:
    """One renewal duty per term the certification has reached by `today`: term 1 from the day
    of certification, each later term from its first day once the previous term's renewal was
    granted (Act Art 28(5)). A certification that lapsed owes nothing after its last term."""
    return sources.expected_by_subject(RENEWALS, today)


def register_all() -> None:
    """Called from RegistryConfig.ready().

    `committee_certification_expiry` is covered by no source: the certification's validity is
    not a duty (the renewal application is), so no new row of it is made, and rows stored by
    an earlier version are history that verify still checks against the law's date rather
    than calls unexpected, which no one could clear since obligations are never deleted.
    """
    sources.register(
        "registry.facility_reports",
        ["cpc_periodic_report"],
        facility_reports_expected,
        by_subject=FACILITY_REPORTS,
    )
    sources.register(
        "registry.licences", ["cpc_licence_expiry"], licences_expected, by_subject=LICENCES
    )
    sources.register(
        "registry.facility_notices",
        ["cpc_change_notice", "cpc_closure_notice"],
        facility_notices_expected,
        by_subject=FACILITY_NOTICES,
    )
    sources.register(
        "registry.renewals", ["committee_renewal"], renewals_expected, by_subject=RENEWALS
    )


def facility_duties_begun(facility_pk: int, today: date) -> list[ObligationSpec]:
    """The duties a facility's record opens at once, as the tick would: its licence's or
    accreditation's expiry and the yearly reports of the periods begun by `today`."""
    pks = [facility_pk]
    return [*_licence_specs(today, FACILITY, pks), *_facility_report_specs(today, FACILITY, pks)]
