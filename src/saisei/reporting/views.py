"""Pages for reporting: a plan's reporting hub, periodic reports, the committee's queue.

One URL per page; a POST names its `action`, the form parses it, one service decides, and a
refusal is shown on the form with nothing saved (the service's transaction rolled back).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saisei.accounts.auth import page_actor
from saisei.accounts.models import User
from saisei.accounts.permissions import can, ensure_can
from saisei.api import idempotency
from saisei.core.errors import NotFound
from saisei.core.forms import apply
from saisei.core.text import csv_cell
from saisei.core.time import legal_today
from saisei.law import period_bounds
from saisei.obligations.labels import RECIPIENT_LABELS, RULE_LABELS
from saisei.obligations.selectors import effective_status
from saisei.plans.models import Plan
from saisei.registry.models import ProcessingFacility
from saisei.reporting import forms as f
from saisei.reporting import selectors, services
from saisei.reporting.figures import STATISTICS, shown, shown_share
from saisei.reporting.models import AEOutcome
from saisei.reporting.visibility import may_see_patient_fields


def _found(select: Callable[..., Any], *args: Any) -> Any:
    """One object through a selector scoped to the user: what they may not see is the same
    404 page as a missing id."""
    try:
        return select(*args)
    except NotFound:
        raise Http404 from None


def _hub_forms(
    actor: User,
    plan: Plan,
    data: dict[str, Any] | None = None,
    files: Any = None,
    action: str = "",
) -> dict[str, forms.Form]:
    facilities = [
        pf.facility
        for pf in plan.plan_facilities.filter(is_current=True).select_related("facility")
    ]
    # The outcome form names each treatment by its patient code: only for those who may see it.
    treatments = selectors.treatment_choices_for(actor, plan)
    criteria = list(plan.criteria.filter(is_current=True).order_by("position"))

    def bound(name: str) -> tuple[Any, Any]:
        return (data, files) if action == name else (None, None)

    return {
        "treatment": f.TreatmentForm(*bound("treatment"), facilities=facilities, prefix="t"),
        "outcome": f.OutcomeForm(
            *bound("outcome"), treatments=treatments, criteria=criteria, prefix="o"
        ),
        "treatments_csv": f.CsvForm(*bound("treatments_csv"), prefix="tc"),
        "outcomes_csv": f.CsvForm(*bound("outcomes_csv"), prefix="oc"),
        "adverse_event": f.AdverseEventForm(*bound("adverse_event"), prefix="ae"),
        "cycle_report": f.CycleReportForm(*bound("cycle_report"), prefix="cr"),
        "generate": f.GenerateForm(*bound("generate"), prefix="g"),
    }


def _act(request: HttpRequest, plan: Plan, action: str, form: forms.Form) -> Any:
    actor = page_actor(request)
    c = form.cleaned_data
    if action == "treatment":
        facility = ProcessingFacility.objects.get(pk=c["facility"])
        return services.treatment_record(
            plan=plan,
            patient_code=c["patient_code"],
            treated_on=c["treated_on"],
            facility=facility,
            lot=c["lot"],
            actor=actor,
        )
    if action == "outcome":
        treatment = selectors.treatment_get_for(actor, plan, c["treatment"])
        criterion = selectors.criterion_get_for(plan, c["criterion"])
        return services.outcome_record(
            treatment=treatment,
            criterion=criterion,
            measured_on=c["measured_on"],
            value=c["value"],
            note=c["note"],
            actor=actor,
        )
    if action == "treatments_csv":
        # Checked with no transaction open; the form's key is claimed just before the write.
        batch = services.treatments_import_check(plan=plan, source=c["csv"], actor=actor)
        idempotency.claim(request)
        return services.treatments_import_write(batch=batch)
    if action == "outcomes_csv":
        outcomes = services.outcomes_import_check(plan=plan, source=c["csv"], actor=actor)
        idempotency.claim(request)
        return services.outcomes_import_write(batch=outcomes)
    if action == "adverse_event":
        return services.adverse_event_record(
            plan=plan,
            patient_code=c["patient_code"],
            learned_on=c["learned_on"],
            onset_on=c["onset_on"],
            category=c["category"],
            infection=c["infection"],
            description=c["description"],
            outcome=c["outcome"],
            causality=c["causality"],
            actor=actor,
        )
    if action == "cycle_report":
        return services.adverse_event_report_file(
            plan=plan,
            period=c["period"],
            recipient=c["recipient"],
            reported_on=c["reported_on"],
            summary=c["summary"],
            actor=actor,
        )
    if action == "generate":
        return services.periodic_report_generate(plan=plan, period=c["period"], actor=actor)
    raise AssertionError(action)


SUCCESS = {
    "treatment": gettext_lazy("The treatment is recorded."),
    "outcome": gettext_lazy("The outcome is recorded."),
    "treatments_csv": gettext_lazy("The treatments are imported."),
    "outcomes_csv": gettext_lazy("The outcomes are imported."),
    "adverse_event": gettext_lazy(
        "The adverse event is recorded. Its reports and their due dates are listed below."
    ),
    "cycle_report": gettext_lazy("The report is filed."),
    "generate": gettext_lazy("The periodic report is generated from the recorded data."),
}


def _imports(request: HttpRequest) -> bool:
    return request.POST.get("action") in ("treatments_csv", "outcomes_csv")


@idempotency.claim_after_check_when(_imports)
@login_required
def plan_reporting(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _found(selectors.plan_get_for, page_actor(request), pk)
    patient_level = may_see_patient_fields(page_actor(request), plan)
    may_record = can(page_actor(request), "reporting.record", plan)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    hub_forms = _hub_forms(
        page_actor(request),
        plan,
        request.POST if action else None,
        request.FILES if action else None,
        action,
    )
    status = 200
    if action:
        form = hub_forms.get(action)
        if form is None or not may_record:
            ensure_can(page_actor(request), "reporting.record", plan)
            return HttpResponse(status=400)
        if form.is_valid() and apply(form, lambda: _act(request, plan, action, form)) is not None:
            messages.success(request, SUCCESS[action])
            return redirect("reporting:plan", pk=plan.pk)
        status = 400
    today = legal_today()
    treatments = (
        Paginator(selectors.treatments_for(page_actor(request), plan), 25).get_page(
            request.GET.get("page")
        )
        if patient_level
        else None
    )
    events = list(selectors.adverse_events_for(page_actor(request), plan)[:100])
    obligations = _duty_rows(selectors.plan_obligations(plan).order_by("due_on", "pk"), today)
    periods: list[dict[str, Any]] = []
    if plan.filed_on:
        k = 1
        while True:
            start, end = period_bounds("periodic_report", plan.filed_on, k)
            if start > today:
                break
            periods.append({"period": k, "start": start, "end": end, "ended": end < today})
            k += 1
    reports = {r.period: r for r in selectors.periodic_reports_for(page_actor(request), plan)}
    for p in periods:
        p["report"] = reports.get(p["period"])
    return render(
        request,
        "reporting/plan.html",
        {
            "plan": plan,
            "forms": hub_forms,
            "action": action,
            "treatments": treatments,
            "events": events,
            "obligations": obligations,
            "periods": periods,
            "patient_level": patient_level,
            "may_record": may_record,
            "today": today,
        },
        status=status,
    )


def _duty_rows(obligations: Any, today: Any) -> list[dict[str, Any]]:
    return [
        {
            "ob": ob,
            "status": effective_status(ob, today),
            "days_left": (ob.due_on - today).days,
            "rule_label": RULE_LABELS.get(ob.rule, ob.rule),
            "recipient_label": RECIPIENT_LABELS.get(ob.recipient, ob.recipient),
        }
        for ob in obligations
    ]


@login_required
def adverse_event_report(request: HttpRequest, pk: int) -> HttpResponse:
    """File the report of one serious adverse event to one of its recipients: the committee, or
    the plan's authority (the Minister for Class I, the Regional Bureau for Class II and III).
    The page lists what is due to whom, each duty with its own date, status and explanation."""
    event = _found(selectors.adverse_event_get_for, page_actor(request), pk)
    ensure_can(page_actor(request), "reporting.record", event.plan)
    recipients = services.ae_report_recipients(event.plan, event.rule)
    form = f.AdverseEventReportForm(request.POST or None, prefix="er", recipients=recipients)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        done = apply(
            form,
            lambda: services.adverse_event_report_file(
                plan=event.plan,
                event=event,
                recipient=c["recipient"],
                reported_on=c["reported_on"],
                summary=c["summary"],
                actor=page_actor(request),
            ),
        )
        if done is not None:
            messages.success(request, _("The report is filed."))
            return redirect("reporting:event_report", pk=event.pk)
    today = legal_today()
    return render(
        request,
        "reporting/event_report.html",
        {
            "event": event,
            "form": form,
            "duties": _duty_rows(selectors.event_duties(event), today),
            "reports": list(event.reports.order_by("reported_on", "pk")),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def periodic_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = _found(selectors.periodic_report_get_for, page_actor(request), pk)
    content_form = f.PeriodicContentForm(
        prefix="ct",
        initial={name: getattr(report, name) for name in services.ART37_FIELDS},
    )
    opinion_form = f.PeriodicOpinionForm(prefix="op")
    file_form = f.FileForm(prefix="fi", initial={"filed_on": legal_today()})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        form: forms.Form
        if action in ("save", "submit"):
            form = content_form = f.PeriodicContentForm(request.POST, prefix="ct")
        elif action == "review":
            form = opinion_form = f.PeriodicOpinionForm(request.POST, prefix="op")
        elif action == "file":
            form = file_form = f.FileForm(request.POST, prefix="fi")
        else:
            return HttpResponse(status=400)

        def call() -> Any:
            c = form.cleaned_data
            if action == "save":
                return services.periodic_report_write(report=report, actor=page_actor(request), **c)
            if action == "submit":
                return services.periodic_report_submit(
                    report=report, actor=page_actor(request), **c
                )
            if action == "review":
                return services.periodic_report_review(
                    report=report,
                    continuation=c["continuation"],
                    opinion=c["opinion"],
                    actor=page_actor(request),
                )
            return services.periodic_report_file(
                report=report, filed_on=c["filed_on"], actor=page_actor(request)
            )

        if form.is_valid() and apply(form, call) is not None:
            messages.success(request, str(PERIODIC_SUCCESS[action]))
            return redirect("reporting:periodic", pk=report.pk)
        status = 400
    today = legal_today()
    figures = report.figures
    return render(
        request,
        "reporting/periodic.html",
        {
            "report": report,
            "plan": report.plan,
            "figures": figures,
            "course": _course_rows(figures),
            "outcomes": AEOutcome.choices,
            "duties": _duty_rows(selectors.periodic_report_duties(report), today),
            "content_form": content_form,
            "opinion_form": opinion_form,
            "file_form": file_form,
            "may_record": can(page_actor(request), "reporting.record", report.plan),
            "may_file": can(page_actor(request), "reporting.file", report.plan),
            "may_review": can(page_actor(request), "reporting.review", report),
        },
        status=status,
    )


PERIODIC_SUCCESS = {
    "save": gettext_lazy("The draft is saved."),
    "submit": gettext_lazy("The report is submitted to the committee."),
    "review": gettext_lazy("The committee's opinion is recorded."),
    "file": gettext_lazy("The report is filed with the authority, with the committee's opinion."),
}


def _course_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The adverse events' course as table rows: each category with events, its count of each
    outcome in the order of AEOutcome (reports generated before the course was kept have
    none)."""
    course = figures.get("adverse_event_course") or {}
    return [
        {
            "category": category,
            "total": sum(counts.values()),
            "counts": [counts.get(outcome, 0) for outcome in AEOutcome.values],
        }
        for category, counts in course.items()
    ]


@login_required
def periodic_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    report = _found(selectors.periodic_report_get_for, page_actor(request), pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="periodic-report-plan{report.plan_id}-period{report.period}.csv"'
    )
    response.write("\ufeff")  # lets spreadsheet programs read UTF-8 Japanese text
    writer = csv.writer(response)
    fig = report.figures
    writer.writerow(["section", "item", "value"])
    writer.writerow(["period", "start", fig["period_start"]])
    writer.writerow(["period", "end", fig["period_end"]])
    writer.writerow(["cases", "treatments", fig["cases"]])
    writer.writerow(["cases", "patients", fig["patients"]])
    for category, n in fig["adverse_events"].items():
        writer.writerow(["adverse_events", category, n])
    # Ordinance Art 37(1)(ii): the course of the events, as outcome counts per category.
    for category, counts in (fig.get("adverse_event_course") or {}).items():
        for outcome, n in counts.items():
            writer.writerow([f"adverse_event_course {category}", outcome, n])
    for c in fig["criteria"]:
        for key in (
            "measure",
            "time_point",
            "success_threshold",
            "measured",
            *STATISTICS,
            "meeting_threshold",
            "share_meeting_threshold",
            "treated_without_measurement",
        ):
            if key in STATISTICS:
                value = shown(c[key])
            elif key == "share_meeting_threshold":
                value = shown_share(c[key])
            else:
                value = "" if c[key] is None else c[key]
            writer.writerow([f"criterion {c['position']}", key, value])
        writer.writerow([f"criterion {c['position']}", "missing", ";".join(c["missing"])])
    writer.writerow(["institution", "evaluation", csv_cell(report.evaluation)])
    writer.writerow(
        ["institution", "conflicts_of_interest", csv_cell(report.conflicts_of_interest)]
    )
    writer.writerow(["institution", "non_compliance", csv_cell(report.non_compliance)])
    writer.writerow(["committee", "submitted_on", _iso(report.submitted_on)])
    writer.writerow(["committee", "continuation", report.continuation])
    writer.writerow(["committee", "opinion", csv_cell(report.committee_opinion)])
    writer.writerow(["committee", "reviewed_on", _iso(report.reviewed_on)])
    writer.writerow(["authority", "filed_on", _iso(report.filed_on)])
    return response


def _iso(day: Any) -> str:
    return "" if day is None else day.isoformat()


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    """The committee's queue: adverse-event reports and periodic reports awaiting its opinion."""
    ae_reports, periodic = selectors.review_queue_for(page_actor(request))
    if not can(page_actor(request), "reporting.review"):
        ensure_can(page_actor(request), "reporting.review")
    return render(
        request,
        "reporting/reviews.html",
        {
            "ae_reports": ae_reports[:200],
            "periodic": periodic[:200],
            "form": f.OpinionForm(prefix="op"),
        },
    )


@login_required
def ae_report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = _found(selectors.ae_report_get_for, page_actor(request), pk)
    ensure_can(page_actor(request), "reporting.review", report)
    form = f.OpinionForm(request.POST or None, prefix="op")
    if request.method == "POST" and form.is_valid():
        done = apply(
            form,
            lambda: services.adverse_event_report_review(
                report=report, opinion=form.cleaned_data["opinion"], actor=page_actor(request)
            ),
        )
        if done is not None:
            messages.success(request, _("The committee's opinion is recorded."))
            return redirect("reporting:reviews")
    return render(
        request,
        "reporting/ae_report_review.html",
        {"report": report, "form": form},
        status=400 if request.method == "POST" else 200,
    )
