"""Writes to the registry, by stage. Each checks permission, validates, writes and audits in one
transaction; a refusal is a DomainError whose details name the fields
(saisei.core.errors.invalid).

- records: registering and correcting institutions, committees (members, meeting rules) and
  facilities
- committees: a committee's closed days and the renewal of its certification
- facilities: a facility's notices of a change or a stop of manufacture

`actor=None` with `system=` is for the demo loader and commands run by an operator.
"""

from saisei.registry.services.committees import (
    committee_closed_days_set,
    committee_renewal_apply,
    committee_renewal_decide,
    renewal_is_timely,
)
from saisei.registry.services.common import authorise
from saisei.registry.services.facilities import facility_notice_record
from saisei.registry.services.records import (
    committee_create,
    committee_member_add,
    committee_member_deactivate,
    committee_member_reactivate,
    committee_rules_set,
    committee_update,
    facility_create,
    facility_update,
    institution_create,
    institution_update,
)

__all__ = [
    "authorise",
    "committee_closed_days_set",
    "committee_create",
    "committee_member_add",
    "committee_member_deactivate",
    "committee_member_reactivate",
    "committee_renewal_apply",
    "committee_renewal_decide",
    "committee_rules_set",
    "committee_update",
    "facility_create",
    "facility_notice_record",
    "facility_update",
    "institution_create",
    "institution_update",
    "renewal_is_timely",
]
