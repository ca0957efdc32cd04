"""Treatments, outcomes, adverse events and the reports the RM Act requires.

Patient-level rows (treatments, outcome measurements) name a patient only by the
institution's own pseudonymous code and are visible only within the institution. What
leaves the institution is aggregate: periodic reports, public figures. Adverse events go to
the committee and the plan's authority as the law requires, still under the pseudonymous code.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saisei.reporting.lifecycle import PeriodicReportStatus, ReportAction

__all__ = [
    "CATEGORY_RULE",
    "REPORT_TEXT_MAX",
    "AECategory",
    "AECausality",
    "AEOutcome",
    "AdverseEvent",
    "AdverseEventReport",
    "Continuation",
    "OutcomeMeasurement",
    "PeriodicReport",
    "PeriodicReportStatus",
    "PeriodicReportStatusChange",
    "Recipient",
    "ReportAction",
    "Treatment",
    "patient_code_validator",
]

from saisei.core.bounds import patient_code_validator


class Treatment(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="treatments")
    patient_code = models.CharField(
        _("patient code"), max_length=40, validators=[patient_code_validator]
    )
    treated_on = models.DateField(_("treated on"))
    facility = models.ForeignKey(
        "registry.ProcessingFacility",
        on_delete=models.PROTECT,
        related_name="treatments",
        verbose_name=_("processing facility"),
    )
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-treated_on", "-pk"]
        indexes = [
            models.Index(fields=["plan", "treated_on"]),
            models.Index(fields=["plan", "patient_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.patient_code} · {self.treated_on}"

    def scope_organisation_ids(self) -> set[int]:
        # The institution only: patient-level data never leaves its scope.
        return {self.plan.institution.organisation_id}


class OutcomeMeasurement(models.Model):
    """One measurement of one evaluation criterion for one treatment."""

    treatment = models.ForeignKey(Treatment, on_delete=models.PROTECT, related_name="outcomes")
    criterion = models.ForeignKey(
        "plans.EvaluationCriterion", on_delete=models.PROTECT, related_name="measurements"
    )
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measured_on", "pk"]
        constraints = [
            # A criterion names its time point, so each treatment has one measurement of it.
            models.UniqueConstraint(
                fields=["treatment", "criterion"], name="one_outcome_per_criterion"
            )
        ]
        indexes = [
            # A periodic report reads each criterion's values of a period from this index alone
            # (saisei.reporting.figures): the treatment and value ride along, so that no row of
            # the table is read.
            models.Index(fields=["criterion", "measured_on", "treatment", "value"]),
        ]

    def __str__(self) -> str:
        return f"{self.treatment} · {self.criterion_id} = {self.value}"

    def scope_organisation_ids(self) -> set[int]:
        return self.treatment.scope_organisation_ids()


class AECategory(models.TextChoices):
    """The seriousness categories of domain.md §1.8 (Ordinance Art 35), one per event."""

    DEATH = "death", _("Death")
    LIFE_THREATENING = "life_threatening", _("A case that may lead to death")
    HOSPITALISATION = "hospitalisation", _("Hospitalisation or a longer stay")
    DISABILITY = "disability", _("Disability")
    POSSIBLE_DISABILITY = "possible_disability", _("A case that may lead to disability")
    OTHER_SERIOUS = "other_serious", _("Other serious case")
    CONGENITAL_ANOMALY = "congenital_anomaly", _("Congenital anomaly in offspring")
    NON_SERIOUS = "non_serious", _("Other (not serious)")


# Which reporting rule of saisei.law each category falls under.
CATEGORY_RULE: dict[str, str] = {
    AECategory.DEATH: "ae_death",
    AECategory.LIFE_THREATENING: "ae_death",
    AECategory.HOSPITALISATION: "ae_serious",
    AECategory.DISABILITY: "ae_serious",
    AECategory.POSSIBLE_DISABILITY: "ae_serious",
    AECategory.OTHER_SERIOUS: "ae_serious",
    AECategory.CONGENITAL_ANOMALY: "ae_serious",
    AECategory.NON_SERIOUS: "ae_other_cycle",
}


class AEOutcome(models.TextChoices):
    RECOVERED = "recovered", _("Recovered")
    RECOVERING = "recovering", _("Recovering")
    NOT_RECOVERED = "not_recovered", _("Not recovered")
    SEQUELAE = "sequelae", _("Recovered with sequelae")
    FATAL = "fatal", _("Fatal")
    UNKNOWN = "unknown", _("Unknown")


class AECausality(models.TextChoices):
    RELATED = "related", _("Related")
    POSSIBLY_RELATED = "possibly_related", _("Possibly related")
    UNLIKELY = "unlikely", _("Unlikely to be related")
    UNKNOWN = "unknown", _("Not yet assessed")


class Recipient(models.TextChoices):
    """Who receives a report (domain.md §1.8): the committee, and the plan's authority, which is
    the Minister for a Class I plan and the Regional Bureau (for the Minister, Ordinance Art 118)
    for Class II and III. Which of them a given report goes to follows from the plan
    (saisei.plans.obligations.plan_recipients)."""

    COMMITTEE = "committee", _("Certified committee")
    MINISTER = "minister", _("Minister of Health, Labour and Welfare")
    REGIONAL_BUREAU = "regional_bureau", _("Regional Bureau of Health and Welfare")


class AdverseEvent(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="adverse_events")
    treatment = models.ForeignKey(
        Treatment, null=True, blank=True, on_delete=models.PROTECT, related_name="adverse_events"
    )
    patient_code = models.CharField(
        _("patient code"), max_length=40, validators=[patient_code_validator]
    )
    learned_on = models.DateField(_("the institution learned of it on"))
    onset_on = models.DateField(_("onset"), null=True, blank=True)
    category = models.CharField(_("seriousness"), max_length=30, choices=AECategory.choices)
    infection = models.BooleanField(_("suspected infection from the treatment"), default=False)
    description = models.TextField(_("description"), max_length=4000)
    outcome = models.CharField(_("outcome"), max_length=20, choices=AEOutcome.choices)
    causality = models.CharField(_("causality"), max_length=20, choices=AECausality.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-learned_on", "-pk"]
        indexes = [
            models.Index(fields=["plan", "learned_on"]),
            models.Index(fields=["category", "learned_on"]),
            # The national view's events of a window (saisei.oversight.figures), by seriousness.
            models.Index(fields=["learned_on", "category", "plan"], name="ae_oversight"),
        ]

    def __str__(self) -> str:
        # No patient code: this label reaches the audit trail, whose scope includes the
        # committee (saisei.reporting.visibility).
        return f"{self.get_category_display()} · {self.learned_on}"

    @property
    def rule(self) -> str:
        return CATEGORY_RULE[self.category]

    def scope_organisation_ids(self) -> set[int]:
        # The committee receives adverse-event reports by law, so it sees the event.
        return self.plan.scope_organisation_ids()


class AdverseEventReport(models.Model):
    """A report to one recipient (the committee, or the plan's authority): of one serious event,
    or of the other events of one 60-day period together (to the committee only)."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="ae_reports")
    rule = models.CharField(max_length=20)
    recipient = models.CharField(_("to"), max_length=20, choices=Recipient.choices)
    event = models.ForeignKey(
        AdverseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    period = models.PositiveIntegerField(null=True, blank=True)
    reported_on = models.DateField(_("reported on"))
    summary = models.TextField(_("summary"), max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committee_opinion = models.TextField(_("committee's opinion"), blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-reported_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient"],
                condition=models.Q(event__isnull=False),
                name="one_report_per_event_and_recipient",
            ),
            models.UniqueConstraint(
                fields=["plan", "period", "recipient"],
                condition=models.Q(period__isnull=False),
                name="one_cycle_report_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(event__isnull=False, period__isnull=True)
                | models.Q(event__isnull=True, period__isnull=False),
                name="ae_report_is_of_an_event_or_a_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} → {self.recipient} · {self.reported_on}"

    def scope_organisation_ids(self) -> set[int]:
        return self.plan.scope_organisation_ids()


class Continuation(models.TextChoices):
    """The committee's opinion on whether provision may continue (Ordinance Art 37(4))."""

    CONTINUE = "continue", _("Appropriate to continue")
    CONTINUE_WITH_CHANGES = "continue_with_changes", _("Continue with changes or conditions")
    NOT_APPROPRIATE = "not_appropriate", _("Not appropriate to continue")


# The longest text of each written item of a periodic report (form fields, API schemas and the
# services all check it).
REPORT_TEXT_MAX = 4000


class PeriodicReport(models.Model):
    """The yearly report on provision (定期報告), with the contents Ordinance Art 37(1) lists.

    (i) the number of patients treated and (ii) the adverse events and their course are
    generated from the period's records (`figures`), as are the statistics of each evaluation
    criterion that (iii) rests on; `figures` is recomputed while a draft and frozen when the
    report goes to the committee, so the committee and the authority see what was reviewed.
    The institution writes (iii) its evaluation of safety and scientific validity, (iv) the
    conflict-of-interest matters and (v) any non-compliance and its handling before it submits
    the report. The committee then gives its opinion on continuing (Art 37(4)), which goes with
    the report to the plan's authority (Act Art 21(1); Ordinance Art 38). Submission meets the
    duty to the committee, filing the duty to the authority.
    """

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.PROTECT, related_name="periodic_reports"
    )
    period = models.PositiveIntegerField(_("period"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        max_length=20, choices=PeriodicReportStatus.choices, default=PeriodicReportStatus.DRAFT
    )
    figures = models.JSONField(default=dict)
    generated_at = models.DateTimeField()
    evaluation = models.TextField(
        _("evaluation of safety and scientific validity"), max_length=REPORT_TEXT_MAX, blank=True
    )
    conflicts_of_interest = models.TextField(
        _("conflict-of-interest matters"), max_length=REPORT_TEXT_MAX, blank=True
    )
    non_compliance = models.TextField(
        _("non-compliance with the Ordinance or the plan, and its handling"),
        max_length=REPORT_TEXT_MAX,
        blank=True,
    )
    submitted_on = models.DateField(null=True, blank=True)
    continuation = models.CharField(
        _("committee's opinion on continuing"),
        max_length=30,
        choices=Continuation.choices,
        blank=True,
    )
    committee_opinion = models.TextField(
        _("committee's opinion"), max_length=REPORT_TEXT_MAX, blank=True
    )
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "period"], name="one_periodic_report_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} · period {self.period}"

    def scope_organisation_ids(self) -> set[int]:
        return self.plan.scope_organisation_ids()


class PeriodicReportStatusChange(models.Model):
    """One move of a periodic report's status (saisei.reporting.lifecycle): by whom and when."""

    report = models.ForeignKey(
        PeriodicReport, on_delete=models.PROTECT, related_name="status_changes"
    )
    action = models.CharField(max_length=20, choices=ReportAction.choices)
    from_status = models.CharField(max_length=20, choices=PeriodicReportStatus.choices)
    to_status = models.CharField(max_length=20, choices=PeriodicReportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status} → {self.to_status} ({self.action})"
