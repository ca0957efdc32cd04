from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext_lazy as _

from saisei.obligations.lifecycle import OUTSTANDING, ObligationAction, ObligationStatus

__all__ = [
    "FILED_OUTSIDE_RULES",
    "OUTSTANDING",
    "Obligation",
    "ObligationAction",
    "ObligationFiling",
    "ObligationStatus",
    "ObligationStatusChange",
]


class Obligation(models.Model):
    """One duty the law creates, with the date it is due and what met it.

    A row is created by the service that records the event starting its clock (a filing,
    an adverse event, a change), or by `saisei obligations tick` for the next period of a
    periodic duty. The due date comes from saisei.law and `explanation` keeps the law's
    own account of it (nominal date, days skipped and why), so every date can explain
    itself later even if the rules change.
    """

    rule = models.CharField(_("rule"), max_length=40)
    # Who must act (an institution, a facility operator's organisation, a holder); empty for a
    # third-party facility with no account in Saisei, whose duties only the regulator follows ...
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    # ... and who else may see it (the committee that receives the report).
    also_visible_to = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=60)
    subject_label = models.CharField(max_length=300)
    # Whom the report or notice goes to, where one event owes several (committee and Minister).
    recipient = models.CharField(_("recipient"), max_length=30, blank=True)
    # The day the clock starts (the event, or day 1 of a periodic count); 0 for single events.
    starts_on = models.DateField(_("clock starts"))
    period = models.PositiveIntegerField(_("period"), default=0)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    nominal_due = models.DateField(_("nominal due date"))
    due_on = models.DateField(_("due date"))
    explanation = models.JSONField(default=dict)
    # The committee's closed days the due dates were computed against, kept by the database from
    # the explanation (its "committee_closed", as JSON text: a list of the law's names, empty for
    # a report to anyone else; NULL for a date given by a recorded fact). A duty met or waived
    # keeps the days it was judged against; verify compares them with the committee's rules
    # without reading the explanation (see the index obligation_verify).
    committee_closed = models.GeneratedField(
        expression=KeyTextTransform("committee_closed", "explanation"),
        output_field=models.TextField(),
        db_persist=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ObligationStatus.choices, default=ObligationStatus.OPEN
    )
    met_on = models.DateField(_("met on"), null=True, blank=True)
    met_by_type = models.CharField(max_length=60, blank=True)
    met_by_id = models.CharField(max_length=60, blank=True)
    waived_reason = models.TextField(_("reason for waiver"), blank=True)
    # The lists' first sort key, kept by the database from the status: 0 outstanding (open or
    # overdue), 1 met or waived. Ordered by (rank, due_on, id), "overdue first, then open by due
    # date, then the rest" is one index: a duty is marked overdue only once its due date has
    # passed (the tick, and a reschedule, which sets the status from the new date), so among
    # outstanding duties the overdue ones are those due before today, whether or not the tick
    # has marked them yet, and "overdue today" is one range of it, (rank, due_on) < (0, today):
    # a keyset page reads it from where the last page ended to where the list ends.
    rank = models.GeneratedField(
        expression=models.Case(
            models.When(
                status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE], then=models.Value(0)
            ),
            default=models.Value(1),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    reminded_due_soon_at = models.DateTimeField(null=True, blank=True)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            # One duty per rule, subject, clock start and period: what makes `tick` idempotent
            # and safe to run twice at once.
            models.UniqueConstraint(
                fields=["rule", "subject_type", "subject_id", "starts_on", "period", "recipient"],
                name="obligation_unique_duty",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("nominal_due")),
                name="obligation_due_not_before_nominal",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="waived") | ~models.Q(waived_reason=""),
                name="obligation_waiver_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["also_visible_to", "status"]),
            # The lists (saisei.obligations.selectors.obligations_for): the regulator's by rank
            # (one status: the index on status and due date above), an organisation's and a
            # committee's from their own rows.
            models.Index(fields=["rank", "due_on", "id"], name="obligation_list_rank"),
            models.Index(
                fields=["organisation", "rank", "due_on", "id"], name="obligation_list_org"
            ),
            models.Index(
                fields=["also_visible_to", "rank", "due_on", "id"], name="obligation_list_seen"
            ),
            # Verify's screen of the yearly reports (saisei.obligations.services.screen): a
            # subject's duties in the order of the duty key with every column it compares.
            # PostgreSQL answers from the index alone, without the rows and their explanations of
            # a kilobyte or two; SQLite (3.40) still reads the row for the generated column, but
            # no JSON.
            models.Index(
                fields=[
                    "rule",
                    "subject_type",
                    "subject_id",
                    "starts_on",
                    "period",
                    "recipient",
                    "organisation",
                    "nominal_due",
                    "due_on",
                    "period_start",
                    "period_end",
                    "status",
                    "met_on",
                    "committee_closed",
                ],
                name="obligation_verify",
            ),
            # The national view's counts (saisei.oversight.figures): each of its three parts of
            # the duties (due in a window; still outstanding from before it; met only after the
            # chosen day) read from an index holding every column the count groups by, not
            # from the rows.
            models.Index(
                fields=["due_on", "organisation", "rule", "status", "met_on"],
                name="obligation_oversight_due",
            ),
            models.Index(
                fields=["status", "due_on", "organisation", "rule", "met_on"],
                name="obligation_oversight_open",
            ),
            models.Index(
                fields=["met_on", "due_on", "organisation", "rule", "status"],
                name="obligation_oversight_met",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} · {self.subject_label} · {self.due_on}"

    def scope_organisation_ids(self) -> set[int]:
        ids = {self.organisation_id} if self.organisation_id else set()
        if self.also_visible_to_id:
            ids.add(self.also_visible_to_id)
        return ids

    @property
    def is_outstanding(self) -> bool:
        return self.status in OUTSTANDING

    @property
    def rule_label(self) -> str:
        from saisei.obligations.labels import rule_label

        return rule_label(self.rule)


class ObligationStatusChange(models.Model):
    """One move of an obligation's status (saisei.obligations.lifecycle): by whom (none for the
    system, e.g. the tick marking it overdue), when, and why where a reason is given."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.PROTECT, related_name="status_changes"
    )
    action = models.CharField(max_length=20, choices=ObligationAction.choices)
    from_status = models.CharField(max_length=20, choices=ObligationStatus.choices)
    to_status = models.CharField(max_length=20, choices=ObligationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.obligation_id}: {self.from_status} → {self.to_status} ({self.action})"


# Duties whose report or notice is filed outside Saisei (with the Regional Bureau, by the online
# e-再生医療 system), so Saisei records only that it was filed, when, and its reference.
# The others are met by the record Saisei keeps (an adverse-event report, a periodic report,
# a notice, a re-application).
FILED_OUTSIDE_RULES = frozenset(
    {
        "cpc_periodic_report",
        "cpc_change_notice",
        "cpc_closure_notice",
        "cpc_licence_expiry",
        "research_summary",
    }
)


class ObligationFiling(models.Model):
    """The record that a duty filed outside Saisei was met: the date and the reference."""

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="filings")
    filed_on = models.DateField(_("filed on"))
    reference = models.CharField(_("reference (receipt or file number)"), max_length=100)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-filed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.obligation} · {self.filed_on} · {self.reference}"

    def scope_organisation_ids(self) -> set[int]:
        return self.obligation.scope_organisation_ids()
