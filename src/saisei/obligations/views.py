from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saisei.core.time import legal_today
from saisei.obligations.labels import RECIPIENT_LABELS, RULE_LABELS
from saisei.obligations.models import ObligationStatus
from saisei.obligations.selectors import effective_status, obligations_for

STATUS_FILTERS = ("outstanding", "overdue", "open", "met", "met_late", "waived", "all")


@login_required
def due(request: HttpRequest) -> HttpResponse:
    """What is due: every obligation the user's organisations must meet or receive."""
    today = legal_today()
    status = request.GET.get("status", "outstanding")
    if status not in STATUS_FILTERS:
        status = "outstanding"
    rows = obligations_for(request.user, today=today, status=None if status == "all" else status)
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
