"""The duties whose subject is a plan, derived from what is recorded about it.

A filed plan owes a periodic report every year, to its committee (Act Art 20(1)) and to its
authority (Act Art 21(1)), from filing until it closes.

The duties a plan's notices create (RM Act; domain.md §1.8): a minor change (Act Art 5(3)) or
a discontinuation (Act Art 6) owes, within 10 days of the day it happened, a notice to the
committee and a filing with the plan's authority: two duties, each with its own due date.

The notice, recorded with the days it was sent to each, is both the event that starts the clock
and the record that meets both duties, so they are opened and met in the same transaction.

A research plan also owes its research summary report (総括報告書) within a year of the later
of the day provision stopped and the end of data collection. The duty is opened when both are
known: at discontinuation when data collection ended by then, else when its end is recorded.
The report is published on jRCT, outside Saisei, so it is met by recording that filing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from saisei.law import Recipient, authority_for
from saisei.obligations import sources
from saisei.obligations.sources import Expectation, ObligationSpec

PLAN = "plans.plan"


def plan_authority(plan: Any) -> str:
    """Where what the Act addresses to the Minister about a plan goes: the authority its filing
    went to (Class I: the Minister; Class II and III: the Regional Bureau, Ordinance Art 118)."""
    return _authority(plan.filed_with, plan.risk_class)


def _authority(filed_with: str, risk_class: str) -> str:
    return filed_with or authority_for(risk_class).value


def plan_recipients(plan: Any) -> tuple[str, str]:
    """A plan's two recipients of a report owed to both: its committee, then its authority."""
    return Recipient.COMMITTEE.value, plan_authority(plan)


def recipients_for(filed_with: str, risk_class: str) -> tuple[str, str]:
    """plan_recipients from a plan's values (filed_with, risk_class), for sources reading rows."""
    return Recipient.COMMITTEE.value, _authority(filed_with, risk_class)


def closed_days_for(recipient: str, committee: Any) -> tuple[str, ...]:
    """The committee's recorded closed days, for a report that goes to it (else none)."""
    if recipient != Recipient.COMMITTEE.value or committee is None:
        return ()
    return tuple(committee.rule_closed_days or ())


def periodic_report_specs(plan: Any, period: int) -> list[ObligationSpec]:
    """The two duties of one period's periodic report: to the committee (Act Art 20(1)) and to
    the plan's authority (Act Art 21(1)), each with its own due date."""
    committee = plan.committee if plan.committee_id else None
    return [
        ObligationSpec(
            rule="periodic_report",
            organisation_id=plan.institution.organisation_id,
            subject_type=PLAN,
            subject_id=str(plan.pk),
            subject_label=str(plan),
            starts_on=plan.filed_on,
            period=period,
            also_visible_to_id=committee.organisation_id if committee else None,
            recipient=recipient,
            committee_closed=closed_days_for(recipient, committee),
        )
        for recipient in plan_recipients(plan)
    ]


def _filed_plans(today: date) -> dict[str, Any]:
    from saisei.plans.models import Plan

    return {PLAN: Plan.objects.filter(filed_on__isnull=False)}


def committees_of(
    ids: Iterable[int | None],
) -> dict[int | None, tuple[int | None, tuple[str, ...]]]:
    """Each committee's organisation and recorded closed days, by id (None: no committee), in
    one query: a chunk's few committees instead of the same JSON decoded for each of its rows
    (in a pass of the tick or verify, every committee once for the pass: sources.memo)."""
    from saisei.registry.models import Committee

    found: dict[int | None, tuple[int | None, tuple[str, ...]]] = {None: (None, ())}
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return found
    every = sources.memo("plans.committees", lambda: _committees(Committee.objects.all()))
    if every is None:
        # The range of the ids wanted, not each id: committees are few, and a chunk names many.
        every = _committees(Committee.objects.filter(pk__range=(min(wanted), max(wanted))))
    found.update((pk, every[pk]) for pk in wanted if pk in every)
    return found


def _committees(queryset: Any) -> dict[int, tuple[int | None, tuple[str, ...]]]:
    return {
        pk: (organisation_id, tuple(closed or ()))
        for pk, organisation_id, closed in queryset.values_list(
            "pk", "organisation_id", "rule_closed_days"
        )
    }


def _plan_expectations(
    today: date, subject_type: str, pks: Sequence[int]
) -> Iterator[tuple[str, int | None, Expectation]]:
    """(title, committee's organisation, what it expects) of each filed plan of `pks`: the
    yearly reports of the periods it owes by `today`, to its committee and its authority."""
    # A range, not a list of a thousand pks: the same rows of a chunk, at a fraction of the
    # cost of sending each pk (the few more of a subset of one are dropped here).
    wanted = set(pks)
    rows = [
        row
        for row in _filed_plans(today)[subject_type]
        .filter(pk__range=(pks[0], pks[-1]))
        .order_by("pk")
        .values_list(
            "pk",
            "title",
            "filed_on",
            "filed_with",
            "risk_class",
            "closed_on",
            "institution__organisation_id",
            "committee_id",
        )
        if row[0] in wanted
    ]
    committees = committees_of(row[-1] for row in rows)
    committee = Recipient.COMMITTEE.value
    for pk, title, filed_on, filed_with, risk_class, closed_on, organisation_id, cid in rows:
        committee_org, closed_days = committees[cid]
        recipients = ((committee, closed_days), (_authority(filed_with, risk_class), ()))
        owed = _periods_owed(filed_on, closed_on, today)
        yield title, committee_org, Expectation(pk, filed_on, owed, organisation_id, recipients)


def _periodic_report_specs(
    today: date, subject_type: str, pks: Sequence[int]
) -> Iterator[ObligationSpec]:
    spec = sources.spec
    for title, committee_org, expected in _plan_expectations(today, subject_type, pks):
        subject_id = str(expected.pk)
        for k in range(1, expected.owed + 1):
            for recipient, closed_days in expected.recipients:
                yield spec(
                    rule="periodic_report",
                    organisation_id=expected.organisation_id,
                    subject_type=PLAN,
                    subject_id=subject_id,
                    subject_label=title,
                    starts_on=expected.first_day,
                    period=k,
                    also_visible_to_id=committee_org,
                    recipient=recipient,
                    committee_closed=closed_days,
                )


def _periodic_report_expectations(
    today: date, subject_type: str, pks: Sequence[int]
) -> Iterator[Expectation]:
    for _title, _committee_org, expected in _plan_expectations(today, subject_type, pks):
        yield expected


def _periods_owed(filed_on: date, closed_on: date | None, today: date) -> int:
    """How many yearly reports a plan owes by `today` (each to both recipients): the periods
    begun by then, those ended before it closed if it did."""
    until = min(today, closed_on) if closed_on else today
    owed = 0
    for _k, _start, end in sources.periods("periodic_report", filed_on, until):
        if closed_on and end >= closed_on:
            break
        owed += 1
    return owed


PERIODIC_REPORTS = sources.BySubject(
    _filed_plans,
    _periodic_report_specs,
    periodic="periodic_report",
    expectations=_periodic_report_expectations,
)


def periodic_reports_expected(today: date) -> Iterator[ObligationSpec]:
    """One periodic report per year from filing until close-out, even with no cases, to the
    committee and to the plan's authority.

    A closed plan owes the reports of the periods that ended before it closed; the period in
    which it closed is covered by the end notice (様式第9の2), not by another yearly report.
    The plans are read as flat values, a chunk at a time, whatever their number.
    """
    return sources.expected_by_subject(PERIODIC_REPORTS, today)


NOTICE = "plans.plannotice"
NOTICE_RULES = {"minor_change": "minor_change", "discontinuation": "discontinuation"}


def notice_specs(notice: Any) -> list[ObligationSpec]:
    """The notice's duties: to the committee, and to the authority the plan was filed with."""
    rule = NOTICE_RULES.get(notice.kind)
    if rule is None:
        return []
    return notice_specs_for(
        rule,
        notice.plan,
        notice.event_on,
        subject_id=str(notice.pk),
        label=f"{notice.plan} · {notice.get_kind_display()}",
    )


def notice_specs_for(
    rule: str, plan: Any, event_on: date, *, subject_id: str = "", label: str = ""
) -> list[ObligationSpec]:
    """A notice's duties by rule and event day (``subject_id`` is the notice, once recorded)."""
    committee = plan.committee if plan.committee_id else None
    return [
        ObligationSpec(
            rule=rule,
            organisation_id=plan.institution.organisation_id,
            subject_type=NOTICE,
            subject_id=subject_id,
            subject_label=label or str(plan),
            starts_on=event_on,
            also_visible_to_id=committee.organisation_id if committee else None,
            recipient=recipient,
            committee_closed=closed_days_for(recipient, committee),
        )
        for recipient in plan_recipients(plan)
    ]


def notice_obligation_record(notice: Any, *, actor: Any, today: date) -> None:
    """Open the notice's duties and mark each met (or met late) by the notice itself, on the day
    it reached that recipient."""
    from saisei.obligations.services import obligation_meet, obligation_open

    for spec in notice_specs(notice):
        obligation = obligation_open(spec=spec, actor=actor, today=today)
        met_on = (
            notice.notified_on
            if spec.recipient == "committee"
            else (notice.filed_on or notice.notified_on)
        )
        if obligation.is_outstanding:
            obligation_meet(obligation=obligation, met_on=met_on, record=notice, actor=actor)


def _recorded_notices(today: date) -> dict[str, Any]:
    from saisei.plans.models import PlanNotice

    return {NOTICE: PlanNotice.objects.filter(kind__in=list(NOTICE_RULES), event_on__lte=today)}


def _notice_chunk_specs(
    today: date, subject_type: str, pks: Sequence[int]
) -> Iterator[ObligationSpec]:
    notices = (
        _recorded_notices(today)[subject_type]
        .filter(pk__range=(pks[0], pks[-1]))
        .select_related("plan__institution", "plan__committee")
        .order_by("pk")
    )
    for notice in notices:
        yield from notice_specs(notice)


NOTICES = sources.BySubject(_recorded_notices, _notice_chunk_specs)


def notices_expected(today: date) -> Iterator[ObligationSpec]:
    return sources.expected_by_subject(NOTICES, today)


def research_summary_specs(plan: Any) -> list[ObligationSpec]:
    """The research summary duties (to the committee, and its publication on jRCT) of a research
    plan whose stop and data-collection end are known."""
    if (
        plan.plan_type != "research"
        or not plan.discontinued_on
        or not plan.data_collection_ended_on
    ):
        return []
    committee = plan.committee if plan.committee_id else None
    return [
        ObligationSpec(
            rule="research_summary",
            organisation_id=plan.institution.organisation_id,
            subject_type=PLAN,
            subject_id=str(plan.pk),
            subject_label=str(plan),
            starts_on=max(plan.discontinued_on, plan.data_collection_ended_on),
            also_visible_to_id=committee.organisation_id if committee else None,
            recipient=recipient,
            committee_closed=closed_days_for(recipient, committee),
        )
        for recipient in ("committee", "jrct")
    ]


def research_summary_open(plan: Any, *, actor: Any, today: date) -> None:
    from saisei.obligations.services import obligation_open

    for spec in research_summary_specs(plan):
        obligation_open(spec=spec, actor=actor, today=today)


def _research_plans_stopped(today: date) -> dict[str, Any]:
    from saisei.plans.models import Plan

    return {
        PLAN: Plan.objects.filter(
            plan_type="research",
            discontinued_on__isnull=False,
            data_collection_ended_on__isnull=False,
        )
    }


def _research_summary_chunk_specs(
    today: date, subject_type: str, pks: Sequence[int]
) -> Iterator[ObligationSpec]:
    plans = (
        _research_plans_stopped(today)[subject_type]
        .filter(pk__range=(pks[0], pks[-1]))
        .select_related("institution", "committee")
        .order_by("pk")
    )
    for plan in plans:
        for spec in research_summary_specs(plan):
            if spec.starts_on <= today:
                yield spec


RESEARCH_SUMMARIES = sources.BySubject(_research_plans_stopped, _research_summary_chunk_specs)


def research_summaries_expected(today: date) -> Iterator[ObligationSpec]:
    return sources.expected_by_subject(RESEARCH_SUMMARIES, today)


def register_all() -> None:
    """The plan's duties, registered from PlansConfig.ready(); the adverse-event duties are
    reporting's (saisei.reporting.obligation_sources)."""
    sources.register(
        "plans.periodic_reports",
        ["periodic_report"],
        periodic_reports_expected,
        by_subject=PERIODIC_REPORTS,
    )
    sources.register(
        "plans.notices",
        ["minor_change", "discontinuation"],
        notices_expected,
        by_subject=NOTICES,
    )
    sources.register(
        "plans.research_summaries",
        ["research_summary"],
        research_summaries_expected,
        by_subject=RESEARCH_SUMMARIES,
    )
