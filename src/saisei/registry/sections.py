"""What other apps show on the registry's pages, without the registry importing them.

The registry sits below the apps that build on it: a plan names its institution, never the
reverse. An institution's public page still lists its filed plans and the orders against it, so
plans contributes that part from its AppConfig.ready() (saisei.plans.registry_sections), and the
page gathers whatever was contributed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from saisei.registry.models import Committee, Institution, ProcessingFacility

# Template context for registry/institution_public.html (and committee.html), by the name of the
# app that adds it.
InstitutionSection = Callable[[Institution], Mapping[str, Any]]
CommitteeSection = Callable[[Committee], Mapping[str, Any]]
FacilitySection = Callable[[ProcessingFacility], Mapping[str, Any]]

_INSTITUTION_SECTIONS: dict[str, InstitutionSection] = {}
_COMMITTEE_SECTIONS: dict[str, CommitteeSection] = {}
_FACILITY_SECTIONS: dict[str, FacilitySection] = {}


def add_institution_section(name: str, section: InstitutionSection) -> None:
    """Contribute `section`'s keys to an institution's public page (once per name, so a second
    ready() replaces rather than repeats)."""
    _INSTITUTION_SECTIONS[name] = section


def institution_sections(institution: Institution) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for section in _INSTITUTION_SECTIONS.values():
        context.update(section(institution))
    return context


def add_committee_section(name: str, section: CommitteeSection) -> None:
    """Contribute `section`'s keys to a committee's page (once per name)."""
    _COMMITTEE_SECTIONS[name] = section


def committee_sections(committee: Committee) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for section in _COMMITTEE_SECTIONS.values():
        context.update(section(committee))
    return context


def add_facility_section(name: str, section: FacilitySection) -> None:
    """Contribute `section`'s keys to a processing facility's page (once per name)."""
    _FACILITY_SECTIONS[name] = section


def facility_sections(facility: ProcessingFacility) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for section in _FACILITY_SECTIONS.values():
        context.update(section(facility))
    return context
