from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saisei.accounts.auth import page_actor
from saisei.accounts.permissions import can
from saisei.core.errors import DomainError, NotFound, NotPermitted
from saisei.core.keyset import keyset_page
from saisei.core.time import legal_today
from saisei.obligations.forms import FilingForm
from saisei.obligations.labels import RECIPIENT_LABELS, RULE_LABELS, legal_name
from saisei.obligations.models import FILED_OUTSIDE_RULES, ObligationStatus
from saisei.obligations.selectors import effective_status, obligation_get_for, obligations_for
from saisei.obligations.services import obligation_record_filing

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
    status_labels = dict(ObligationStatus.choices)
    items = []
    for ob in page:
        shown = effective_status(ob, today)
        items.append(
            {
                "obligation": ob,
                "status": shown,
                "status_label": status_labels[shown],
                "days_left": (ob.due_on - today).days,
                "days_overdue": (today - ob.due_on).days,
                "rule_label": RULE_LABELS.get(ob.rule, ob.rule),
                "recipient_label": RECIPIENT_LABELS.get(ob.recipient, ob.recipient),
                "legal_name": legal_name(ob.rule),
                "may_record_filing": ob.is_outstanding
                and ob.rule in FILED_OUTSIDE_RULES
                and can(actor, "obligations.record_filing", ob),
            }
        )
    return render(
        request,
        "obligations/due.html",
        {
            "page": page,
            "items": items,
            "today": today,
            "status": status,
            "status_filters": STATUS_FILTERS,
        },
    )


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
