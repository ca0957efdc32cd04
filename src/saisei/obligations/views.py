from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saisei.accounts.auth import page_actor
from saisei.accounts.models import User
from saisei.accounts.permissions import can
from saisei.core.errors import DomainError, NotFound, NotPermitted
from saisei.core.keyset import keyset_page
from saisei.core.time import legal_today
from saisei.obligations.forms import FilingForm, WaiverForm
from saisei.obligations.labels import RECIPIENT_LABELS, RULE_LABELS, legal_name
from saisei.obligations.models import FILED_OUTSIDE_RULES, Obligation, ObligationStatus
from saisei.obligations.selectors import effective_status, obligation_get_for, obligations_for
from saisei.obligations.services import obligation_record_filing, obligation_waive

STATUS_FILTERS = ("outstanding", "overdue", "open", "met", "met_late", "waived", "all")


PAGE_SIZE = 50

# What the page shows of a row; the rest (the law's full account of the date, the reminders'
# stamps, the audit times) stays in the database.
PAGE_FIELDS = (
    "id",
    "rank",
    "rule",
    "organisation_id",
    "also_visible_to_id",
    "subject_label",
    "recipient",
    "period",
    "period_start",
    "period_end",
    "due_on",
    "status",
    "met_on",
)


def _explanation_text(japanese: bool) -> Coalesce:
    """The stored explanation's sentence in the page's language, read by the database
    (what the law_explanation filter reads from the whole JSON)."""

    def text(key: str) -> NullIf:
        return NullIf(KT(f"explanation__{key}"), Value(""), output_field=TextField())

    english = Coalesce(text("explanation"), text("explain"), Value(""), output_field=TextField())
    return Coalesce(text("explain_ja"), english, output_field=TextField()) if japanese else english


@login_required
def due(request: HttpRequest) -> HttpResponse:
    """What is due: every obligation the user's organisations must meet or receive."""
    today = legal_today()
    actor = page_actor(request)
    status = request.GET.get("status", "outstanding")
    if status not in STATUS_FILTERS:
        status = "outstanding"
    rows = (
        obligations_for(actor, today=today, status=None if status == "all" else status)
        .only(*PAGE_FIELDS)
        .annotate(explain=_explanation_text((get_language() or "").startswith("ja")))
    )
    page = keyset_page(rows, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE)
    return render(
        request,
        "obligations/due.html",
        {
            "page": page,
            "items": _rows(page.items, actor=actor, today=today),
            "today": today,
            "status": status,
            "status_filters": STATUS_FILTERS,
        },
    )


def _rows(obligations: list[Obligation], *, actor: User, today: date) -> list[dict[str, Any]]:
    """Each row's cells as text, worked out here once (a label once per rule, recipient and
    status) rather than by the template's tags for every row."""
    status_labels = {value: str(label) for value, label in ObligationStatus.choices}
    rules: dict[str, tuple[str, str]] = {}
    recipients: dict[str, str] = {}
    items = []
    for ob in obligations:
        shown = effective_status(ob, today)
        if ob.rule not in rules:
            rules[ob.rule] = (str(RULE_LABELS.get(ob.rule, ob.rule)), legal_name(ob.rule))
        if ob.recipient not in recipients:
            recipients[ob.recipient] = str(RECIPIENT_LABELS.get(ob.recipient, ob.recipient))
        badge_class, badge = _badge(shown, ob.due_on, today)
        items.append(
            {
                "pk": ob.pk,
                "due": ob.due_on.isoformat(),
                "badge_class": badge_class,
                "badge": badge,
                "rule_label": rules[ob.rule][0],
                "legal_name": rules[ob.rule][1],
                "period": _period(ob),
                "subject_label": ob.subject_label,
                # The explanation's sentence, annotated by the page's query.
                "explain": getattr(ob, "explain", ""),
                "recipient_label": recipients[ob.recipient],
                "status_label": status_labels[shown],
                "met_on": ob.met_on.isoformat() if ob.met_on else "",
                "may_record_filing": ob.is_outstanding
                and ob.rule in FILED_OUTSIDE_RULES
                and can(actor, "obligations.record_filing", ob),
            }
        )
    return items


def _badge(status: str, due_on: date, today: date) -> tuple[str, str]:
    """The due date's badge: its class and text (days overdue, due today, days left)."""
    if status == ObligationStatus.OVERDUE:
        days = (today - due_on).days
        return "status-bad", ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {
            "days": days
        }
    if status == ObligationStatus.OPEN:
        days = (due_on - today).days
        if days == 0:
            return "status-warn", _("due today")
        text = ngettext("in %(days)s day", "in %(days)s days", days) % {"days": days}
        return ("status-warn" if days <= 7 else "status-ok"), text
    return "", ""


def _period(ob: Obligation) -> str:
    if not ob.period:
        return ""
    start = ob.period_start.isoformat() if ob.period_start else ""
    end = ob.period_end.isoformat() if ob.period_end else ""
    return _("period %(k)s: %(start)s to %(end)s") % {"k": ob.period, "start": start, "end": end}


@login_required
@require_POST
def record_filing(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that a duty filed outside Saisei was filed; errors return to the list."""
    try:
        obligation = obligation_get_for(page_actor(request), pk)
    except NotFound:
        raise Http404 from None
    form = FilingForm(request.POST, prefix=f"f{pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("obligations:due")
    try:
        obligation_record_filing(
            obligation=obligation,
            filed_on=form.cleaned_data["filed_on"],
            reference=form.cleaned_data["reference"],
            actor=page_actor(request),
        )
    except NotPermitted:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The filing is recorded and the duty is met."))
    return redirect("obligations:due")


@login_required
def waive(request: HttpRequest, pk: int) -> HttpResponse:
    """A regulator waives a duty, giving the reason (the form, then the service)."""
    actor = page_actor(request)
    try:
        obligation = obligation_get_for(actor, pk)
    except NotFound:
        raise Http404 from None
    if not can(actor, "obligations.waive", obligation):
        return render(
            request,
            "refused.html",
            {"message": _("Only a regulator may waive a duty.")},
            status=403,
        )
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    form = WaiverForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                obligation_waive(
                    obligation=obligation, reason=form.cleaned_data["reason"], actor=actor
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
                status = exc.status
            else:
                messages.success(request, _("The duty is waived; the reason is on its record."))
                return redirect(back or "obligations:due")
        else:
            status = 400
    return render(
        request,
        "obligations/waive.html",
        {
            "obligation": obligation,
            "form": form,
            "next": back,
            "outstanding": obligation.is_outstanding,
            "explain": _explanation_sentence(obligation),
        },
        status=status,
    )


def _explanation_sentence(obligation: Obligation) -> str:
    japanese = (get_language() or "").startswith("ja")
    e = obligation.explanation or {}
    english = e.get("explanation") or e.get("explain") or ""
    return str((e.get("explain_ja") or english) if japanese else english)
