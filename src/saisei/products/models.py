"""PMD Act products: holders, products, approvals and the lifecycle events of each approval.

An approval's status on any day is never stored: it is computed by `saisei.law.approval_status`
from the approval's facts and its events (see `saisei.products.status`). Events are the history
and the legal record, so they are only ever added; the reference loader alone may correct the
events it loaded itself when the shipped data files change.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from saisei.law import ApprovalEventKind, ApprovalStatusCode, ApprovalType


class Category(models.TextChoices):
    AUTOLOGOUS_CELLS = "autologous_cells", _("Autologous cells")
    ALLOGENEIC_CELLS = "allogeneic_cells", _("Allogeneic cells")
    CAR_T = "car_t", _("CAR-T cells")
    GENE_THERAPY = "gene_therapy", _("Gene therapy")
    ONCOLYTIC_VIRUS = "oncolytic_virus", _("Oncolytic virus")
    IPSC_DERIVED = "ipsc_derived", _("iPS cell-derived")


class ApprovalTypeChoice(models.TextChoices):
    STANDARD = ApprovalType.STANDARD.value, _("Standard approval")
    CONDITIONAL_TIME_LIMITED = (
        ApprovalType.CONDITIONAL_TIME_LIMITED.value,
        _("Conditional, time-limited approval"),
    )


class Designation(models.TextChoices):
    SAKIGAKE = "sakigake", _("SAKIGAKE designation")
    ORPHAN = "orphan", _("Orphan designation")


class EventKind(models.TextChoices):
    """The law engine's event kinds plus events of the record that never change the status.

    A confirmatory-data submission does not change the status by itself (only the decision on
    the re-application does), nor does a council's finding on a re-application (the Minister
    decides, after a hearing where the finding is against it), nor the announcement of a
    withdrawal (the withdrawal takes effect when it is made): the law engine does not need them.
    """

    APPLICATION_FILED = ApprovalEventKind.APPLICATION_FILED.value, _("Application filed")
    COUNCIL_ENDORSED = ApprovalEventKind.COUNCIL_ENDORSED.value, _("Council endorsed")
    APPROVED = ApprovalEventKind.APPROVED.value, _("Approved")
    TIME_LIMIT_EXTENDED = ApprovalEventKind.TIME_LIMIT_EXTENDED.value, _("Time limit extended")
    REAPPLICATION_FILED = (
        ApprovalEventKind.REAPPLICATION_FILED.value,
        _("Application for full approval filed"),
    )
    CONFIRMATORY_DATA_SUBMITTED = "confirmatory_data_submitted", _("Confirmatory data submitted")
    REAPPLICATION_WITHDRAWN = (
        ApprovalEventKind.REAPPLICATION_WITHDRAWN.value,
        _("Application for full approval withdrawn"),
    )
    REAPPLICATION_REFUSED = (
        ApprovalEventKind.REAPPLICATION_REFUSED.value,
        _("Full approval refused"),
    )
    CONVERTED_TO_FULL_APPROVAL = (
        ApprovalEventKind.CONVERTED_TO_FULL_APPROVAL.value,
        _("Converted to full approval"),
    )
    APPROVAL_LAPSED = ApprovalEventKind.APPROVAL_LAPSED.value, _("Approval lapsed")
    REVOKED = ApprovalEventKind.REVOKED.value, _("Approval revoked")
    INDICATION_ADDED = ApprovalEventKind.INDICATION_ADDED.value, _("Indication added")
    SHIPPING_RESTRICTED = ApprovalEventKind.SHIPPING_RESTRICTED.value, _("Shipping restricted")
    SHIPPING_RESTRICTION_LIFTED = (
        ApprovalEventKind.SHIPPING_RESTRICTION_LIFTED.value,
        _("Shipping restriction lifted"),
    )
    LAUNCHED = ApprovalEventKind.LAUNCHED.value, _("Launched")
    SALES_ENDED = ApprovalEventKind.SALES_ENDED.value, _("Sales ended")
    PANEL_FOUND_NOT_APPROVABLE = (
        "panel_found_not_approvable",
        _("Council panel found approval not appropriate (not a refusal)"),
    )
    COUNCIL_CONCLUDED_NOT_APPROVABLE = (
        "council_concluded_not_approvable",
        _("Pharmaceutical Affairs Council concluded approval not appropriate (not a refusal)"),
    )
    WITHDRAWAL_ANNOUNCED = (
        "withdrawal_announced",
        _("Withdrawal of the application for full approval announced"),
    )


class DatePrecision(models.TextChoices):
    """How much of an event's date is known. A date known only to its month or year is stored
    as the first possible day; whether the unknown day matters is for status gaps to say."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


def last_possible_day(first: date, precision: str) -> date:
    if precision == DatePrecision.YEAR:
        return date(first.year, 12, 31)
    if precision == DatePrecision.MONTH:
        return date(first.year, first.month, monthrange(first.year, first.month)[1])
    return first


def precision_matches(first: date, precision: str) -> bool:
    """A month-precise date is stored as the 1st, a year-precise one as 1 January."""
    if precision == DatePrecision.YEAR:
        return (first.month, first.day) == (1, 1)
    if precision == DatePrecision.MONTH:
        return first.day == 1
    return precision == DatePrecision.DAY


def date_text(day: date, precision: str) -> str:
    """The date as far as it is known, in the active language: 2023-09-18, "September 2023"
    (2023年9月), "2018" (2018年)."""
    if precision == DatePrecision.YEAR:
        return gettext("%(year)s") % {"year": day.year}
    if precision == DatePrecision.MONTH:
        return str(formats.date_format(day, "YEAR_MONTH_FORMAT"))
    return day.isoformat()


class Origin(models.TextChoices):
    REFERENCE = "reference", _("Reference data")
    RECORDED = "recorded", _("Recorded in Saisei")
    DEMO = "demo", _("Demo data (fictional)")


class Holder(models.Model):
    """A marketing-authorisation holder; its people act through its Organisation."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="holder"
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.RECORDED)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def scope_organisation_ids(self) -> set[int]:
        return {self.organisation_id}


class Product(models.Model):
    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    brand_name = models.CharField(_("brand name (English)"), max_length=200)
    brand_name_ja = models.CharField(_("brand name (Japanese)"), max_length=200, blank=True)
    what_it_is = models.CharField(_("what it is"), max_length=300)
    what_it_is_ja = models.CharField(_("what it is (Japanese)"), max_length=300, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="products")
    notes = models.TextField(_("notes"), blank=True)
    sources = models.TextField(_("sources"), blank=True)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.RECORDED)

    class Meta:
        ordering = ["slug"]
        indexes = [models.Index(fields=["category"])]

    def __str__(self) -> str:
        return self.brand_name

    def scope_organisation_ids(self) -> set[int]:
        return {self.holder.organisation_id}

    @property
    def display_name(self) -> str:
        """The Japanese name on Japanese pages, the English brand elsewhere."""
        if (get_language() or "").startswith("ja") and self.brand_name_ja:
            return self.brand_name_ja
        return self.brand_name

    @property
    def other_name(self) -> str:
        """The name in the other language, shown beside the display name where it differs."""
        if (get_language() or "").startswith("ja") and self.brand_name_ja:
            return self.brand_name
        return self.brand_name_ja if self.brand_name_ja != self.brand_name else ""

    def source_list(self) -> list[str]:
        return split_sources(self.sources)


class Approval(models.Model):
    """One marketing approval of a product, with its conditions and the evidence it rested on.

    `approved_on` is empty while the application is under review. A conditional approval
    carries `time_limit_years` or an explicit `time_limit_ends_on` from the approval letter
    (the letter's date wins: domain.md §2).
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="approvals")
    reference_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    approval_type = models.CharField(
        _("approval type"), max_length=40, choices=ApprovalTypeChoice.choices
    )
    indication = models.TextField(_("indication"))
    indication_ja = models.TextField(_("indication (Japanese)"), blank=True)
    council_endorsed_on = models.DateField(_("council endorsement date"), null=True, blank=True)
    approved_on = models.DateField(_("approval date"), null=True, blank=True)
    time_limit_years = models.PositiveSmallIntegerField(_("time limit (years)"), null=True)
    time_limit_ends_on = models.DateField(_("time limit end (from the letter)"), null=True)
    designations = models.JSONField(_("designations"), default=list, blank=True)
    re_examination_years = models.PositiveSmallIntegerField(
        _("re-examination period (years)"), null=True, blank=True
    )
    # Conditions of a conditional approval, kept as fields so that obligations can track them.
    all_case_surveillance = models.BooleanField(_("all-case surveillance"), null=True)
    target_patients = models.PositiveIntegerField(_("target number of patients"), null=True)
    conditions = models.TextField(_("other conditions"), blank=True)
    # The evidence the approval rested on.
    evidence_trial_phase = models.CharField(_("trial phase"), max_length=40, blank=True)
    evidence_patients = models.PositiveIntegerField(_("patients in the trial"), null=True)
    evidence_follow_up_months = models.PositiveIntegerField(_("follow-up (months)"), null=True)
    evidence_serious_adverse_events = models.PositiveIntegerField(
        _("serious adverse events reported"), null=True
    )
    evidence_source = models.TextField(_("source of the evidence"), blank=True)
    sources = models.TextField(_("sources"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product__slug", "approved_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="approval_standard_has_no_time_limit",
                condition=~models.Q(approval_type=ApprovalType.STANDARD.value)
                | (
                    models.Q(time_limit_years__isnull=True)
                    & models.Q(time_limit_ends_on__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="approval_endorsed_before_approved",
                condition=models.Q(council_endorsed_on__isnull=True)
                | models.Q(approved_on__isnull=True)
                | models.Q(council_endorsed_on__lte=models.F("approved_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.brand_name} ({self.approved_on or '—'})"

    def scope_organisation_ids(self) -> set[int]:
        return {self.product.holder.organisation_id}

    @property
    def is_conditional(self) -> bool:
        return self.approval_type == ApprovalType.CONDITIONAL_TIME_LIMITED.value

    @property
    def has_evidence(self) -> bool:
        return bool(
            self.evidence_trial_phase
            or self.evidence_patients is not None
            or self.evidence_follow_up_months is not None
            or self.evidence_serious_adverse_events is not None
        )

    def source_list(self) -> list[str]:
        return split_sources(self.sources)

    def evidence_source_list(self) -> list[str]:
        return split_sources(self.evidence_source)

    def designation_labels(self) -> list[str]:
        labels = dict(Designation.choices)
        return [str(labels.get(code, code)) for code in self.designations]

    def designation_entries(self) -> list[dict[str, object]]:
        """Each designation with what is recorded of it (number, date, sources), in the order
        of `designations`. Uses prefetched designation records when present."""
        labels = dict(Designation.choices)
        records = {record.code: record for record in self.designation_records.all()}
        entries = []
        for code in self.designations:
            record = records.get(code)
            entries.append(
                {
                    "code": code,
                    "label": str(labels.get(code, code)),
                    "number": record.number if record else "",
                    "designated_on": record.designated_on if record else None,
                    "sources": record.source_list() if record else [],
                }
            )
        return entries

    @property
    def display_indication(self) -> str:
        """The Japanese wording on Japanese pages where it is recorded, else the English."""
        if (get_language() or "").startswith("ja") and self.indication_ja:
            return self.indication_ja
        return self.indication

    @property
    def display_indication_lang(self) -> str:
        return "ja" if (get_language() or "").startswith("ja") and self.indication_ja else "en"


class ApprovalEvent(models.Model):
    """One dated event in an approval's life, with where the fact comes from."""

    approval = models.ForeignKey(Approval, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=40, choices=EventKind.choices)
    occurred_on = models.DateField(_("date"))
    detail = models.TextField(_("detail"), blank=True)
    source = models.TextField(_("source"), blank=True)
    # A time-limit extension: by a number of years or to an explicit end date.
    years = models.PositiveSmallIntegerField(null=True, blank=True)
    new_end_date = models.DateField(null=True, blank=True)
    # Confirmatory data: how many patients it covers (compared with the approval's target).
    patients = models.PositiveIntegerField(null=True, blank=True)
    # Where only the month or year is known, `occurred_on` is its first possible day.
    date_precision = models.CharField(
        _("date known to the"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.RECORDED)
    # Set on events loaded from the reference files: how the loader finds them again.
    reference_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "pk"]
        indexes = [models.Index(fields=["approval", "occurred_on"])]
        constraints = [
            models.CheckConstraint(
                name="approval_event_extension_has_one_measure",
                condition=(
                    models.Q(kind=EventKind.TIME_LIMIT_EXTENDED)
                    & (
                        (models.Q(years__isnull=False) & models.Q(new_end_date__isnull=True))
                        | (models.Q(years__isnull=True) & models.Q(new_end_date__isnull=False))
                    )
                )
                | (
                    ~models.Q(kind=EventKind.TIME_LIMIT_EXTENDED)
                    & models.Q(years__isnull=True)
                    & models.Q(new_end_date__isnull=True)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"

    def scope_organisation_ids(self) -> set[int]:
        return self.approval.scope_organisation_ids()

    def source_list(self) -> list[str]:
        return split_sources(self.source)

    @property
    def day_unknown(self) -> bool:
        return self.date_precision != DatePrecision.DAY

    @property
    def last_possible_day(self) -> date:
        return last_possible_day(self.occurred_on, self.date_precision)

    @property
    def date_display(self) -> str:
        return date_text(self.occurred_on, self.date_precision)

    @property
    def fhir_date(self) -> str:
        """FHIR dateTime allows a year or a year and month alone."""
        if self.date_precision == DatePrecision.YEAR:
            return f"{self.occurred_on.year:04d}"
        if self.date_precision == DatePrecision.MONTH:
            return self.occurred_on.isoformat()[:7]
        return self.occurred_on.isoformat()


class ApprovalDesignation(models.Model):
    """What is recorded of one designation of an approval (SAKIGAKE, orphan): its number,
    date and sources. The approval's `designations` list says which it has."""

    approval = models.ForeignKey(
        Approval, on_delete=models.PROTECT, related_name="designation_records"
    )
    code = models.CharField(_("designation"), max_length=20, choices=Designation.choices)
    designated_on = models.DateField(_("designated on"), null=True, blank=True)
    number = models.CharField(_("designation number"), max_length=100, blank=True)
    source = models.TextField(_("source"), blank=True)
    reference_key = models.CharField(max_length=120, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["approval", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["approval", "code"], name="approval_designation_once_per_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.number}".strip()

    def source_list(self) -> list[str]:
        return split_sources(self.source)


class StatusGap(models.Model):
    """A window in which the recorded events cannot settle the status.

    Some facts are known only to their month or year (HeartSheet's time-limit extension in 2018,
    its re-application in September 2023), or not dated at all (its refusal, August 2024 or
    later): where the unknown day changes the answer, the window says so instead of giving the
    wrong answer that a stored first-possible-day would give.

    Two kinds: with `known_status` set, the status (and whether the approval is in force) is the
    same whichever the unknown day, but the end of the time limit is not known; without it the
    status itself is not known. `ends_on` empty means no known end: the window lasts until the
    data records the event that settles it.
    """

    approval = models.ForeignKey(Approval, on_delete=models.PROTECT, related_name="status_gaps")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    known_status = models.CharField(
        _("status known throughout"),
        max_length=40,
        blank=True,
        choices=[(code.value, code.value) for code in ApprovalStatusCode],
    )
    note = models.TextField(_("what is not known"))
    note_ja = models.TextField(_("what is not known (Japanese)"), blank=True)
    source = models.TextField(_("source"), blank=True)
    reference_key = models.CharField(max_length=120, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                name="status_gap_ordered",
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__lte=models.F("ends_on")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} to {self.ends_on or '…'}"

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    @property
    def display_note(self) -> str:
        if (get_language() or "").startswith("ja") and self.note_ja:
            return self.note_ja
        return self.note

    @property
    def display_note_lang(self) -> str:
        return "ja" if (get_language() or "").startswith("ja") and self.note_ja else "en"

    def source_list(self) -> list[str]:
        return split_sources(self.source)


def split_sources(text: str) -> list[str]:
    """Sources are stored as one text, separated by " ; " as in the reference CSV."""
    return [part.strip() for part in text.split(" ; ") if part.strip()]
