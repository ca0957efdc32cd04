"""Provision plans (再生医療等提供計画) and everything that happens to them.

Nothing here is ever deleted: a plan's history is a legal record. Status changes are rows
(PlanStatusChange); every content change leaves a PlanVersion snapshot; criteria and facilities
that a change replaces are retired, not removed. Writes go through saisei.plans.services.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saisei.plans.lifecycle import Action, PlanStatus
from saisei.registry.regions import Prefecture

__all__ = [
    "PUBLIC_STATUS_CHOICES",
    "Action",
    "Condition",
    "EvaluationCriterion",
    "ListedCommittee",
    "ListedCommitteeChange",
    "ListedPlan",
    "ListedPlanChange",
    "ListedPlanChangeKind",
    "ListedStatus",
    "Meeting",
    "MeetingAttendance",
    "Opinion",
    "Order",
    "OrderEffect",
    "OrderRecord",
    "Plan",
    "PlanFacility",
    "PlanNotice",
    "PlanStatus",
    "PlanStatusChange",
    "PlanVersion",
    "PublicList",
    "PublicListKind",
    "PublicPlan",
    "PublicSource",
    "ReportingRecord",
    "Review",
]


class RiskClass(models.TextChoices):
    I = "I", _("Class I")  # noqa: E741 - the statute's name
    II = "II", _("Class II")
    III = "III", _("Class III")


class PlanType(models.TextChoices):
    TREATMENT = "treatment", _("Treatment (様式第1の2)")
    RESEARCH = "research", _("Research (様式第1)")


class Therapy(models.TextChoices):
    """Broad therapy kinds for search; 96% of Class II treatment plans are the first three."""

    ADIPOSE_MSC = "adipose_msc", _("Adipose-derived stem cells")
    PRP = "prp", _("Platelet-rich plasma (PRP)")
    FIBROBLASTS = "fibroblasts", _("Cultured fibroblasts")
    LYMPHOCYTES = "lymphocytes", _("Immune cells (lymphocytes, NK, dendritic)")
    CHONDROCYTES = "chondrocytes", _("Cultured chondrocytes")
    BONE_MARROW = "bone_marrow", _("Bone-marrow-derived cells")
    PLURIPOTENT = "pluripotent", _("ES or iPS cell-derived cells")
    GENE_THERAPY = "gene_therapy", _("Gene therapy")
    OTHER = "other", _("Other")


class Condition(models.TextChoices):
    """Broad kinds of what a treatment is for, for search: read from the plan's target disease
    and the treatment's name by saisei.plans.conditions (never filed as such)."""

    JOINTS = "joints", _("Joints and cartilage")
    MUSCLES = "muscles", _("Muscles, tendons and ligaments")
    PAIN = "pain", _("Chronic pain")
    NERVES = "nerves", _("Brain, spinal cord and nerves")
    HEART = "heart", _("Heart and blood vessels")
    CANCER = "cancer", _("Cancer")
    SKIN = "skin", _("Skin, scars and appearance")
    HAIR = "hair", _("Hair loss")
    MOUTH = "mouth", _("Mouth, teeth and jaw")
    FERTILITY = "fertility", _("Fertility and women's health")
    OTHER = "other", _("Other, or not named")


class FiledWith(models.TextChoices):
    # Values match saisei.law.FiledWith.
    MINISTER = "minister", _("Minister of Health, Labour and Welfare")
    REGIONAL_BUREAU = "regional_bureau", _("Regional Bureau of Health and Welfare")


class Plan(models.Model):
    """A provision plan: what domain.md §1.4 lists, its class with the path that led to it, and
    where it stands in the lifecycle."""

    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.PROTECT, related_name="plans"
    )
    committee = models.ForeignKey(
        "registry.Committee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("committee"),
    )
    plan_type = models.CharField(
        _("plan type"), max_length=20, choices=PlanType.choices, default=PlanType.TREATMENT
    )
    title = models.CharField(_("name of the regenerative medicine"), max_length=150)
    title_en = models.CharField(_("name in English"), max_length=150, blank=True)
    therapy = models.CharField(_("therapy"), max_length=20, choices=Therapy.choices)
    target_disease = models.CharField(_("target disease"), max_length=100)
    description = models.TextField(_("plain-language description"), max_length=4000)
    class_reasons = models.TextField(_("reasons for the class"), max_length=4000)
    responsible_physician = models.CharField(_("responsible physician"), max_length=100)
    other_physicians = models.TextField(_("other physicians"), max_length=1000, blank=True)
    consent_document = models.CharField(
        _("consent and explanation documents"), max_length=300, blank=True
    )
    # The flowchart answers as given (saisei.law ClassificationAnswers.to_dict()) and the result,
    # path included (Classification.to_dict()): the class is never stored without its reasons.
    classification_answers = models.JSONField(_("classification answers"))
    classification = models.JSONField(_("classification"))
    risk_class = models.CharField(_("risk class"), max_length=3, choices=RiskClass.choices)
    classification_rule = models.CharField(max_length=80)

    status = models.CharField(
        _("status"), max_length=30, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    # While a change is reviewed: the status to go back to if the committee rejects it.
    status_before_change = models.CharField(max_length=30, blank=True)
    version = models.PositiveIntegerField(default=1)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    filed_with = models.CharField(
        _("filed with"), max_length=20, choices=FiledWith.choices, blank=True
    )
    # "mhlw" for the Minister, else the Regional Bureau's code (saisei.registry.regions).
    filing_office = models.CharField(_("filing office"), max_length=30, blank=True)
    plan_number = models.CharField(
        _("plan number"), max_length=60, null=True, blank=True, unique=True
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    provision_allowed_from = models.DateField(_("provision allowed from"), null=True, blank=True)
    provision_allowed_explanation = models.TextField(blank=True)
    provision_allowed_explanation_ja = models.TextField(blank=True)
    # A non-minor change of a Class I plan is restricted like a new plan (Act Art 10(1)), but the
    # plan goes on being provided as it stood before the change (Art 10(2)): the change's version
    # is in force only from change_allowed_from.
    change_version = models.PositiveIntegerField(null=True, blank=True)
    change_allowed_from = models.DateField(_("change in force from"), null=True, blank=True)
    change_allowed_explanation = models.TextField(blank=True)
    change_allowed_explanation_ja = models.TextField(blank=True)
    discontinued_on = models.DateField(_("discontinued on"), null=True, blank=True)
    # Research plans: the end of data collection, which with the stop date starts the clock of
    # the research summary report (the later of the two).
    data_collection_ended_on = models.DateField(
        _("data collection ended on"), null=True, blank=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "risk_class"]),
            models.Index(fields=["institution", "status"]),
            models.Index(fields=["committee", "status"]),
            # The signed-in list's order (newest change first) for the nation, an institution
            # and a committee, so a page is one range of an index at any depth.
            models.Index(fields=["updated_at", "id"], name="plan_updated"),
            models.Index(fields=["institution", "updated_at", "id"], name="plan_inst_updated"),
            models.Index(fields=["committee", "updated_at", "id"], name="plan_comm_updated"),
            models.Index(fields=["status", "updated_at", "id"], name="plan_status_updated"),
            # The national view's counts of the register (saisei.oversight.figures), read from
            # the index alone: by class, status, therapy and committee; by month of filing.
            models.Index(
                fields=[
                    "status",
                    "risk_class",
                    "therapy",
                    "committee",
                    "institution",
                    "first_submitted_at",
                ],
                name="plan_oversight_register",
            ),
            models.Index(
                fields=["filed_on", "risk_class", "institution", "first_submitted_at"],
                name="plan_oversight_filed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(risk_class__in=["I", "II", "III"]), name="plan_risk_class_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PlanStatus.values), name="plan_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def scope_organisation_ids(self) -> set[int]:
        """The institution always; the committee once the plan has been submitted to it."""
        ids = {self.institution.organisation_id}
        committee = self.committee
        if committee is not None and self.first_submitted_at is not None:
            ids.add(committee.organisation_id)
        return ids

    @property
    def is_public(self) -> bool:
        from saisei.plans.lifecycle import PUBLIC_STATUSES

        return self.status in PUBLIC_STATUSES

    @property
    def transitional(self) -> bool:
        """Filed under the transitional rule for in vivo gene therapy (no 90-day restriction)."""
        from saisei.law import TRANSITIONAL_RULE

        return self.classification_rule == TRANSITIONAL_RULE

    def change_restricted_on(self, on: date) -> bool:
        """Whether a Class I change is still in its restriction on ``on`` (Act Art 10)."""
        return (
            self.change_version is not None
            and self.change_allowed_from is not None
            and on < self.change_allowed_from
        )

    def version_in_force_on(self, on: date) -> int:
        """The version provision follows on ``on``: while a Class I change is restricted, the
        one before it (Act Art 10(2))."""
        if self.change_restricted_on(on):
            assert self.change_version is not None
            return self.change_version - 1
        return self.version

    def current_criteria(self) -> list[EvaluationCriterion]:
        return [c for c in self.criteria.all() if c.is_current]

    def current_facilities(self) -> list[PlanFacility]:
        return [f for f in self.plan_facilities.all() if f.is_current]


def canonical_decimal(value: Decimal | None) -> str:
    """A decimal as plain text without trailing zeros ("20", "0.5"); empty for none."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


class EvaluationCriterion(models.Model):
    """One criterion for scientific validity (2025 amendment): what is measured, how, when, and
    what counts as success. Outcomes are reported against these each year."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=1)
    measure = models.CharField(_("outcome measure"), max_length=200)
    method = models.CharField(_("method"), max_length=500)
    time_point = models.CharField(_("time point"), max_length=100)
    success_threshold = models.CharField(_("success threshold"), max_length=300)
    # The threshold in a form the periodic report can compute with: a measured value counts as
    # a success when `value <operator> threshold_value`. Optional: where it is missing, the report
    # lists the share meeting the threshold as missing rather than guessing from the text.
    threshold_operator = models.CharField(
        _("success when the value is"),
        max_length=2,
        blank=True,
        choices=[(">=", "≥"), (">", ">"), ("<=", "≤"), ("<", "<")],
    )
    threshold_value = models.DecimalField(
        _("threshold value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    is_current = models.BooleanField(default=True)
    added_in_version = models.PositiveIntegerField(default=1)
    retired_in_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.measure

    def as_dict(self) -> dict[str, str]:
        return {
            "measure": self.measure,
            "method": self.method,
            "time_point": self.time_point,
            "success_threshold": self.success_threshold,
            "threshold_operator": self.threshold_operator,
            "threshold_value": canonical_decimal(self.threshold_value),
        }


class PlanFacility(models.Model):
    """A processing facility a plan's cells are processed in (third-party processors included)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="plan_facilities")
    facility = models.ForeignKey(
        "registry.ProcessingFacility", on_delete=models.PROTECT, related_name="plan_links"
    )
    is_current = models.BooleanField(default=True)
    added_in_version = models.PositiveIntegerField(default=1)
    retired_in_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "pk"]
        indexes = [
            models.Index(fields=["facility", "is_current"]),
            # The national view's count of the plans that depend on each facility, in the
            # facility's order, from the index alone.
            models.Index(fields=["facility", "is_current", "plan"], name="planfacility_oversight"),
        ]
        constraints = [
            # A plan names a facility once at a time (saisei.plans.services.content keeps the
            # links so; the national view's facility tally counts links as plans).
            models.UniqueConstraint(
                fields=["plan", "facility"],
                condition=models.Q(is_current=True),
                name="planfacility_current_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} → {self.facility_id}"


class PlanVersion(models.Model):
    """A snapshot of a plan's content. A version is public once the plan has been filed."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    reason = models.CharField(max_length=200)
    public = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class PlanStatusChange(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="status_changes")
    action = models.CharField(max_length=30, choices=Action.choices)
    from_status = models.CharField(max_length=30, choices=PlanStatus.choices)
    to_status = models.CharField(max_length=30, choices=PlanStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.from_status} → {self.to_status}"


class ReviewKind(models.TextChoices):
    INITIAL = "initial", _("New plan")
    CHANGE = "change", _("Change of a filed plan")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", _("Approve with conditions")
    REJECT = "reject", _("Reject")


class Review(models.Model):
    """One submission of a plan (or of a change to it) to its committee."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    committee = models.ForeignKey(
        "registry.Committee", on_delete=models.PROTECT, related_name="reviews"
    )
    kind = models.CharField(max_length=10, choices=ReviewKind.choices)
    plan_version = models.PositiveIntegerField()
    # For a change: the proposed content, applied only once the change is approved and notified.
    proposed_changes = models.JSONField(default=dict, blank=True)
    change_reason = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["committee", "decision"])]

    def __str__(self) -> str:
        return f"review {self.pk} of plan {self.plan_id}"

    def scope_organisation_ids(self) -> set[int]:
        return {self.committee.organisation_id, self.plan.institution.organisation_id}


class Meeting(models.Model):
    """A committee meeting on one review: who attended, who was excluded, and whether it was
    valid under the committee's own rules (the check is stored with its reasons)."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="meetings")
    committee = models.ForeignKey(
        "registry.Committee", on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField(_("held on"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    quorate = models.BooleanField(default=False)
    quorum_report = models.JSONField(default=list)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"meeting {self.held_on} on review {self.review_id}"

    def scope_organisation_ids(self) -> set[int]:
        return {self.committee.organisation_id}


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(
        "registry.CommitteeMember", on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField(default=False)
    # An interest in the applicant: the member is excluded from the decision (recorded).
    conflicted = models.BooleanField(default=False)
    conflict_note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} at {self.meeting_id}"


class Opinion(models.Model):
    """The committee's opinion on a review: one per review, enforced by the database."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="opinion")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="opinions")
    decision = models.CharField(_("decision"), max_length=30, choices=Decision.choices)
    conditions = models.TextField(_("conditions"), blank=True)
    reasons = models.TextField(_("reasons"))
    scientific_validity = models.TextField(_("assessment of scientific validity"))
    excluded_members = models.JSONField(default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.decision} on review {self.review_id}"


class NoticeKind(models.TextChoices):
    CHANGE = "change", _("Prior notice of a change (様式第2)")
    MINOR_CHANGE = "minor_change", _("Notice of a minor change (様式第3)")
    DISCONTINUATION = "discontinuation", _("Notice of discontinuation (様式第4)")
    CLOSING = "closing", _("End notice or summary report")
    RESTRICTION_EXTENDED = "restriction_extended", _("Restriction extended by the Minister")
    RESTRICTION_SHORTENED = "restriction_shortened", _("Restriction shortened by the Minister")


class PlanNotice(models.Model):
    """A notice about a filed plan, with the legal due date saisei.law gives for it.

    These are where the reporting issue's obligation clocks start (minor change,
    discontinuation); due_on and due_explanation are what the law engine computed.
    """

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    event_on = models.DateField(_("date of the event"))
    due_on = models.DateField(_("notice due"), null=True, blank=True)
    due_explanation = models.TextField(blank=True)
    # To the committee (notified_on) and to the plan's authority (filed_on; the same day when
    # not given): each meets its own duty.
    notified_on = models.DateField(_("notified on"))
    filed_on = models.DateField(_("filed with the authority on"), null=True, blank=True)
    summary = models.TextField(_("summary"), max_length=4000)
    changes = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-event_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} for plan {self.plan_id}"

    @property
    def late(self) -> bool:
        return self.due_on is not None and self.notified_on > self.due_on


class OrderKind(models.TextChoices):
    # Art 23(1): orders changes to the plan; provision goes on.
    IMPROVEMENT = "improvement", _("Improvement order (Art 23(1))")
    # Art 23(2): for a period, restricts provision, after an improvement order was not obeyed.
    PROVISION_RESTRICTION = (
        "provision_restriction",
        _("Order restricting provision (Art 23(2))"),
    )
    # Art 22: the Minister's emergency order suspending provision.
    EMERGENCY = "emergency", _("Emergency suspension order (Art 22)")


# Orders that stop provision: the plans they reach are suspended until they are lifted.
SUSPENDING_ORDERS = frozenset({OrderKind.EMERGENCY, OrderKind.PROVISION_RESTRICTION})


class OrderTarget(models.TextChoices):
    PLAN = "plan", _("Plan")
    INSTITUTION = "institution", _("Institution")
    FACILITY = "facility", _("Processing facility")


class Order(models.Model):
    """An order by the Minister. Public: orders are published."""

    kind = models.CharField(_("kind"), max_length=30, choices=OrderKind.choices)
    target_kind = models.CharField(_("against"), max_length=20, choices=OrderTarget.choices)
    target_plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="orders_against"
    )
    target_institution = models.ForeignKey(
        "registry.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    target_facility = models.ForeignKey(
        "registry.ProcessingFacility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    reason = models.TextField(_("reason"), max_length=4000)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        target_kind="plan",
                        target_plan__isnull=False,
                        target_institution__isnull=True,
                        target_facility__isnull=True,
                    )
                    | models.Q(
                        target_kind="institution",
                        target_plan__isnull=True,
                        target_institution__isnull=False,
                        target_facility__isnull=True,
                    )
                    | models.Q(
                        target_kind="facility",
                        target_plan__isnull=True,
                        target_institution__isnull=True,
                        target_facility__isnull=False,
                    )
                ),
                name="order_exactly_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def in_force(self) -> bool:
        return self.lifted_on is None

    @property
    def suspends(self) -> bool:
        return self.kind in SUSPENDING_ORDERS

    @property
    def target(self) -> models.Model:
        return self.target_plan or self.target_institution or self.target_facility  # type: ignore[return-value]


class OrderEffect(models.Model):
    """A plan an order suspended, the status it had before, and when it was restored."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="effects")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="order_effects")
    previous_status = models.CharField(max_length=30, choices=PlanStatus.choices)
    restored_status = models.CharField(max_length=30, choices=PlanStatus.choices, blank=True)
    restored_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "plan"], name="order_effect_unique")
        ]

    def __str__(self) -> str:
        return f"order {self.order_id} on plan {self.plan_id}"


def plan_may_provide(plan: Plan, on: date) -> bool:
    """May the institution provide this plan's treatment on this day?

    Yes once the plan is filed and in force (not suspended, discontinued or closed) and, for
    Class I, from the day saisei.law gives as the end of the 90-day restriction.
    """
    from saisei.plans.lifecycle import PROVIDING_STATUSES

    if plan.status not in PROVIDING_STATUSES or plan.provision_allowed_from is None:
        return False
    return on >= plan.provision_allowed_from


class PublicSource(models.TextChoices):
    """Where a public plan's facts come from."""

    SAISEI = "saisei", _("Filed through Saisei")
    MHLW = "mhlw", _("MHLW's public list")


class ListedStatus(models.TextChoices):
    """The status of a plan known only from MHLW's public list: the list says it is filed (and
    nothing of its reporting), or a later list no longer holds it."""

    LISTED = "listed", _("In MHLW's list")
    DELISTED = "delisted", _("No longer in MHLW's list")


class ReportingRecord(models.TextChoices):
    """A public plan's reporting as the search counts it, as of the day of the search
    (saisei.plans.selectors.reporting_filters): what a plan's verification page says of it
    in counts."""

    OVERDUE = "overdue", _("A report or notice is overdue")
    LATE = "late", _("Some were made late, none overdue")
    ON_TIME = "on_time", _("Every one made on time")
    NONE_DUE = "none_due", _("None due yet")
    NOT_KNOWN = "not_known", _("Not known (MHLW's list says nothing of reporting)")


class OrderRecord(models.TextChoices):
    """The Minister's orders recorded in Saisei that reach a public plan: against it, its
    institution or a facility that processes its cells, or one that suspended it
    (saisei.plans.selectors.orders_for_plan)."""

    IN_FORCE = "in_force", _("An order in force")
    LIFTED = "lifted", _("Past orders, all lifted")
    NONE = "none", _("No order recorded")


# The statuses a public plan may show: a Saisei plan's, or a listed plan's.
PUBLIC_STATUS_CHOICES = [*PlanStatus.choices, *ListedStatus.choices]


class PublicPlan(models.Model):
    """One row per public plan: what the public search filters, sorts, matches and shows, kept
    narrow so a search page reads one index range of one table.

    A row is a plan filed through Saisei (`plan`; with `listed` too when MHLW's list holds it
    under the same number: one plan, shown once), or a plan MHLW's public list holds that no
    public Saisei plan stands for (`listed` alone, source "mhlw").

    Derived, never edited: saisei.plans.search writes it whenever a plan's public fields or
    status change (and its institution's names, and each import of MHLW's list), and `saisei
    plans reindex` rebuilds it whole. `search_text` holds the searchable names normalised, with
    the institution's names romanised (saisei.plans.search.search_text); the text index over it
    is the database's own (SQLite FTS5 with trigrams, PostgreSQL pg_trgm), made by migration
    0011, its rowid this row's id."""

    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="public_entry"
    )
    listed = models.OneToOneField(
        "ListedPlan", on_delete=models.CASCADE, null=True, blank=True, related_name="public_entry"
    )
    source = models.CharField(max_length=10, choices=PublicSource.choices)
    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    institution_name = models.CharField(max_length=200)
    institution_name_en = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=500)
    title_en = models.CharField(max_length=150, blank=True)
    plan_number = models.CharField(max_length=60, blank=True)
    prefecture = models.CharField(max_length=2, choices=Prefecture.choices)
    risk_class = models.CharField(max_length=3, choices=RiskClass.choices)
    therapy = models.CharField(max_length=20, choices=Therapy.choices)
    status = models.CharField(max_length=30, choices=PUBLIC_STATUS_CHOICES)
    filed_on = models.DateField(null=True, blank=True)
    condition = models.CharField(max_length=20, choices=Condition.choices, default=Condition.OTHER)
    orders = models.CharField(max_length=10, choices=OrderRecord.choices, default=OrderRecord.NONE)
    # The plan's reporting, kept so that the day of the search decides what is overdue
    # (selectors.reporting_filters): the earliest due date of its duties still open (NULL: none),
    # and whether any duty was met late, or met at all. A listed plan's reporting is not known.
    next_due = models.DateField(null=True, blank=True)
    reported_late = models.BooleanField(default=False)
    reported = models.BooleanField(default=False)
    search_text = models.TextField()

    class Meta:
        # Every filter leads an index that goes on in the list's order, so a filtered page is
        # one range too.
        indexes = [
            models.Index(fields=["institution_name", "title", "id"], name="pubplan_sort"),
            models.Index(fields=["plan_number", "id"], name="pubplan_number"),
            models.Index(
                fields=["prefecture", "institution_name", "title", "id"], name="pubplan_pref"
            ),
            models.Index(
                fields=["risk_class", "institution_name", "title", "id"], name="pubplan_class"
            ),
            models.Index(
                fields=["therapy", "institution_name", "title", "id"], name="pubplan_therapy"
            ),
            models.Index(
                fields=["status", "institution_name", "title", "id"], name="pubplan_status"
            ),
            models.Index(
                fields=["institution", "institution_name", "title", "id"], name="pubplan_inst"
            ),
            models.Index(
                fields=["condition", "institution_name", "title", "id"], name="pubplan_condition"
            ),
            models.Index(
                fields=["orders", "institution_name", "title", "id"], name="pubplan_orders"
            ),
            # The facets' counts (selectors.public_plan_facets) from the index alone: every
            # column they group by or read.
            models.Index(
                fields=[
                    "risk_class",
                    "prefecture",
                    "therapy",
                    "status",
                    "condition",
                    "orders",
                    "source",
                    "next_due",
                    "reported_late",
                    "reported",
                ],
                name="pubplan_facets",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan__isnull=False) | models.Q(listed__isnull=False),
                name="pubplan_of_something",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PublicListKind(models.TextChoices):
    PLANS = "plans", _("Filed provision plans")
    COMMITTEES = "committees", _("Certified committees")


class PublicList(models.Model):
    """One of MHLW's public lists (e-再生医療) as imported: which list, of what date, from which
    file (its SHA-256, so the same file is never imported twice), and what it changed. Never
    deleted: the history of the plans it lists points here."""

    kind = models.CharField(max_length=20, choices=PublicListKind.choices)
    # A list known only to its month (the samples: "as published in September 2026") keeps the
    # first of the month with the precision "month", and is shown as that month.
    listed_on = models.DateField(_("date of the list"))
    listed_precision = models.CharField(
        max_length=5, choices=[("day", _("day")), ("month", _("month"))], default="day"
    )
    source = models.CharField(_("published at"), max_length=300)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    # What the import found and changed (counts, and the rows it reported), as its summary said.
    summary = models.JSONField(default=dict)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "listed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256"], name="public_list_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.listed_on}"


class ListedRecord(models.Model):
    """What a row of one of MHLW's lists keeps of the lists themselves: the first that held it,
    the last, the one it left (none while it is on the list), and what the import reported of
    it (see saisei.plans.services.public_list)."""

    first_list = models.ForeignKey(PublicList, on_delete=models.PROTECT, related_name="+")
    last_list = models.ForeignKey(PublicList, on_delete=models.PROTECT, related_name="+")
    delisted_by = models.ForeignKey(
        PublicList, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True


class ListedPlan(ListedRecord):
    """A plan as MHLW's public list of filed plans shows it: a public record of the list, not a
    filing through Saisei. The list gives the plan number, class, prefecture, institution (as the
    filer wrote it), the treatment's name and the plan's public documents; it does not say which
    committee reviewed the plan or when it was filed. The therapy kind is inferred from the
    treatment's name (saisei.plans.services.public_list.therapy_of), and says so where shown.

    `plan` is the plan filed through Saisei under the same number, if any: the two are one plan,
    shown once. A plan that a later list no longer holds keeps its row, with the list it left
    (`delisted_by`)."""

    plan_number = models.CharField(_("plan number"), max_length=20, unique=True)
    risk_class = models.CharField(_("risk class"), max_length=3, choices=RiskClass.choices)
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=Prefecture.choices)
    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.PROTECT, related_name="listed_plans"
    )
    institution_name = models.CharField(_("institution as listed"), max_length=200)
    title = models.CharField(_("name of the regenerative medicine"), max_length=500)
    therapy = models.CharField(_("therapy"), max_length=20, choices=Therapy.choices)
    documents = models.JSONField(_("public documents"), default=list, blank=True)
    plan = models.OneToOneField(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="listing"
    )

    class Meta:
        ordering = ["plan_number"]
        indexes = [models.Index(fields=["institution", "plan_number"])]

    def __str__(self) -> str:
        return f"{self.plan_number} {self.title}"


class ListedPlanChangeKind(models.TextChoices):
    LISTED = "listed", _("Appeared on the list")
    CHANGED = "changed", _("Changed on the list")
    DELISTED = "delisted", _("No longer on the list")
    RELISTED = "relisted", _("Back on the list")


class ListedPlanChange(models.Model):
    """What one import found of one listed plan: that it appeared, changed (each field's value
    before and after), left the list or came back."""

    listed_plan = models.ForeignKey(ListedPlan, on_delete=models.PROTECT, related_name="changes")
    public_list = models.ForeignKey(PublicList, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=20, choices=ListedPlanChangeKind.choices)
    fields = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["public_list__listed_on", "pk"]
        indexes = [models.Index(fields=["listed_plan", "public_list"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.listed_plan_id}"


class ListedCommittee(ListedRecord):
    """A certified committee as MHLW's public list of committees shows it (e-再生医療
    `disclosed_committee`; the shared sample also takes rows from jRCT and committees' own
    sites, each row naming its page): its number, name, scope of review and founder as
    published. The kind is read from the scope (特定… a Specially Certified committee, 第三種のみ
    a Certified one) and the founder's type from its legal form, and say so where shown.

    `committee` is the committee registered in Saisei under the same number, if any."""

    number = models.CharField(_("certification number"), max_length=10, unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, blank=True)
    scope = models.CharField(_("scope of review"), max_length=200, blank=True)
    founder = models.CharField(_("founder"), max_length=200)
    founder_representative = models.CharField(max_length=200, blank=True)
    founder_type = models.CharField(_("founder type"), max_length=30)
    # The founder's name as the institutions' corporation keys are written
    # (saisei.registry.names), so that the institutions it runs are found.
    founder_key = models.CharField(max_length=200, db_index=True)
    founder_address = models.CharField(_("founder's address"), max_length=300, blank=True)
    source_url = models.CharField(_("published at"), max_length=300)
    committee = models.OneToOneField(
        "registry.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listing",
    )

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class ListedCommitteeChange(models.Model):
    """What one import found of one listed committee (as ListedPlanChange of a plan)."""

    listed_committee = models.ForeignKey(
        ListedCommittee, on_delete=models.PROTECT, related_name="changes"
    )
    public_list = models.ForeignKey(PublicList, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ListedPlanChangeKind.choices)
    fields = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["public_list__listed_on", "pk"]
        indexes = [models.Index(fields=["listed_committee", "public_list"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.listed_committee_id}"
