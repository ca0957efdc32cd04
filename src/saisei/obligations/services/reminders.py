"""Reminders: one e-mail when a duty is due soon and one when it is overdue."""

from __future__ import annotations

import functools
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from saisei.accounts.models import Membership
from saisei.accounts.roles import Role
from saisei.audit.services import audit_record
from saisei.obligations.models import Obligation, ObligationStatus

# Reminders for duties due within this many days.
DUE_SOON_DAYS = 7


REMINDED_ROLES = (Role.INSTITUTION_OFFICER, Role.HOLDER_OFFICER, Role.COMMITTEE_SECRETARIAT)


def _recipients(organisation_id: int | None) -> list[str]:
    if organisation_id is None:
        return []
    return sorted(
        {
            email
            for email in Membership.objects.filter(
                organisation_id=organisation_id,
                is_active=True,
                role__in=REMINDED_ROLES,
                user__is_active=True,
            ).values_list("user__email", flat=True)
            if email
        }
    )


def obligations_remind(*, today: date) -> int:
    """E-mail the responsible organisation once when a duty is due soon and once when overdue.

    Each reminder is claimed with a conditional update before it is sent (after commit), so
    two runs at once do not send it twice.
    """
    sent = 0
    soon = Q(
        status=ObligationStatus.OPEN,
        due_on__gte=today,
        due_on__lte=today + timedelta(days=DUE_SOON_DAYS),
        reminded_due_soon_at__isnull=True,
    )
    late = Q(status=ObligationStatus.OVERDUE, reminded_overdue_at__isnull=True)
    for ob in Obligation.objects.filter(soon | late).select_related("organisation"):
        field = (
            "reminded_overdue_at"
            if ob.status == ObligationStatus.OVERDUE
            else "reminded_due_soon_at"
        )
        recipients = _recipients(ob.organisation_id)
        with transaction.atomic():
            claimed = Obligation.objects.filter(pk=ob.pk, **{f"{field}__isnull": True}).update(
                **{field: timezone.now()}
            )
            if not claimed:
                continue
            audit_record(
                action="obligations.reminder.sent",
                actor=None,
                system="obligations-remind",
                target=ob,
                data={"kind": field, "recipients": len(recipients)},
            )
            if recipients:
                subject, body = _reminder_text(
                    ob, overdue=field == "reminded_overdue_at", today=today
                )
                transaction.on_commit(
                    functools.partial(
                        send_mail,
                        subject,
                        body,
                        settings.DEFAULT_FROM_EMAIL,
                        recipients,
                        fail_silently=False,
                    )
                )
        sent += 1
    return sent


def _reminder_text(ob: Obligation, *, overdue: bool, today: date) -> tuple[str, str]:
    """The reminder in Japanese, then English: the recipients' language is not recorded."""
    from django.utils import translation

    from saisei.obligations.labels import rule_label

    subjects, bodies = [], []
    for language in ("ja", "en"):
        with translation.override(language):
            values = {
                "duty": rule_label(ob.rule),
                "subject": ob.subject_label,
                "due": ob.due_on.isoformat(),
                "days": (ob.due_on - today).days,
            }
            if overdue:
                subjects.append(_("Overdue: %(duty)s, due %(due)s") % values)
            else:
                subjects.append(_("Due in %(days)s days: %(duty)s, due %(due)s") % values)
            bodies.append(
                _(
                    "%(subject)s\n%(duty)s\nDue: %(due)s\n\nRecord the report or notice in "
                    "Saisei to meet this obligation."
                )
                % values
            )
    explain = ob.explanation.get("explain", "")
    subject = f"[Saisei] {subjects[0]} / {subjects[1]}"
    body = f"{bodies[0]}\n\n----\n\n{bodies[1]}\n\n{explain}\n"
    return subject, body
