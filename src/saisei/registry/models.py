"""The registry: providing institutions, certified committees and their members, and cell
processing facilities (domain.md §1.6-1.7).

Institutions and committees each own an accounts.Organisation, so memberships and
permission scopes work for them as for every other party. Rows are never deleted: a
plan's legal record points at them.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from saisei.registry.regions import Bureau, Prefecture, bureau_for_prefecture

if TYPE_CHECKING:
    from saisei.law import CertificationStatus, RenewalApplication


class InstitutionKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    CLINIC = "clinic", _("Clinic")


class Institution(models.Model):
    """A hospital or clinic that provides regenerative medicine (再生医療等提供機関).

    One registered in Saisei, or known only from MHLW's public list of filed plans (then its
    kind and manager are not known: the list does not say). `listed_names` keeps every spelling
    the lists wrote it with; the keys it is matched by are kept from its name on save
    (saisei.registry.names)."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="institution"
    )
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices, blank=True)
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=Prefecture.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    manager_name = models.CharField(_("manager"), max_length=150, blank=True)
    listed_names = models.JSONField(_("names in MHLW's list"), default=list, blank=True)
    name_key = models.CharField(max_length=200, editable=False, default="")
    corporation_key = models.CharField(max_length=200, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["prefecture", "name"]),
            models.Index(fields=["prefecture", "name_key"], name="institution_match"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        from saisei.registry.names import name_key

        self.corporation_key, self.name_key = name_key(self.name)
        fields = kwargs.get("update_fields")
        if fields is not None and "name" in fields:
            kwargs["update_fields"] = {*fields, "name_key", "corporation_key"}
        super().save(*args, **kwargs)

    @property
    def regional_bureau(self) -> Bureau:
        return bureau_for_prefecture(self.prefecture)

    def scope_organisation_ids(self) -> set[int]:
        return {self.organisation_id}


class CommitteeKind(models.TextChoices):
    # Values match saisei.law.CommitteeKind so the procedure table can be compared directly.
    SPECIALLY_CERTIFIED = "specially_certified", _("Specially certified committee")
    CERTIFIED = "certified", _("Certified committee")


class FounderType(models.TextChoices):
    MEDICAL_INSTITUTION = "medical_institution", _("Medical institution")
    ACADEMIC_SOCIETY = "academic_society", _("Academic society")
    ASSOCIATION = "association", _("General association or foundation")
    NPO = "npo", _("Non-profit organisation")
    UNIVERSITY = "university", _("University")
    OTHER = "other", _("Other body")


class MemberCategory(models.TextChoices):
    A = "a", _("(a) Molecular/cell biology, genetics, clinical pharmacology or pathology")
    B = "b", _("(b) Regenerative-medicine science")
    C = "c", _("(c) Practising clinician")
    D = "d", _("(d) Cell processing")
    E = "e", _("(e) Lawyer versed in medical human rights")
    F = "f", _("(f) Bioethics")
    G = "g", _("(g) Biostatistics or clinical research")
    H = "h", _("(h) Lay member")
    I = "i", _("(i) Gene-therapy effects in humans (from 2025-05-31)")  # noqa: E741
    J = "j", _("(j) Nucleic-acid manufacture (from 2025-05-31)")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


# Default meeting rules (domain.md §1.6, the example rules a Class III committee filed). Each
# committee carries its own copy in its rule fields, so an operator can change them without code.
DEFAULT_REQUIRED_CATEGORIES: dict[str, list[str]] = {
    CommitteeKind.SPECIALLY_CERTIFIED: ["a", "b", "c", "d", "e", "f", "g", "h"],
    # A certified (Class III) committee's categories are not listed in domain.md; these defaults
    # (science, cell processing, law or ethics, lay) are a placeholder to be set per committee.
    CommitteeKind.CERTIFIED: ["b", "d", "e", "h"],
}
# Reviews of gene therapy need categories i and j too from the 2025 amendment on.
GENE_THERAPY_CATEGORIES = ["i", "j"]
GENE_THERAPY_CATEGORIES_FROM = date(2025, 5, 31)


def kind_may_review(kind: str, risk_class: str) -> bool:
    """Whether a committee of `kind` may review a plan of `risk_class` (domain.md §1.3)."""
    from saisei.law import CommitteeKind as LawCommitteeKind
    from saisei.law import procedure_for

    required = procedure_for(risk_class).committee
    return kind == CommitteeKind.SPECIALLY_CERTIFIED or required == LawCommitteeKind.CERTIFIED


CERTIFICATION_NUMBER = RegexValidator(
    r"^N[AB][0-9]{7}$",
    _("A certification number is NA or NB followed by seven digits, for example NA8150004."),
)


class Committee(models.Model):
    """A certified committee (認定再生医療等委員会) and the rules its meetings follow."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="committee"
    )
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=CommitteeKind.choices)
    certification_number = models.CharField(
        _("certification number"),
        max_length=9,
        unique=True,
        validators=[CERTIFICATION_NUMBER],
    )
    founder_name = models.CharField(_("founder"), max_length=200)
    founder_type = models.CharField(_("founder type"), max_length=30, choices=FounderType.choices)
    certified_on = models.DateField(_("certified on"))
    # The last day of the current three-year term (Act Art 28(1), (5)), kept in step when a
    # renewal is granted. Whether the certification is in force on a day is not this field
    # alone: a timely renewal still undecided keeps it in force (Art 28(4)); see certification().
    valid_until = models.DateField(_("valid until"))
    scope = models.CharField(_("scope of review"), max_length=300, blank=True)
    # Meeting rules as data (domain.md §1.6).
    rule_min_present = models.PositiveSmallIntegerField(_("minimum members present"), default=5)
    rule_majority_present = models.BooleanField(_("a majority of members present"), default=True)
    rule_both_sexes = models.BooleanField(_("at least one man and one woman"), default=True)
    rule_required_categories = models.JSONField(_("required categories"), default=list)
    rule_min_no_interest = models.PositiveSmallIntegerField(
        _("minimum members with no interest in the applicant"), default=2
    )
    rule_min_independent = models.PositiveSmallIntegerField(
        _("minimum members independent of the founder"), default=1
    )
    # The kinds of day the committee does not transact (saisei.law.COMMITTEE_CLOSED_DAY_CHOICES:
    # sunday, saturday, national_holiday, year_end_closure). A report to the committee is not a
    # filing with a government office, so only these move its last day (Civil Code Art 142);
    # empty, the default, moves nothing (domain.md §1.9).
    rule_closed_days = models.JSONField(_("days the committee is closed"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("certified_on")),
                name="committee_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.certification_number})"

    def scope_organisation_ids(self) -> set[int]:
        return {self.organisation_id}

    def may_review(self, risk_class: str) -> bool:
        """Class I and II need a specially certified committee; Class III either kind."""
        return kind_may_review(self.kind, risk_class)

    @property
    def closed_days(self) -> tuple[str, ...]:
        return tuple(self.rule_closed_days or ())

    @property
    def certifier(self) -> str:
        """The recipient id of the authority that certifies the committee and receives its renewal
        applications: the Minister for a specially certified committee, the Regional Bureau for
        one that reviews Class III only (Act Art 28(3); Ordinance Art 118(1)(x))."""
        return "minister" if self.kind == CommitteeKind.SPECIALLY_CERTIFIED else "regional_bureau"

    def renewal_applications(self) -> list[RenewalApplication]:
        # `.all()` uses a prefetch of `renewals` when the selector made one.
        return [renewal.as_law() for renewal in self.renewals.all()]

    def certification(self, on: date) -> CertificationStatus:
        """The certification's status on a day, from the law (Act Art 28(1), (3)-(5))."""
        from saisei.law import certification_status
        from saisei.obligations.services import current_rules

        return certification_status(
            self.certified_on,
            self.renewal_applications(),
            on,
            to=self.certifier,
            rules=current_rules(),
        )

    @property
    def certification_today(self) -> CertificationStatus:
        from saisei.core.time import legal_today

        return self.certification(legal_today())

    def certified_on_day(self, on: date) -> bool:
        return self.certification(on).in_force


class CommitteeRenewal(models.Model):
    """An application to renew a committee's certification at the end of term `term` (1 = the
    first three years), and the certifier's decision (Act Art 28(3)-(5)).

    The application meets the term's `committee_renewal` duty. Rows are never deleted: a refused
    application stays on record beside any later one for the same term.
    """

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="renewals")
    term = models.PositiveSmallIntegerField(_("term"))
    applied_on = models.DateField(_("applied on"))
    reference = models.CharField(_("reference (receipt or file number)"), max_length=100)
    # Made outside the window for a disaster or other unavoidable reason (Art 28(3) proviso),
    # which makes it timely all the same.
    excused = models.BooleanField(_("outside the window for an unavoidable reason"), default=False)
    excused_reason = models.TextField(_("reason"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    granted = models.BooleanField(_("granted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "term", "applied_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(term__gte=1), name="renewal_term_positive"),
            # Undecided (a pending application) or decided with both its day and its outcome.
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True, granted__isnull=True)
                | models.Q(decided_on__isnull=False, granted__isnull=False),
                name="renewal_decision_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True)
                | models.Q(decided_on__gte=models.F("applied_on")),
                name="renewal_decided_after_applied",
            ),
            models.CheckConstraint(
                condition=models.Q(excused=False) | ~models.Q(excused_reason=""),
                name="renewal_excuse_has_reason",
            ),
            models.UniqueConstraint(
                fields=["committee", "term"],
                condition=models.Q(decided_on__isnull=True),
                name="renewal_one_pending_per_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} · term {self.term} · {self.applied_on}"

    def scope_organisation_ids(self) -> set[int]:
        return {self.committee.organisation_id}

    @property
    def pending(self) -> bool:
        return self.decided_on is None

    def as_law(self) -> RenewalApplication:
        from saisei.law import RenewalApplication

        return RenewalApplication(
            term=self.term,
            applied_on=self.applied_on,
            decided_on=self.decided_on,
            granted=self.granted,
            excused=self.excused,
        )


class CommitteeMember(models.Model):
    """A member on a committee's roster. Need not be a user of Saisei."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=150)
    category = models.CharField(_("category"), max_length=1, choices=MemberCategory.choices)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    independent_of_founder = models.BooleanField(_("independent of the founder"), default=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "category", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.category})"

    def scope_organisation_ids(self) -> set[int]:
        return {self.committee.organisation_id}


class FacilityKind(models.TextChoices):
    LICENCE = "licence", _("Licence (domestic, outside a medical institution)")
    NOTIFICATION = "notification", _("Notification (inside a hospital or clinic, or similar)")
    ACCREDITATION = "accreditation", _("Accreditation (foreign facility)")


class ProcessingFacility(models.Model):
    """A cell processing facility (細胞培養加工施設, CPC), domain.md §1.7."""

    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FacilityKind.choices)
    number = models.CharField(_("facility number"), max_length=40, unique=True)
    operator_name = models.CharField(_("operator"), max_length=200)
    # The institution that runs it in-house; empty for a third-party processor.
    operator_institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facilities",
        verbose_name=_("operating institution (in-house facility)"),
    )
    domestic = models.BooleanField(_("in Japan"), default=True)
    country = models.CharField(_("country"), max_length=80, blank=True)
    prefecture = models.CharField(
        _("prefecture"), max_length=2, choices=Prefecture.choices, blank=True
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # The day manufacture stopped, from its closure notice (Act Art 41); set once, by
    # facility_notice_record.
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "processing facilities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("valid_from")),
                name="facility_closed_after_it_began",
            ),
            # A foreign facility is accredited by the Minister; a domestic one is not.
            models.CheckConstraint(
                condition=(
                    models.Q(domestic=True) & ~models.Q(kind="accreditation")
                    | models.Q(domestic=False, kind="accreditation")
                ),
                name="facility_kind_matches_location",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    @property
    def in_house(self) -> bool:
        return self.operator_institution_id is not None

    def scope_organisation_ids(self) -> set[int]:
        operator = self.operator_institution
        if operator is None:
            return set()
        return {operator.organisation_id}


class FacilityNoticeKind(models.TextChoices):
    CHANGE = "change", _("Change to the structure or equipment")
    CLOSURE = "closure", _("Manufacture stopped (closure)")


# The duty each kind of notice opens (domain.md §1.7-1.8).
NOTICE_RULES: dict[str, str] = {
    FacilityNoticeKind.CHANGE: "cpc_change_notice",
    FacilityNoticeKind.CLOSURE: "cpc_closure_notice",
}


class FacilityNotice(models.Model):
    """A change to a facility's structure or equipment, or that it stopped manufacturing, as
    recorded in Saisei. Each opens its 30-day notice to the Regional Bureau (Act Art 37 or
    Art 40(3); Art 41), which is filed outside Saisei (e-再生医療). Never deleted."""

    facility = models.ForeignKey(
        ProcessingFacility, on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FacilityNoticeKind.choices)
    event_on = models.DateField(_("date of the change or closure"))
    summary = models.TextField(_("what changed or why it stopped"), max_length=2000)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["facility", "event_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility"],
                condition=models.Q(kind="closure"),
                name="facility_notice_one_closure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility} · {self.kind} · {self.event_on}"

    def scope_organisation_ids(self) -> set[int]:
        return self.facility.scope_organisation_ids()

    @property
    def rule(self) -> str:
        return NOTICE_RULES[self.kind]
