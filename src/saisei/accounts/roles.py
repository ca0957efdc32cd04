"""Roles and the permission strings each grants: the permission matrix as data.

A membership ties a user to one organisation with one role. A permission granted by a
membership applies to objects within that organisation's scope, except for regulator
offices, whose permissions apply nationwide (the Minister and the Regional Bureaus
oversee every institution). Later capabilities add their permission strings here, and
the permission-matrix tests read this table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    INSTITUTION = "institution", _("Providing institution")
    COMMITTEE = "committee", _("Certified committee")
    REGULATOR = "regulator", _("Regulator office")
    HOLDER = "holder", _("Marketing-authorisation holder")


class Role(models.TextChoices):
    INSTITUTION_OFFICER = "institution_officer", _("Institution officer")
    INSTITUTION_STAFF = "institution_staff", _("Institution staff")
    COMMITTEE_SECRETARIAT = "committee_secretariat", _("Committee secretariat")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    REGULATOR = "regulator", _("Regulator")
    HOLDER_OFFICER = "holder_officer", _("Marketing-authorisation holder officer")


# Which organisation kind each role belongs to; a membership with another pairing is refused.
ROLE_ORGANISATION_KIND: dict[str, str] = {
    Role.INSTITUTION_OFFICER: OrganisationKind.INSTITUTION,
    Role.INSTITUTION_STAFF: OrganisationKind.INSTITUTION,
    Role.COMMITTEE_SECRETARIAT: OrganisationKind.COMMITTEE,
    Role.COMMITTEE_MEMBER: OrganisationKind.COMMITTEE,
    Role.REGULATOR: OrganisationKind.REGULATOR,
    Role.HOLDER_OFFICER: OrganisationKind.HOLDER,
}

# Organisation kinds whose members' permissions are not limited to their own organisation.
NATIONWIDE_KINDS: frozenset[str] = frozenset({OrganisationKind.REGULATOR})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.INSTITUTION_OFFICER: frozenset(
        {
            "organisation.view_private",
            "organisation.view_audit",
            "plans.view",
            "plans.edit",
            "plans.submit",
            "plans.file",
            "plans.change",
            "plans.discontinue",
            "obligations.view",
            "obligations.record_filing",
            "reporting.view",
            "reporting.view_patient_level",
            "reporting.record",
            "reporting.file",
            # Notices of an in-house processing facility's changes and closure (Act Arts 40(3), 41).
            "registry.facility.record_notice",
        }
    ),
    Role.INSTITUTION_STAFF: frozenset(
        {
            "organisation.view_private",
            "plans.view",
            "plans.edit",
            "obligations.view",
            "reporting.view",
            "reporting.view_patient_level",
            "reporting.record",
        }
    ),
    Role.COMMITTEE_SECRETARIAT: frozenset(
        {
            "organisation.view_private",
            "organisation.view_audit",
            "plans.view",
            "plans.review",
            "registry.committee.manage",
            # The committee's own working days and its certification's renewal (Act Art 28(3)).
            "registry.committee.set_closed_days",
            "registry.committee.apply_renewal",
            "obligations.view",
            "obligations.record_filing",
            "reporting.view",
            "reporting.review",
        }
    ),
    Role.COMMITTEE_MEMBER: frozenset(
        {"organisation.view_private", "plans.view", "obligations.view", "reporting.view"}
    ),
    Role.REGULATOR: frozenset(
        {
            "organisation.view_private",
            "organisation.view_audit",
            "audit.view_all",
            "plans.view",
            "plans.accept",
            "orders.issue",
            "registry.manage",
            "registry.committee.manage",
            # The certifier decides a renewal (Act Art 28(3)-(5)); notices of a third-party
            # facility with no account in Saisei are recorded by the Regional Bureau receiving them.
            "registry.committee.decide_renewal",
            "registry.facility.record_third_party_notice",
            "obligations.view",
            "obligations.waive",
            "reporting.view",
            "products.record_decision",
            # The national view (saisei.oversight): figures across every institution.
            "oversight.view",
        }
    ),
    Role.HOLDER_OFFICER: frozenset(
        {"organisation.view_private", "obligations.view", "products.record_holder_event"}
    ),
}


def permissions_of_role(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


def all_permissions() -> frozenset[str]:
    return frozenset().union(*ROLE_PERMISSIONS.values())
