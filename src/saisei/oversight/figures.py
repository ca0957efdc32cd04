"""The national picture: every figure of the regulator's dashboard, and the rows behind each.

Each figure is defined once here, as a queryset, so that a number on the dashboard and the
list it links to are the same rows (`tests/oversight` checks both against hand-written SQL).

Two kinds of figure:

- **The register as it stands** (plans by class, status and therapy; the committees and
  facilities most plans depend on): the plans' current status, whatever day is chosen.
  A plan's status on a past day is not stored as a column (only its changes are), so the
  register is not replayed; the page says so.
- **Dated figures**, on the chosen day D (Japan time) over the *window*, from the first day of
  the month eleven months before D's month to D: filings per month; duties due in the window
  met on time or late by D; duties overdue on D whatever their due date; adverse events the
  institutions learned of in the window and how fast each recipient's report came; orders in
  force on D.

A duty's state on D (`duty_state`): *waived* if it was waived (a waiver is not dated, so a
duty waived after D counts as waived); *on time* if it was met by D on or before its due date;
*late* if met by D after it; *overdue* if its due date is before D and it was not met by D;
otherwise *ahead* (due on D or later, not met yet). A duty belongs to the place of the
institution that owes it, or, for a third-party facility with no account (no organisation),
to the facility's prefecture; a committee's renewal belongs to no prefecture and counts for
the nation only.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from saisei.obligations.models import Obligation, ObligationStatus
from saisei.oversight.areas import NATION as NATION_AREA
from saisei.oversight.areas import Area, bureau_of, parse_area
from saisei.oversight.models import DutyTally, EventTally, FacilityTally, month_index
from saisei.oversight.tally import DEPENDENT_STATUSES
from saisei.plans.lifecycle import IN_FORCE, PlanStatus
from saisei.plans.models import Order, Plan, PlanFacility
from saisei.registry.models import Committee, Institution, ProcessingFacility
from saisei.reporting.lifecycle import PeriodicReportStatus
from saisei.reporting.models import CATEGORY_RULE, AdverseEvent, AECategory, PeriodicReport

# Subject types of the duties the dashboard reads (saisei.*.obligations).
EVENT = "reporting.adverseevent"
FACILITY = "registry.processingfacility"

# Periodic reports that have left the institution (submitted to the committee or further).
SENT_REPORTS = (
    PeriodicReportStatus.SUBMITTED,
    PeriodicReportStatus.REVIEWED,
    PeriodicReportStatus.FILED,
)
# The dashboard's groups of plan statuses (its chart of plans by class).
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "before_filing": (PlanStatus.DRAFT, PlanStatus.UNDER_REVIEW, PlanStatus.APPROVED),
    "in_force": tuple(sorted(IN_FORCE)),
    "suspended": (PlanStatus.SUSPENDED,),
    "discontinued": (PlanStatus.DISCONTINUED,),
    "closed": (PlanStatus.CLOSED,),
}
SERIOUS = tuple(c for c in AECategory.values if c != AECategory.NON_SERIOUS)
DUTY_STATES = ("on_time", "late", "overdue")
TOP = 10


def window_start(on: date) -> date:
    """The first day of the month eleven months before `on`'s month: twelve calendar months."""
    month = on.year * 12 + on.month - 1 - 11
    return date(month // 12, month % 12 + 1, 1)


def months(on: date) -> list[date]:
    start = window_start(on)
    out = []
    for k in range(12):
        m = start.year * 12 + start.month - 1 + k
        out.append(date(m // 12, m % 12 + 1, 1))
    return out


# -- Plans --------------------------------------------------------------------------------


def regulator_plans() -> QuerySet[Plan]:
    """The plans a regulator's figures count: each plan from its first submission to a
    committee (a draft never submitted is the institution's own; see plans_visible_to)."""
    return Plan.objects.filter(first_submitted_at__isnull=False)


def plans_in(area: Area) -> QuerySet[Plan]:
    plans = regulator_plans()
    if area.prefectures is not None:
        plans = plans.filter(institution__prefecture__in=area.prefectures)
    return plans


def plan_rows(
    area: Area,
    *,
    risk_class: str = "",
    status: str = "",
    group: str = "",
    therapy: str = "",
    committee: int | None = None,
    facility: int | None = None,
    filed_from: date | None = None,
    filed_to: date | None = None,
    dependent: bool = False,
) -> QuerySet[Plan]:
    """The plans behind a number of the dashboard (a drill-down's rows)."""
    plans = plans_in(area)
    if risk_class:
        plans = plans.filter(risk_class=risk_class)
    if status:
        plans = plans.filter(status=status)
    if group:
        plans = plans.filter(status__in=STATUS_GROUPS[group])
    if therapy:
        plans = plans.filter(therapy=therapy)
    if dependent:
        plans = plans.filter(status__in=DEPENDENT_STATUSES)
    if committee is not None:
        plans = plans.filter(committee_id=committee)
    if facility is not None:
        plans = plans.filter(
            pk__in=PlanFacility.objects.filter(facility_id=facility, is_current=True).values(
                "plan_id"
            )
        )
    if filed_from is not None:
        plans = plans.filter(filed_on__gte=filed_from)
    if filed_to is not None:
        plans = plans.filter(filed_on__lte=filed_to)
    return plans


@dataclass
class PlanFigures:
    by_class_status: dict[str, dict[str, int]] = field(default_factory=dict)
    by_class: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_therapy: dict[str, int] = field(default_factory=dict)
    total: int = 0
    # Plans in force or suspended, per committee (what top_committees ranks).
    dependent_by_committee: dict[int, int] = field(default_factory=dict)


def plan_figures(area: Area) -> PlanFigures:
    """The register's counts, from one pass over its index (plan_oversight_register).

    Every count of the dashboard is COUNT(*), never of a column the index lacks: PostgreSQL
    would read each row for it (an index holds a row's id in SQLite, not in PostgreSQL)."""
    out = PlanFigures()
    rows = (
        plans_in(area)
        .order_by()
        .values_list("risk_class", "status", "therapy", "committee_id")
        .annotate(n=Count("*"))
    )
    by_class_status: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_class: dict[str, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    by_therapy: dict[str, int] = defaultdict(int)
    dependent: dict[int, int] = defaultdict(int)
    for risk_class, status, therapy, committee, n in rows:
        if status in DEPENDENT_STATUSES and committee is not None:
            dependent[committee] += n
        by_class_status[risk_class][status] += n
        by_class[risk_class] += n
        by_status[status] += n
        by_therapy[therapy] += n
        out.total += n
    out.by_class_status = {k: dict(v) for k, v in by_class_status.items()}
    out.by_class, out.by_status, out.by_therapy = dict(by_class), dict(by_status), dict(by_therapy)
    out.dependent_by_committee = dict(dependent)
    return out


def filings_per_month(area: Area, on: date) -> list[tuple[date, dict[str, int]]]:
    """Plans filed in each month of the window (to `on`), by class."""
    counts: dict[date, dict[str, int]] = {m: {} for m in months(on)}
    # Counted by day and added up by month here: a month of the day is, on SQLite, a Python
    # function called for each plan (TruncMonth), several times the cost of the count itself.
    rows = (
        plans_in(area)
        .filter(filed_on__gte=window_start(on), filed_on__lte=on)
        .order_by()
        .values_list("filed_on", "risk_class")
        .annotate(n=Count("*"))
    )
    for filed_on, risk_class, n in rows:
        month = counts.setdefault(filed_on.replace(day=1), {})
        month[risk_class] = month.get(risk_class, 0) + n
    return sorted(counts.items())


# -- Duties ---------------------------------------------------------------------------------


def duty_state(on: date) -> Case:
    """A duty's state on `on` (the module's docstring): one CASE, the same in every query."""
    met_by_then = Q(met_on__isnull=False, met_on__lte=on)
    return Case(
        When(status=ObligationStatus.WAIVED, then=Value("waived")),
        When(met_by_then & Q(met_on__lte=F("due_on")), then=Value("on_time")),
        When(met_by_then, then=Value("late")),
        When(due_on__lt=on, then=Value("overdue")),
        default=Value("ahead"),
        output_field=CharField(),
    )


def _facility_ids_in(area: Area) -> list[str]:
    assert area.prefectures is not None
    return [
        str(pk)
        for pk in ProcessingFacility.objects.filter(prefecture__in=area.prefectures).values_list(
            "pk", flat=True
        )
    ]


def _institution_orgs(area: Area) -> QuerySet[Institution, int]:
    assert area.prefectures is not None
    return Institution.objects.filter(
        prefecture__in=area.prefectures, organisation__isnull=False
    ).values_list("organisation_id", flat=True)


def duties_in(area: Area) -> QuerySet[Obligation]:
    duties = Obligation.objects.all()
    if area.prefectures is not None:
        duties = duties.filter(
            Q(organisation_id__in=_institution_orgs(area))
            | Q(
                organisation__isnull=True,
                subject_type=FACILITY,
                subject_id__in=_facility_ids_in(area),
            )
        )
    return duties


def _duty_parts(on: date) -> tuple[Q, Q, Q]:
    """The three disjoint sets of duties the dashboard counts, each answered from an index:
    due in the window (up to `on`); due before it and still open or overdue; due before it and
    met only after `on` (empty when `on` is today)."""
    start = window_start(on)
    return (
        Q(due_on__gte=start, due_on__lte=on),
        Q(status__in=(ObligationStatus.OPEN, ObligationStatus.OVERDUE), due_on__lt=start),
        Q(met_on__gt=on, due_on__lt=start),
    )


def duty_rows(
    area: Area, on: date, *, state: str = "", rule: str = "", place: str = ""
) -> QuerySet[Obligation]:
    """The duties behind a number of the dashboard: in the window, or overdue on `on`."""
    window, old_open, met_after = _duty_parts(on)
    duties = (
        duties_in(area)
        .filter(window | old_open | met_after)
        .annotate(state=duty_state(on))
        .filter(state__in=DUTY_STATES)
    )
    if state:
        duties = duties.filter(state=state)
    if rule:
        duties = duties.filter(rule=rule)
    if place:
        duties = duties.filter(_place_q(place))
    return duties


def _place_q(place: str) -> Q:
    """A place of the breakdown: `bureau:<code>`, `pref:<code>`, or `none` (no prefecture)."""
    if place == "none":
        placed = [
            str(pk)
            for pk in ProcessingFacility.objects.filter(prefecture__isnull=False)
            .exclude(prefecture="")
            .values_list("pk", flat=True)
        ]
        return ~Q(organisation__institution__isnull=False) & ~Q(
            organisation__isnull=True, subject_type=FACILITY, subject_id__in=placed
        )
    area = parse_area(place)
    if area.prefectures is None:
        return Q(pk__in=[])
    return Q(organisation__institution__prefecture__in=area.prefectures) | Q(
        organisation__isnull=True, subject_type=FACILITY, subject_id__in=_facility_ids_in(area)
    )


@dataclass
class DutyFigures:
    by_rule: dict[str, dict[str, int]] = field(default_factory=dict)
    # Keyed by the place of the breakdown: a bureau code for the nation, a prefecture code for
    # a bureau; "" for duties with no prefecture (a committee's renewal).
    by_place: dict[str, dict[str, int]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    longest: list[dict[str, Any]] = field(default_factory=list)


def duty_figures(area: Area, on: date) -> DutyFigures:
    """The duty figures: the months before `on`'s from the tally (saisei.oversight.models), `on`'s
    own month from the duties themselves (`_live_duties`), placed and kept to the area here.

    The tally counts duties by month due and month met, which decides a duty's state on `on` for
    every duty due and met (or not met) outside `on`'s month: met in an earlier month is met by
    `on` (on time or late as its due date says; counted if due in the window), not met or met in
    a later month is overdue on `on` (its due date is before `on`'s month). What falls in `on`'s
    month, due or met, is decided day by day from the duties."""
    out = DutyFigures()
    by_rule: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(DUTY_STATES, 0))
    by_place: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(DUTY_STATES, 0))
    totals = dict.fromkeys(DUTY_STATES, 0)
    per_bureau = area.kind == "nation"
    inside = set(area.prefectures) if area.prefectures is not None else None
    for prefecture, rule, state, n in [*_tallied_duties(on), *_live_duties(on)]:
        if inside is not None and prefecture not in inside:
            continue
        place = "" if not prefecture else (bureau_of(prefecture) if per_bureau else prefecture)
        by_rule[rule][state] += n
        by_place[place][state] += n
        totals[state] += n
    out.by_rule = dict(sorted(by_rule.items()))
    out.by_place = dict(by_place)
    out.totals = totals
    out.longest = longest_overdue(area, on)
    return out


Placed = list[tuple[str | None, str, str, int]]


def _tallied_duties(on: date) -> Placed:
    """(place, rule, state, duties) for the duties due before `on`'s month and not met in it."""
    this_month = month_index(on)
    before = DutyTally.objects.filter(due_month__lt=this_month).order_by()
    out: Placed = []
    # Met in a month of the window before this one: each a range of the month-due index.
    for place, rule, on_time, n in (
        before.filter(due_month__gte=this_month - 11, met_month__gt=0, met_month__lt=this_month)
        .values_list("place", "rule", "on_time")
        .annotate(n=Sum("duties"))
    ):
        out.append((place, rule, "on_time" if on_time else "late", n))
    # Not met, or met in a later month: overdue, whatever the month due (the month-met index).
    for unmet in (Q(met_month=0), Q(met_month__gt=this_month)):
        for place, rule, n in (
            before.filter(unmet).values_list("place", "rule").annotate(n=Sum("duties"))
        ):
            out.append((place, rule, "overdue", n))
    return [row for row in out if row[3]]


def _live_duties(on: date) -> Placed:
    """(place, rule, state, duties) for the duties of `on`'s month, from the duties: due in it
    up to `on`, and due before it and met in it (by `on`: counted if due in the window; after
    `on`: overdue on it).

    Counted per organisation (or, for a facility with no account, per facility) from indexes
    that hold every column the count groups by (obligation_oversight_due/met), then placed by
    the organisations' institutions. PostgreSQL joins each duty to its institution's prefecture
    as it counts (a hash join); SQLite's nested loop costs more than grouping by organisation
    and placing the groups here. Both count the same duties the same way (tests/oversight runs
    on both)."""
    month_start = on.replace(day=1)
    next_month = month_index(on) + 1
    month_end = date(next_month // 12, next_month % 12 + 1, 1) - timedelta(days=1)
    join_place = connection.vendor == "postgresql"
    owner = "organisation__institution__prefecture" if join_place else "organisation_id"
    owned: dict[tuple[Any, str, str], int] = defaultdict(int)
    loose: dict[tuple[str, str, str, str], int] = defaultdict(int)
    duties = Obligation.objects.annotate(state=duty_state(on)).order_by()
    due_this_month = duties.filter(due_on__gte=month_start, due_on__lte=on).annotate(
        counted=Value(1, output_field=IntegerField())
    )
    # Met this month, due before it: a met one counts only if due in the window.
    met_this_month = duties.filter(
        met_on__gte=month_start, met_on__lte=month_end, due_on__lt=month_start
    ).annotate(
        counted=Case(
            When(due_on__gte=window_start(on), then=Value(1)),
            When(met_on__gt=on, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    # The state is grouped on, not filtered on: a filter on the CASE leaves PostgreSQL no
    # estimate of the rows (it then reads the table instead of the index); the groups that are
    # no figure (waived, ahead, not counted) are dropped below.
    for rows in (due_this_month, met_this_month):
        for org, rule, state, counted, n in (
            rows.filter(organisation__isnull=False)
            .values_list(owner, "rule", "state", "counted")
            .annotate(n=Count("*"))
        ):
            if counted and state in DUTY_STATES:
                owned[org, rule, state] += n
        # Owed by no organisation: asked as a CASE, which no index answers, so that the
        # database reads the month's range of due (or met) dates, not every such duty of every
        # month from the organisation's index (SQLite's choice for `organisation_id IS NULL`).
        for subject_type, subject_id, rule, state, counted, n in (
            rows.annotate(
                unowned=Case(
                    When(organisation__isnull=True, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
            .filter(unowned=1)
            .values_list("subject_type", "subject_id", "rule", "state", "counted")
            .annotate(n=Count("*"))
        ):
            if counted and state in DUTY_STATES:
                loose[subject_type, subject_id, rule, state] += n

    org_place: dict[Any, str] = {}
    if owned and not join_place:
        org_place = dict(
            Institution.objects.filter(
                organisation_id__in={org for org, _r, _s in owned}
            ).values_list("organisation_id", "prefecture")
        )
    facility_ids = [int(sid) for st, sid, _r, _s in loose if st == FACILITY and sid.isdigit()]
    facility_place: dict[int, str] = {}
    if facility_ids:
        facility_place = dict(
            ProcessingFacility.objects.filter(pk__in=facility_ids).values_list("pk", "prefecture")
        )
    placed: Placed = [
        (org if join_place else org_place.get(org), rule, state, n)
        for (org, rule, state), n in owned.items()
    ]
    for (subject_type, subject_id, rule, state), n in loose.items():
        prefecture = None
        if subject_type == FACILITY and subject_id.isdigit():
            prefecture = facility_place.get(int(subject_id))
        placed.append((prefecture, rule, state, n))
    return placed


def _pages(rows: Any, page: int = 200) -> Any:
    """The rows in pages of `page` (each a LIMIT/OFFSET of the index's order), read only as far
    as the caller goes: a server-side cursor would be materialised whole by PostgreSQL."""
    if not isinstance(rows, QuerySet):
        rows = list(rows)
        for start in range(0, len(rows), page):
            yield rows[start : start + page]
        return
    start = 0
    while True:
        chunk = list(rows[start : start + page])
        if chunk:
            yield chunk
        if len(chunk) < page:
            return
        start += page


def _duty_places(chunk: list[tuple[Any, ...]]) -> tuple[dict[int, str], dict[str, str]]:
    """The places of a page of duties (pk, due_on, organisation, subject type, subject id):
    each organisation's institution's prefecture, and each facility's owed by no organisation."""
    orgs = {org for _pk, _due, org, _st, _sid in chunk if org is not None}
    facilities = {
        int(sid)
        for _pk, _due, org, st, sid in chunk
        if org is None and st == FACILITY and sid.isdigit()
    }
    by_org = dict(
        Institution.objects.filter(organisation_id__in=orgs)
        .order_by()
        .values_list("organisation_id", "prefecture")
        if orgs
        else []
    )
    by_facility = {
        str(pk): prefecture
        for pk, prefecture in (
            ProcessingFacility.objects.filter(pk__in=facilities)
            .order_by()
            .values_list("pk", "prefecture")
            if facilities
            else []
        )
    }
    return by_org, by_facility


# Pages of a status placed by their own organisations before the area's are read whole.
PLACED_PAGES = 3


def longest_overdue(area: Area, on: date) -> list[dict[str, Any]]:
    """The TOP duties overdue longest on `on`: the first TOP of each way a duty is overdue
    (still open, overdue, or met only after `on`), each read in due-date order from its index
    and, for an area, kept to the duties of its institutions and facilities as they come (each
    page of them placed by its own organisations and facilities: the first page holds a
    bureau's; a prefecture's may take more), then merged."""
    inside = set(area.prefectures) if area.prefectures is not None else None
    chosen: list[tuple[date, int]] = []
    columns = ("pk", "due_on", "organisation_id", "subject_type", "subject_id")
    # In due-date order, then id (so that the pages of _pages neither skip nor repeat a row):
    # each status is one range of its index (obligation_oversight_open), sorted by id only
    # within a day; ties at the cut are read to their end.
    outstanding = Obligation.objects.filter(due_on__lt=on).order_by("due_on", "pk")
    # Met only after `on`: asked by the met date (an empty index range for today) and, once the
    # outstanding ones have given TOP, only as far back as their TOP-th due date (no older
    # duty could be shown; on a day a year ago a year of met duties is otherwise read whole).
    # The due date is a column of the same index (obligation_oversight_met), so that SQLite
    # neither reads the rows it leaves out nor walks the due date's index for it.
    met_after = (
        Obligation.objects.filter(met_on__gt=on, due_on__lt=on)
        .exclude(status=ObligationStatus.WAIVED)
        .order_by()
    )

    # An area's institutions and facilities, read whole only after a few pages placed by their
    # own rows have not given TOP (a prefecture of a few clinics, whose duties are sparse in
    # the country's order, where placing page after page would cost more).
    members: list[tuple[set[int], set[str]]] = []

    def in_area(chunk: list[tuple[Any, ...]], pages_read: int) -> set[int]:
        """The ids of the duties of `chunk` that belong to the area."""
        assert inside is not None
        if pages_read < PLACED_PAGES and not members:
            by_org, by_facility = _duty_places(chunk)
            return {
                pk
                for pk, _due, org, subject_type, subject_id in chunk
                if (
                    by_org.get(org)
                    if org is not None
                    else (by_facility.get(subject_id) if subject_type == FACILITY else None)
                )
                in inside
            }
        if not members:
            members.append((set(_institution_orgs(area)), set(_facility_ids_in(area))))
        orgs, facilities = members[0]
        return {
            pk
            for pk, _due, org, subject_type, subject_id in chunk
            if org in orgs
            or (org is None and subject_type == FACILITY and subject_id in facilities)
        }

    def first(rows: Any) -> list[tuple[date, int]]:
        found: list[tuple[date, int]] = []
        for pages_read, chunk in enumerate(_pages(rows)):
            kept = in_area(chunk, pages_read) if inside is not None else None
            for pk, due_on, _org, _subject_type, _subject_id in chunk:
                if len(found) >= TOP and due_on > found[-1][0]:
                    return found
                if kept is not None and pk not in kept:
                    continue
                found.append((due_on, pk))
        return found

    for status in (ObligationStatus.OPEN, ObligationStatus.OVERDUE):
        chosen.extend(first(outstanding.filter(status=status).values_list(*columns)))
    chosen.sort()
    if len(chosen) >= TOP:
        met_after = met_after.filter(due_on__lte=chosen[TOP - 1][0])
    chosen.extend(first(sorted(met_after.values_list(*columns), key=lambda r: (r[1], r[0]))))
    chosen.sort()
    ids = [pk for _due, pk in chosen[:TOP]]
    shown = ("pk", "rule", "subject_label", "recipient", "due_on", "organisation__name")
    by_id = {row["pk"]: dict(row) for row in Obligation.objects.filter(pk__in=ids).values(*shown)}
    longest = [by_id[pk] for pk in ids]
    for row in longest:
        row["days_overdue"] = (on - row["due_on"]).days
    return longest


# -- Adverse events -------------------------------------------------------------------------


def _plan_ids_in(area: Area) -> QuerySet[Plan, Any]:
    """The area's plans as a subquery the database reads once (from the register's index)."""
    return plans_in(area).order_by().values("pk")


def events_in(area: Area) -> QuerySet[AdverseEvent]:
    """Adverse events, of the area's plans. An event is recorded only on a plan that was filed
    (saisei.reporting.services), so every event's plan is one a regulator sees."""
    events = AdverseEvent.objects.all()
    if area.prefectures is not None:
        events = events.filter(plan_id__in=_plan_ids_in(area))
    return events


def window_events(area: Area, on: date) -> tuple[Counter[str], list[int]]:
    """The adverse events learned of in the window, in the area (the events of
    `event_rows(area, on)`): their number by category, and the ids of the serious ones.

    The months before `on`'s are counted from the event tally (saisei.oversight.models), kept to
    the area by its place; `on`'s own month from the events themselves (learned in it by `on`),
    each placed by its plan, as are the serious events (a few in a thousand of the country's),
    whose ids the report timeliness needs: placing every event of the window by its plan and
    institution cost several times the rest of the figures at 3x on SQLite."""
    this_month = month_index(on)
    month_start = on.replace(day=1)
    tallied = EventTally.objects.filter(
        learned_month__gte=month_index(window_start(on)), learned_month__lt=this_month
    ).order_by()
    if area.prefectures is not None:
        tallied = tallied.filter(place__in=area.prefectures)
    counts = Counter[str]()
    for category, n in tallied.values_list("category").annotate(n=Sum("events")):
        counts[category] += n
    window = AdverseEvent.objects.filter(learned_on__gte=window_start(on), learned_on__lte=on)
    live = window.filter(learned_on__gte=month_start).order_by()
    serious = window.filter(category__in=SERIOUS).order_by()
    if area.prefectures is None:
        counts.update(dict(live.values_list("category").annotate(n=Count("*"))))
        return counts, list(serious.values_list("pk", flat=True))
    by_plan = list(live.values_list("plan_id", "category").annotate(n=Count("*")))
    serious_rows = list(serious.values_list("pk", "plan_id"))
    plans = {plan for plan, _c, _n in by_plan} | {plan for _pk, plan in serious_rows}
    inside = (
        set(plans_in(area).filter(pk__in=plans).order_by().values_list("pk", flat=True))
        if plans
        else set()
    )
    for plan, category, n in by_plan:
        if plan in inside:
            counts[category] += n
    return counts, [pk for pk, plan in serious_rows if plan in inside]


def plans_of(area: Area) -> set[int]:
    """The ids of plans_in(area), for a figure that reads the country's rows of a window and
    keeps the area's (see _report_sums): every submitted plan's id and institution read from
    an index that holds both (plan_oversight_filed, by a scan), placed by the institution's
    prefecture in Python. At 3x that costs less than asking for the area's plans by a join
    (every plan row of the area read) or for each plan of the window by its id."""
    assert area.prefectures is not None
    in_area = set(
        Institution.objects.filter(prefecture__in=area.prefectures).values_list("pk", flat=True)
    )
    return {
        pk
        for pk, institution in regulator_plans().order_by().values_list("pk", "institution_id")
        if institution in in_area
    }


def event_rows(
    area: Area, on: date, *, category: str = "", serious: bool = False
) -> QuerySet[AdverseEvent]:
    """The adverse events the institutions learned of in the window, newest first."""
    events = events_in(area).filter(learned_on__gte=window_start(on), learned_on__lte=on)
    if category:
        events = events.filter(category=category)
    if serious:
        events = events.filter(category__in=SERIOUS)
    return events


@dataclass
class Timeliness:
    """How fast one recipient's reports of one rule came, for the events of the window."""

    rule: str
    recipient: str
    limit_days: int
    reports: int = 0
    on_time: int = 0
    late: int = 0
    outstanding: int = 0
    median_days: float | None = None
    longest_days: int | None = None


@dataclass
class EventFigures:
    by_category: dict[str, int] = field(default_factory=dict)
    total: int = 0
    serious: int = 0
    # From the periodic reports whose period ended in the window and that were sent.
    reports: int = 0
    treatments: int = 0
    reported_by_category: dict[str, int] = field(default_factory=dict)
    per_thousand: dict[str, float] = field(default_factory=dict)
    timeliness: list[Timeliness] = field(default_factory=list)


# The law's limits for the serious rules (domain.md §1.8; saisei.law's obligation table).
LIMIT_DAYS = {"ae_death": 7, "ae_serious": 15}


def report_rows(area: Area, on: date) -> QuerySet[PeriodicReport]:
    # A periodic report exists only for a filed plan (saisei.reporting.services).
    reports = PeriodicReport.objects.filter(
        status__in=SENT_REPORTS,
        period_end__gte=window_start(on),
        period_end__lte=on,
    )
    if area.prefectures is not None:
        reports = reports.filter(plan_id__in=_plan_ids_in(area))
    return reports


def _report_sums(area: Area, on: date) -> dict[str, int]:
    """The figures of report_rows(area, on) added up: the number of reports, their treatments
    and their adverse events by category. For an area, the country's reports of the window are
    summed per plan and the area's plans kept (plans_of, read only where there are reports):
    walking the area's plans to their reports reads every plan row of the area."""

    def figure(key: str) -> Coalesce:
        return Coalesce(Sum(Cast(KT(f"figures__{key}"), IntegerField())), 0)

    sums: dict[str, Any] = {
        "reports": Count("pk"),
        "treatments": figure("cases"),
        **{f"ae_{c}": figure(f"adverse_events__{c}") for c in AECategory.values},
    }
    reports = PeriodicReport.objects.filter(
        status__in=SENT_REPORTS, period_end__gte=window_start(on), period_end__lte=on
    ).order_by()
    if area.prefectures is None:
        return reports.aggregate(**sums)
    keys = list(sums)
    per_plan = list(reports.values_list("plan_id").annotate(**sums))
    inside = plans_of(area) if per_plan else set()
    out = dict.fromkeys(keys, 0)
    for plan, *values in per_plan:
        if plan in inside:
            for key, value in zip(keys, values, strict=True):
                out[key] += value
    return out


def event_duties(event_ids: list[int] | None) -> QuerySet[Obligation]:
    """The serious events' report duties, one per recipient (ae_death / ae_serious): of the
    given events, or (None) of every event, for the caller to narrow."""
    duties = Obligation.objects.filter(subject_type=EVENT, rule__in=tuple(LIMIT_DAYS))
    if event_ids is not None:
        duties = duties.filter(subject_id__in=[str(pk) for pk in event_ids])
    return duties


REPORT_STATES = ("on_time", "late", "outstanding")


def event_duty_rows(
    area: Area, on: date, *, rule: str = "", recipient: str = "", report: str = ""
) -> QuerySet[Obligation]:
    """The report duties of the serious events of the window (not waived), each with its
    `report` state on `on`: in on time, in late, or outstanding (not in by then)."""
    return _report_duties(
        window_events(area, on)[1], on, rule=rule, recipient=recipient, report=report
    )


def _report_duties(
    event_ids: list[int], on: date, *, rule: str = "", recipient: str = "", report: str = ""
) -> QuerySet[Obligation]:
    ids = [str(pk) for pk in event_ids]
    met_by_then = Q(met_on__isnull=False, met_on__lte=on)
    duties = (
        event_duties(None)
        .filter(subject_id__in=ids)
        .exclude(status=ObligationStatus.WAIVED)
        .annotate(
            report=Case(
                When(met_by_then & Q(met_on__lte=F("due_on")), then=Value("on_time")),
                When(met_by_then, then=Value("late")),
                default=Value("outstanding"),
                output_field=CharField(),
            )
        )
    )
    if rule:
        duties = duties.filter(rule=rule)
    if recipient:
        duties = duties.filter(recipient=recipient)
    if report:
        duties = duties.filter(report=report)
    return duties


def event_figures(area: Area, on: date) -> EventFigures:
    out = EventFigures()
    counts, serious = window_events(area, on)
    out.by_category = {c: counts.get(c, 0) for c in AECategory.values}
    out.total = sum(counts.values())
    out.serious = sum(counts.get(c, 0) for c in SERIOUS)

    sums = _report_sums(area, on)
    out.reports = sums["reports"]
    out.treatments = sums["treatments"]
    out.reported_by_category = {c: sums[f"ae_{c}"] for c in AECategory.values}
    if out.treatments:
        out.per_thousand = {
            c: round(n * 1000 / out.treatments, 2) for c, n in out.reported_by_category.items()
        }

    found: dict[tuple[str, str], list[tuple[date, date, date | None, str]]] = defaultdict(list)
    for rule, recipient, starts_on, due_on, met_on, status in (
        _report_duties(serious, on)
        .order_by()
        .values_list("rule", "recipient", "starts_on", "due_on", "met_on", "status")
    ):
        found[rule, recipient].append((starts_on, due_on, met_on, status))
    for (rule, recipient), duties in sorted(found.items()):
        t = Timeliness(rule=rule, recipient=recipient, limit_days=LIMIT_DAYS[rule])
        days: list[int] = []
        for starts_on, due_on, met_on, status in duties:
            if status == ObligationStatus.WAIVED:
                continue
            t.reports += 1
            if met_on is not None and met_on <= on:
                days.append((met_on - starts_on).days)
                if met_on <= due_on:
                    t.on_time += 1
                else:
                    t.late += 1
            else:
                t.outstanding += 1
        if days:
            t.median_days = statistics.median(days)
            t.longest_days = max(days)
        out.timeliness.append(t)
    return out


def rule_of(category: str) -> str:
    return CATEGORY_RULE.get(category, "")


# -- What the country depends on ------------------------------------------------------------


def top_committees(area: Area, plans: PlanFigures | None = None) -> list[dict[str, Any]]:
    """The TOP committees by the plans in force or suspended they review (from the register's
    counts, if the caller has them)."""
    counts = (plans or plan_figures(area)).dependent_by_committee
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    names = {
        c.pk: c
        for c in Committee.objects.filter(pk__in=[k for k, _n in top]).only("name", "name_en")
    }
    return [
        {
            "committee_id": pk,
            "committee__name": names[pk].name,
            "committee__name_en": names[pk].name_en,
            "n": n,
        }
        for pk, n in top
    ]


def top_facilities(area: Area) -> list[dict[str, Any]]:
    """The TOP facilities by the plans in force or suspended that name them, with the number of
    institutions those plans belong to: from the facility tally (one row per facility and
    institution, kept by triggers: saisei.oversight.tally), not from every link and its plan."""
    rows = FacilityTally.objects.filter(plans__gt=0)
    if area.prefectures is not None:
        rows = rows.filter(place__in=area.prefectures)
    top = list(
        rows.order_by()
        .values_list("facility_id")
        .annotate(n=Sum("plans"), institutions=Count("*"))
        .order_by("-n", "facility_id")[:TOP]
    )
    if not top:
        return []
    names = {
        f.pk: f
        for f in ProcessingFacility.objects.filter(pk__in=[f for f, _n, _i in top]).only(
            "name", "name_en", "kind"
        )
    }
    return [
        {
            "facility_id": facility_id,
            "facility__name": names[facility_id].name,
            "facility__name_en": names[facility_id].name_en,
            "facility__kind": names[facility_id].kind,
            "n": n,
            "institutions": institutions,
        }
        for facility_id, n, institutions in top
    ]


# -- Orders ---------------------------------------------------------------------------------


def orders_in_force(area: Area, on: date) -> QuerySet[Order]:
    orders = Order.objects.filter(issued_on__lte=on).filter(
        Q(lifted_on__isnull=True) | Q(lifted_on__gt=on)
    )
    if area.prefectures is not None:
        p = area.prefectures
        orders = orders.filter(
            Q(target_plan__institution__prefecture__in=p)
            | Q(target_institution__prefecture__in=p)
            | Q(target_facility__prefecture__in=p)
        )
    return orders.select_related("target_plan", "target_institution", "target_facility").annotate(
        reach=Count("effects")
    )


# -- The whole page -------------------------------------------------------------------------


@dataclass
class Dashboard:
    on: date
    area: Area
    start: date
    plans: PlanFigures
    filings: list[tuple[date, dict[str, int]]]
    duties: DutyFigures
    events: EventFigures
    committees: list[dict[str, Any]]
    facilities: list[dict[str, Any]]
    orders: list[Order]


def dashboard(area: Area, on: date) -> Dashboard:
    plans = plan_figures(area)
    return Dashboard(
        on=on,
        area=area,
        start=window_start(on),
        plans=plans,
        filings=filings_per_month(area, on),
        duties=duty_figures(area, on),
        events=event_figures(area, on),
        committees=top_committees(area, plans),
        facilities=top_facilities(area),
        orders=list(orders_in_force(area, on)),
    )


def event_details(events: list[AdverseEvent], on: date) -> dict[int, dict[str, Any]]:
    """For the serious-event monitor's page of events: each recipient's report duty and its
    state on `on`, and each facility that processed the plan's cells with the number of other
    plans in force or suspended that depend on it."""
    details: dict[int, dict[str, Any]] = {e.pk: {"duties": [], "facilities": []} for e in events}
    if not events:
        return details
    for duty in (
        event_duties([e.pk for e in events])
        .annotate(state=duty_state(on))
        .order_by("subject_id", "recipient")
        .only("pk", "rule", "recipient", "due_on", "met_on", "status", "subject_id")
    ):
        details[int(duty.subject_id)]["duties"].append(duty)
    plan_ids = {e.plan_id for e in events}
    links = list(
        PlanFacility.objects.filter(plan_id__in=plan_ids, is_current=True)
        .select_related("facility")
        .only("plan_id", "facility__id", "facility__name", "facility__name_en", "facility__number")
    )
    facility_ids = {link.facility_id for link in links}
    dependent = dict(
        PlanFacility.objects.filter(
            facility_id__in=facility_ids,
            is_current=True,
            plan__status__in=DEPENDENT_STATUSES,
        )
        .order_by()
        .values_list("facility_id")
        .annotate(n=Count("plan_id", distinct=True))
    )
    by_plan: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for link in links:
        by_plan[link.plan_id].append(
            {"facility": link.facility, "plans": dependent.get(link.facility_id, 0)}
        )
    for event in events:
        details[event.pk]["facilities"] = by_plan.get(event.plan_id, [])
    return details


# -- Committees and facilities --------------------------------------------------------------


@dataclass
class CommitteeRow:
    committee: Committee
    reviews: int = 0
    decided: int = 0
    approved: int = 0
    median_days_to_opinion: float | None = None
    meetings: int = 0
    quorum_failures: int = 0
    conflicts: int = 0
    dependent_plans: int = 0
    # Institutions run by the committee's founder whose plans it reviewed (the keys of
    # saisei.registry.names): a review of the founder's own institutions.
    founder_institutions: list[Institution] = field(default_factory=list)

    @property
    def approval_rate(self) -> float | None:
        return round(self.approved * 100 / self.decided, 1) if self.decided else None


def committee_rows(area: Area) -> list[CommitteeRow]:
    """Every certified committee with its record as a reviewer: reviews submitted and decided,
    the share approved (with or without conditions), the median days from submission to the
    opinion, meetings held and those that were not quorate, members' conflicts of interest
    recorded at its meetings, the plans in force that depend on it, and whether its founder
    runs institutions whose plans it reviewed. For an area: the committees that reviewed a
    plan of the area's institutions (a committee has no prefecture of its own), with every
    figure counted over the area's plans."""
    from saisei.plans.models import Decision, Meeting, MeetingAttendance, Review
    from saisei.registry.names import founder_key

    plans = plans_in(area) if area.prefectures is not None else None
    reviews = Review.objects.all()
    meetings = Meeting.objects.all()
    attendance = MeetingAttendance.objects.filter(conflicted=True)
    if plans is not None:
        reviews = reviews.filter(plan_id__in=plans.values("pk"))
        meetings = meetings.filter(review__plan_id__in=plans.values("pk"))
        attendance = attendance.filter(meeting__review__plan_id__in=plans.values("pk"))
    approving = (Decision.APPROVE, Decision.APPROVE_WITH_CONDITIONS)
    counts = {
        committee_id: (n, decided, approved)
        for committee_id, n, decided, approved in reviews.order_by()
        .values_list("committee_id")
        .annotate(
            n=Count("pk"),
            decided=Count("pk", filter=Q(decided_at__isnull=False)),
            approved=Count("pk", filter=Q(decision__in=approving)),
        )
    }
    days: dict[int, list[float]] = defaultdict(list)
    for committee_id, submitted, decided_at in reviews.filter(decided_at__isnull=False).values_list(
        "committee_id", "submitted_at", "decided_at"
    ):
        if decided_at is not None:
            days[committee_id].append((decided_at - submitted).total_seconds() / 86400)
    held = {
        committee_id: (n, failed)
        for committee_id, n, failed in meetings.order_by()
        .values_list("committee_id")
        .annotate(n=Count("pk"), failed=Count("pk", filter=Q(quorate=False)))
    }
    conflicts = dict(
        attendance.order_by().values_list("meeting__committee_id").annotate(n=Count("pk"))
    )
    dependent = plan_figures(area).dependent_by_committee
    ids = set(counts) | set(held) | set(dependent)
    committees = Committee.objects.order_by("name", "pk")
    if plans is not None:
        committees = committees.filter(pk__in=ids)
    keyed: dict[str, list[int]] = defaultdict(list)
    rows: dict[int, CommitteeRow] = {}
    for committee in committees:
        n, decided, approved = counts.get(committee.pk, (0, 0, 0))
        meetings_held, failed = held.get(committee.pk, (0, 0))
        spent = days.get(committee.pk)
        rows[committee.pk] = CommitteeRow(
            committee=committee,
            reviews=n,
            decided=decided,
            approved=approved,
            median_days_to_opinion=round(statistics.median(spent), 1) if spent else None,
            meetings=meetings_held,
            quorum_failures=failed,
            conflicts=conflicts.get(committee.pk, 0),
            dependent_plans=dependent.get(committee.pk, 0),
        )
        key = founder_key(committee.founder_name)
        if key:
            keyed[key].append(committee.pk)
    if keyed:
        for plan_committee, institution in (
            (p.committee_id, p.institution)
            for p in Plan.objects.filter(
                committee_id__in=[pk for pks in keyed.values() for pk in pks],
                institution__corporation_key__in=list(keyed),
            )
            .select_related("institution")
            .order_by("institution__name", "institution_id")
        ):
            row = rows.get(plan_committee) if plan_committee is not None else None
            if row is None or institution.corporation_key not in keyed:
                continue
            if plan_committee not in keyed[institution.corporation_key]:
                continue
            if institution not in row.founder_institutions:
                row.founder_institutions.append(institution)
    return list(rows.values())


@dataclass
class FacilityRow:
    facility: ProcessingFacility
    plans: int = 0
    institutions: int = 0
    orders_in_force: int = 0
    reports_due: int = 0
    reports_late: int = 0
    reports_overdue: int = 0


def facility_rows(area: Area, on: date) -> list[FacilityRow]:
    """Every processing facility of the area (by its own prefecture; a foreign facility is the
    nation's only) that a plan names, or that is licensed, notified or accredited there: the
    plans in force or suspended that depend on it and their institutions, the orders against
    it in force on `on`, and its yearly manufacturing reports (cpc_periodic_report, Act Art 46)
    due by `on`: met late, or overdue on `on`."""
    facilities = ProcessingFacility.objects.all()
    if area.prefectures is not None:
        facilities = facilities.filter(prefecture__in=area.prefectures)
    dependent = PlanFacility.objects.filter(
        is_current=True,
        plan__first_submitted_at__isnull=False,
        plan__status__in=DEPENDENT_STATUSES,
    )
    per_facility = {
        facility_id: (n, institutions)
        for facility_id, n, institutions in dependent.order_by()
        .values_list("facility_id")
        .annotate(
            n=Count("plan_id", distinct=True),
            institutions=Count("plan__institution_id", distinct=True),
        )
    }
    orders = dict(
        orders_in_force(NATION_AREA, on)
        .filter(target_facility__isnull=False)
        .order_by()
        .values_list("target_facility_id")
        .annotate(n=Count("pk", distinct=True))
    )
    reports: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for subject_id, state in (
        Obligation.objects.filter(rule="cpc_periodic_report", subject_type=FACILITY, due_on__lt=on)
        .annotate(state=duty_state(on))
        .values_list("subject_id", "state")
    ):
        if not subject_id.isdigit():
            continue
        counts = reports[int(subject_id)]
        counts[0] += 1
        if state == "late":
            counts[1] += 1
        elif state == "overdue":
            counts[2] += 1
    rows = []
    for facility in facilities.order_by("number", "pk"):
        n, institutions = per_facility.get(facility.pk, (0, 0))
        due, late, overdue = reports.get(facility.pk, [0, 0, 0])
        rows.append(
            FacilityRow(
                facility=facility,
                plans=n,
                institutions=institutions,
                orders_in_force=orders.get(facility.pk, 0),
                reports_due=due,
                reports_late=late,
                reports_overdue=overdue,
            )
        )
    rows.sort(key=lambda r: (-r.plans, r.facility.number))
    return rows
