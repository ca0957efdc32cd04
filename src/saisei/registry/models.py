"""The registry: providing institutions, certified committees and their members, and cell
processing facilities (domain.md §1.6-1.7).

Institutions and committees each own an accounts.Organisation, so memberships and
permission scopes work for them as for every other party. Rows are never deleted: a
plan's legal record points at them.
"""

from __future__ import annotations

from datetime import date

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from saisei.registry.regions import Bureau, Prefecture, bureau_for_prefecture


class InstitutionKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    CLINIC = "clinic", _("Clinic")


class Institution(models.Model):
    """A hospital or clinic that provides regenerative medicine (再生医療等提供機関)."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="institution"
    )
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=Prefecture.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    manager_name = models.CharField(_("manager"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["prefecture", "name"])]

    def __str__(self) -> str:
        return self.name

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
        from saisei.law import CommitteeKind as LawCommitteeKind
        from saisei.law import procedure_for

        required = procedure_for(risk_class).committee
        return (
            self.kind == CommitteeKind.SPECIALLY_CERTIFIED or required == LawCommitteeKind.CERTIFIED
        )

    @property
    def closed_days(self) -> tuple[str, ...]:
        return tuple(self.rule_closed_days or ())

    def certified_on_day(self, on: date) -> bool:
        return self.certified_on <= on <= self.valid_until


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "processing facilities"
        constraints = [
            # A foreign facility is accredited by the Minister; a domestic one is not.
            models.CheckConstraint(
                condition=(
                    models.Q(domestic=True) & ~models.Q(kind="accreditation")
                    | models.Q(domestic=False, kind="accreditation")
                ),
                name="facility_kind_matches_location",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    @property
    def in_house(self) -> bool:
        return self.operator_institution_id is not None

    def scope_organisation_ids(self) -> set[int]:
        if self.operator_institution_id is None:
            return set()
        return {self.operator_institution.organisation_id}
