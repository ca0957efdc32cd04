"""The regulator's national view: the dashboard and the lists behind its numbers."""

from __future__ import annotations

import calendar
import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from saisei.accounts.auth import page_actor
from saisei.accounts.permissions import can
from saisei.core.keyset import keyset_page
from saisei.core.text import csv_cell
from saisei.core.time import legal_today
from saisei.obligations.labels import RECIPIENT_LABELS, RULE_LABELS
from saisei.oversight import charts, figures
from saisei.oversight.areas import NATION, Area, area_choices, parse_area, prefecture_label
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import RiskClass, Therapy
from saisei.registry.regions import BUREAUS_BY_CODE
from saisei.reporting.models import AECategory

PERMISSION = "oversight.view"
PAGE_SIZE = 50
# The first day the RM Act was in force: no figure exists before it.
ACT_IN_FORCE = date(2014, 11, 25)

STATE_LABELS = {
    "on_time": gettext_lazy("Met on time"),
    "late": gettext_lazy("Met late"),
    "overdue": gettext_lazy("Overdue"),
}

# A report duty's state on the day, as the serious-event monitor words it.
REPORT_STATES = {
    "on_time": gettext_lazy("in on time"),
    "late": gettext_lazy("in late"),
    "overdue": gettext_lazy("overdue"),
    "ahead": gettext_lazy("not yet due"),
    "waived": gettext_lazy("waived"),
}

# The serious rules as the timeliness chart names them.
TIMELINESS_RULES = {
    "ae_death": gettext_lazy("Death or possible death (7 days)"),
    "ae_serious": gettext_lazy("Serious case (15 days)"),
}


class BadQuery(ValueError):
    """A query parameter the page cannot take; its message is shown to the user."""


def _refused(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "refused.html",
        {"message": _("Only a regulator (the Ministry or a Regional Bureau) may open this page.")},
        status=403,
    )


def _day(request: HttpRequest) -> date:
    """The chosen day (`on`, YYYY-MM-DD): today in Japan if none; between the Act's entry into
    force and today."""
    today = legal_today()
    value = (request.GET.get("on") or "").strip()
    if not value:
        return today
    try:
        day = date.fromisoformat(value[:10]) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise BadQuery(_("The day must be a date written YYYY-MM-DD."))
    if day > today:
        raise BadQuery(_("The day may not be after today: the figures are of what is recorded."))
    if day < ACT_IN_FORCE:
        raise BadQuery(_("The day may not be before 2014-11-25, when the Act came into force."))
    return day


def _choice(request: HttpRequest, name: str, allowed: Iterable[str]) -> str:
    value = request.GET.get(name, "")
    if value and value not in set(allowed):
        raise BadQuery(_("That filter is not one the page offers: %(name)s.") % {"name": name})
    return value


def _number(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 12:
        raise BadQuery(_("That filter is not one the page offers: %(name)s.") % {"name": name})
    return int(value)


class Links:
    """URLs of the lists behind the dashboard's numbers, keeping its area and day."""

    def __init__(self, area: Area, on: date, today: date) -> None:
        self.base = {} if area.kind == "nation" else {"area": area.param}
        if on != today:
            self.base["on"] = on.isoformat()
        self.plans_url = reverse("oversight:plans")
        self.duties_url = reverse("oversight:duties")
        self.events_url = reverse("oversight:events")

    def _url(self, path: str, params: dict[str, Any]) -> str:
        query = {**self.base, **{k: v for k, v in params.items() if v not in ("", None)}}
        return f"{path}?{urlencode(query)}" if query else path

    def plans(self, **params: Any) -> str:
        # The register's figures are not dated (saisei.oversight.figures): no `on`.
        base = {k: v for k, v in self.base.items() if k != "on"}
        query = {**base, **{k: v for k, v in params.items() if v not in ("", None)}}
        return f"{self.plans_url}?{urlencode(query)}" if query else self.plans_url

    def dashboard(self) -> str:
        path = reverse("oversight:dashboard")
        return f"{path}?{urlencode(self.base)}" if self.base else path

    def duties(self, **params: Any) -> str:
        return self._url(self.duties_url, params)

    def events(self, **params: Any) -> str:
        return self._url(self.events_url, params)


def _status_groups() -> list[tuple[str, str]]:
    return [
        ("before_filing", _("Before filing")),
        ("in_force", _("In force")),
        ("suspended", _("Suspended by order")),
        ("discontinued", _("Discontinued")),
        ("closed", _("Closed")),
    ]


def _place_label(code: str, per_bureau: bool) -> str:
    if not code:
        return _("No prefecture (a committee's renewal)")
    if per_bureau:
        bureau = BUREAUS_BY_CODE[code]
        # The chart's label: the bureau's own short name (関東信越厚生局, Kanto-Shinetsu).
        return bureau.name if _japanese() else bureau.name_en.split(" Regional Bureau")[0]
    return prefecture_label(code)


def _charts(board: figures.Dashboard, links: Links) -> dict[str, charts.Chart]:
    plans = board.plans
    groups = _status_groups()
    by_group: dict[str, dict[str, int]] = {}
    for risk_class in RiskClass.values:
        statuses = plans.by_class_status.get(risk_class, {})
        by_group[risk_class] = {
            key: sum(statuses.get(s, 0) for s in figures.STATUS_GROUPS[key]) for key, _l in groups
        }
    out: dict[str, charts.Chart] = {}
    out["plans_by_class"] = charts.bar_chart(
        id="chart-plans-class",
        title=_("Plans by class and status"),
        description=_(
            "Plans submitted to a committee or further, by risk class, each bar divided by "
            "status: %(total)s plans."
        )
        % {"total": plans.total},
        series=groups,
        rows=[
            (
                _("Class %(c)s") % {"c": c},
                by_group[c],
                {key: links.plans(risk_class=c, group=key) for key, _l in groups},
            )
            for c in RiskClass.values
        ],
    )
    out["plans_by_therapy"] = charts.bar_chart(
        id="chart-plans-therapy",
        title=_("Plans by therapy"),
        description=_("Plans submitted to a committee or further, by kind of therapy."),
        series=[("n", _("Plans"))],
        rows=[
            (str(label), {"n": plans.by_therapy.get(value, 0)}, {"n": links.plans(therapy=value)})
            for value, label in sorted(
                Therapy.choices, key=lambda c: -plans.by_therapy.get(c[0], 0)
            )
            if plans.by_therapy.get(value, 0)
        ],
    )
    class_series = [(c, _("Class %(c)s") % {"c": c}) for c in RiskClass.values]
    out["filings"] = charts.column_chart(
        id="chart-filings",
        title=_("New filings per month"),
        description=_("Plans filed with the authority in each of the twelve months to %(day)s.")
        % {"day": board.on.isoformat()},
        series=class_series,
        columns=[
            (
                month.strftime("%Y-%m"),
                counts,
                {
                    c: links.plans(
                        risk_class=c,
                        filed_from=month.isoformat(),
                        filed_to=min(_month_end(month), board.on).isoformat(),
                    )
                    for c in RiskClass.values
                },
            )
            for month, counts in board.filings
        ],
        # Each month by its number, the year written at the first and at January.
        short_labels=[
            m.strftime("%Y-%m") if i == 0 or m.month == 1 else m.strftime("%m")
            for i, (m, _c) in enumerate(board.filings)
        ],
    )
    state_series = [(k, str(v)) for k, v in STATE_LABELS.items()]
    out["duties_by_rule"] = charts.bar_chart(
        id="chart-duties-rule",
        title=_("Duties by kind: met on time, met late, overdue"),
        description=_(
            "Duties due from %(start)s to %(day)s met on time or late by %(day)s, and every "
            "duty overdue on %(day)s whatever its due date."
        )
        % {"start": board.start.isoformat(), "day": board.on.isoformat()},
        series=state_series,
        rows=[
            (
                str(RULE_LABELS.get(rule, rule)),
                states,
                {state: links.duties(rule=rule, state=state) for state in figures.DUTY_STATES},
            )
            for rule, states in board.duties.by_rule.items()
        ],
    )
    per_bureau = board.area.kind == "nation"
    if board.area.kind != "prefecture":
        prefix = "bureau" if per_bureau else "pref"
        out["duties_by_place"] = charts.bar_chart(
            id="chart-duties-place",
            title=_("Duties by Regional Bureau") if per_bureau else _("Duties by prefecture"),
            description=_("The same duties, by where the institution or facility is."),
            series=state_series,
            rows=[
                (
                    _place_label(code, per_bureau),
                    states,
                    {
                        state: links.duties(
                            place=f"{prefix}:{code}" if code else "none", state=state
                        )
                        for state in figures.DUTY_STATES
                    },
                )
                for code, states in sorted(
                    board.duties.by_place.items(), key=lambda kv: kv[0] or "~"
                )
            ],
        )
    events = board.events
    out["events"] = charts.bar_chart(
        id="chart-events",
        title=_("Adverse events by seriousness"),
        description=_("Adverse events the institutions learned of from %(start)s to %(day)s.")
        % {"start": board.start.isoformat(), "day": board.on.isoformat()},
        series=[("n", _("Events"))],
        rows=[
            (
                str(label),
                {"n": events.by_category.get(value, 0)},
                {"n": links.events(category=value)},
            )
            for value, label in AECategory.choices
        ],
    )
    timeliness_series = [
        ("on_time", _("Reported on time")),
        ("late", _("Reported late")),
        ("outstanding", _("Not reported yet")),
    ]
    out["timeliness"] = charts.bar_chart(
        id="chart-timeliness",
        title=_("Serious adverse events: reports on time, late, not yet"),
        description=_(
            "Each report owed for the serious events of the window, by rule and recipient, as "
            "on %(day)s."
        )
        % {"day": board.on.isoformat()},
        series=timeliness_series,
        rows=[
            (
                _("%(rule)s to the %(recipient)s")
                % {
                    "rule": TIMELINESS_RULES.get(t.rule, t.rule),
                    "recipient": RECIPIENT_LABELS.get(t.recipient, t.recipient),
                },
                {"on_time": t.on_time, "late": t.late, "outstanding": t.outstanding},
                {
                    k: links.duties(report=k, rule=t.rule, recipient=t.recipient)
                    for k, _l in timeliness_series
                },
            )
            for t in events.timeliness
        ],
    )
    out["committees"] = charts.bar_chart(
        id="chart-committees",
        title=_("Committees with the most dependent plans"),
        description=_("Plans in force or suspended whose certified committee this is."),
        series=[("n", _("Plans"))],
        rows=[
            (
                _localised(row["committee__name"], row["committee__name_en"]),
                {"n": row["n"]},
                {"n": links.plans(committee=row["committee_id"], dependent="1")},
            )
            for row in board.committees
        ],
    )
    out["facilities"] = charts.bar_chart(
        id="chart-facilities",
        title=_("Processing facilities with the most dependent plans"),
        description=_("Plans in force or suspended that name this facility."),
        series=[("n", _("Plans"))],
        rows=[
            (
                _localised(row["facility__name"], row["facility__name_en"]),
                {"n": row["n"]},
                {"n": links.plans(facility=row["facility_id"], dependent="1")},
            )
            for row in board.facilities
        ],
    )
    return out


def _japanese() -> bool:
    return (get_language() or "").startswith("ja")


def _localised(name: str, name_en: str) -> str:
    # A chart's label is SVG text: plain, without the `lang` span and "(in Japanese)" mark the
    # pages' `localised` filter (saisei.core.templatetags.language) adds to a fallback.
    return name if _japanese() or not name_en else name_en


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request)
    if not can(actor, PERMISSION):
        return _refused(request)
    today = legal_today()
    error = ""
    area = parse_area(request.GET.get("area"))
    try:
        on = _day(request)
    except BadQuery as exc:
        error, on = str(exc), today
    board = figures.dashboard(area, on)
    links = Links(area, on, today)
    return render(
        request,
        "oversight/dashboard.html",
        {
            "board": board,
            "charts": _charts(board, links),
            "links": links,
            "area_choices": area_choices(),
            "today": today,
            "error": error,
            "state_labels": STATE_LABELS,
            "rule_labels": RULE_LABELS,
            "recipient_labels": RECIPIENT_LABELS,
            "categories": AECategory.choices,
        },
        status=400 if error else 200,
    )


# -- The lists behind the numbers -----------------------------------------------------------


def _csv_response(name: str, header: list[str], rows: Iterator[list[Any]]) -> StreamingHttpResponse:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # lets spreadsheet programs read UTF-8 Japanese text
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([csv_cell(v) if isinstance(v, str) else v for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _keyset(request: HttpRequest, rows: Any) -> dict[str, Any]:
    """A queryset's page by key (the drill-down lists, as deep as the country's rows go)."""
    page = keyset_page(rows, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE)
    return {"page": page, "items": page.items}


def _rows_page(
    request: HttpRequest,
    *,
    template: str,
    parse: Callable[[HttpRequest, Area, date], tuple[Any, dict[str, Any]]],
    csv_name: str,
    csv_header: list[str],
    csv_row: Callable[[Any], list[Any]],
    paged: Callable[[HttpRequest, Any], dict[str, Any]] = _keyset,
    enrich: Callable[[dict[str, Any], date], dict[str, Any]] | None = None,
) -> HttpResponse | StreamingHttpResponse:
    """A list of the national view's rows (a queryset, or a list worked out whole): refused to
    anyone but a regulator, 400 with its message for a bad query, all its rows as CSV with
    `format=csv`, else a page of them (`paged`) with what `enrich` adds to that page."""
    actor = page_actor(request)
    if not can(actor, PERMISSION):
        return _refused(request)
    today = legal_today()
    area = parse_area(request.GET.get("area"))
    try:
        on = _day(request)
        rows, context = parse(request, area, on)
    except BadQuery as exc:
        return render(
            request,
            "oversight/bad_query.html",
            {"message": str(exc), "back": reverse("oversight:dashboard")},
            status=400,
        )
    if request.GET.get("format") == "csv":
        every = rows.iterator(2000) if isinstance(rows, QuerySet) else rows
        return _csv_response(csv_name, csv_header, (csv_row(r) for r in every))
    shown = paged(request, rows)
    query = request.GET.copy()
    for key in ("cursor", "page", "format"):
        query.pop(key, None)
    return render(
        request,
        template,
        {
            **context,
            **shown,
            **(enrich(shown, on) if enrich else {}),
            "area": area,
            "on": on,
            "today": today,
            "query": query.urlencode(),
            "csv_query": urlencode([*query.lists(), ("format", "csv")], doseq=True),
            "dashboard": Links(area, on, today).dashboard(),
        },
    )


def _plan_query(request: HttpRequest, area: Area, on: date) -> tuple[Any, dict[str, Any]]:
    group = _choice(request, "group", figures.STATUS_GROUPS)
    status = _choice(request, "status", PlanStatus.values)
    filed_from = _iso_param(request, "filed_from")
    filed_to = _iso_param(request, "filed_to")
    rows = figures.plan_rows(
        area,
        risk_class=_choice(request, "risk_class", RiskClass.values),
        status=status,
        group=group,
        therapy=_choice(request, "therapy", Therapy.values),
        committee=_number(request, "committee"),
        facility=_number(request, "facility"),
        filed_from=filed_from,
        filed_to=filed_to,
        dependent=request.GET.get("dependent") == "1",
    )
    rows = rows.select_related("institution", "committee").order_by("-id")
    return rows, {"what": _("Plans")}


def _iso_param(request: HttpRequest, name: str) -> date | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else _bad(name)
    except ValueError:
        return _bad(name)


def _bad(name: str) -> date:
    raise BadQuery(_("That filter is not one the page offers: %(name)s.") % {"name": name})


@login_required
def plan_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return _rows_page(
        request,
        template="oversight/plans.html",
        parse=_plan_query,
        csv_name="saisei-plans.csv",
        csv_header=[
            "id",
            "plan_number",
            "title",
            "risk_class",
            "therapy",
            "status",
            "filed_on",
            "institution",
            "prefecture",
            "committee",
        ],
        csv_row=lambda p: [
            p.pk,
            p.plan_number,
            p.title,
            p.risk_class,
            p.therapy,
            p.status,
            p.filed_on.isoformat() if p.filed_on else "",
            p.institution.name,
            p.institution.prefecture,
            p.committee.name if p.committee_id else "",
        ],
    )


def _duty_query(request: HttpRequest, area: Area, on: date) -> tuple[Any, dict[str, Any]]:
    if request.GET.get("report"):
        # The report duties of the serious events of the window (the timeliness chart's rows).
        rows = figures.event_duty_rows(
            area,
            on,
            rule=_choice(request, "rule", figures.LIMIT_DAYS),
            recipient=_choice(request, "recipient", RECIPIENT_LABELS),
            report=_choice(request, "report", figures.REPORT_STATES),
        ).select_related("organisation__institution")
        return rows.order_by("due_on", "id"), {"what": _("Duties"), "state_labels": STATE_LABELS}
    place = request.GET.get("place", "")
    if place and place != "none" and parse_area(place) is NATION:
        raise BadQuery(_("That filter is not one the page offers: %(name)s.") % {"name": "place"})
    rows = figures.duty_rows(
        area,
        on,
        state=_choice(request, "state", figures.DUTY_STATES),
        rule=_choice(request, "rule", RULE_LABELS),
        place=place,
    ).select_related("organisation__institution")
    rows = rows.order_by("due_on", "id")
    return rows, {"what": _("Duties"), "state_labels": STATE_LABELS}


@login_required
def duty_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return _rows_page(
        request,
        template="oversight/duties.html",
        parse=_duty_query,
        csv_name="saisei-duties.csv",
        csv_header=[
            "id",
            "rule",
            "concerning",
            "owed_by",
            "recipient",
            "due_on",
            "met_on",
            "state",
        ],
        csv_row=lambda o: [
            o.pk,
            o.rule,
            o.subject_label,
            o.organisation.name if o.organisation_id else "",
            o.recipient,
            o.due_on.isoformat(),
            o.met_on.isoformat() if o.met_on else "",
            o.state,
        ],
    )


def _event_query(request: HttpRequest, area: Area, on: date) -> tuple[Any, dict[str, Any]]:
    rows = figures.event_rows(
        area,
        on,
        category=_choice(request, "category", AECategory.values),
        serious=request.GET.get("serious") == "1",
    )
    rows = rows.select_related("plan", "plan__institution").order_by("-learned_on", "-id")
    return rows, {"what": _("Adverse events")}


@login_required
def event_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return _rows_page(
        request,
        template="oversight/events.html",
        parse=_event_query,
        csv_name="saisei-adverse-events.csv",
        csv_header=[
            "id",
            "learned_on",
            "category",
            "plan_id",
            "plan_number",
            "risk_class",
            "therapy",
            "institution",
            "prefecture",
        ],
        csv_row=lambda e: [
            e.pk,
            e.learned_on.isoformat(),
            e.category,
            e.plan_id,
            e.plan.plan_number,
            e.plan.risk_class,
            e.plan.therapy,
            e.plan.institution.name,
            e.plan.institution.prefecture,
        ],
        enrich=lambda shown, on: {
            "details": figures.event_details(shown["items"], on),
            "report_states": REPORT_STATES,
        },
    )


ROWS_PER_PAGE = 100


def _offset(request: HttpRequest, rows: list[Any]) -> dict[str, Any]:
    """A page of ROWS_PER_PAGE of a list worked out whole (1-based `page`), and the count."""
    value = request.GET.get("page", "1")
    page = int(value) if value.isdigit() and len(value) < 7 else 1
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    page = min(max(page, 1), pages)
    return {
        "rows": rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE],
        "count": len(rows),
        "page_number": page,
        "pages": pages,
    }


def _records(rows_of: Callable[[Area, date], list[Any]]) -> Any:
    """A whole-list figure as a list page's rows, with the area menu its page carries."""

    def parse(_request: HttpRequest, area: Area, on: date) -> tuple[Any, dict[str, Any]]:
        return rows_of(area, on), {"area_choices": area_choices()}

    return parse


@login_required
def committee_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return _rows_page(
        request,
        template="oversight/committees.html",
        parse=_records(lambda area, _on: figures.committee_rows(area)),
        paged=_offset,
        csv_name="saisei-committees.csv",
        csv_header=[
            "id",
            "number",
            "name",
            "reviews",
            "decided",
            "approved",
            "approval_rate_percent",
            "median_days_to_opinion",
            "meetings",
            "quorum_failures",
            "conflicts_recorded",
            "dependent_plans",
            "founder_institutions_reviewed",
        ],
        csv_row=lambda r: [
            r.committee.pk,
            r.committee.certification_number,
            r.committee.name,
            r.reviews,
            r.decided,
            r.approved,
            "" if r.approval_rate is None else r.approval_rate,
            "" if r.median_days_to_opinion is None else r.median_days_to_opinion,
            r.meetings,
            r.quorum_failures,
            r.conflicts,
            r.dependent_plans,
            "; ".join(i.name for i in r.founder_institutions),
        ],
    )


@login_required
def facility_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return _rows_page(
        request,
        template="oversight/facilities.html",
        parse=_records(figures.facility_rows),
        paged=_offset,
        csv_name="saisei-facilities.csv",
        csv_header=[
            "id",
            "number",
            "name",
            "kind",
            "prefecture",
            "dependent_plans",
            "institutions",
            "orders_in_force",
            "yearly_reports_due",
            "yearly_reports_late",
            "yearly_reports_overdue",
        ],
        csv_row=lambda r: [
            r.facility.pk,
            r.facility.number,
            r.facility.name,
            r.facility.kind,
            r.facility.prefecture,
            r.plans,
            r.institutions,
            r.orders_in_force,
            r.reports_due,
            r.reports_late,
            r.reports_overdue,
        ],
    )
