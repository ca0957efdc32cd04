from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saisei.accounts.auth import page_actor
from saisei.accounts.permissions import can
from saisei.core.errors import DomainError, NotFound, NotPermitted
from saisei.core.time import legal_today
from saisei.obligations.forms import FilingForm
from saisei.obligations.labels import RECIPIENT_LABELS, RULE_LABELS, legal_name
from saisei.obligations.models import FILED_OUTSIDE_RULES, ObligationStatus
from saisei.obligations.selectors import effective_status, obligation_get_for, obligations_for
from saisei.obligations.services import obligation_record_filing

STATUS_FILTERS = ("outstanding", "overdue", "open", "met", "met_late", "waived", "all")


@login_required
def due(request: HttpRequest) -> HttpResponse:
    """What is due: every obligation the user's organisations must meet or receive."""
    today = legal_today()
    status = request.GET.get("status", "outstanding")
    if status not in STATUS_FILTERS:
        status = "outstanding"
    rows = obligations_for(
        page_actor(request), today=today, status=None if status == "all" else status
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    items = [
        {
            "obligation": ob,
            "status": effective_status(ob, today),
            "status_label": dict(ObligationStatus.choices)[effective_status(ob, today)],
            "days_left": (ob.due_on - today).days,
            "days_overdue": (today - ob.due_on).days,
            "rule_label": RULE_LABELS.get(ob.rule, ob.rule),
            "recipient_label": RECIPIENT_LABELS.get(ob.recipient, ob.recipient),
            "legal_name": legal_name(ob.rule),
            "may_record_filing": ob.is_outstanding
            and ob.rule in FILED_OUTSIDE_RULES
            and can(page_actor(request), "obligations.record_filing", ob),
        }
        for ob in page
    ]
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
