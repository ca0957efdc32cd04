"""What other apps show on the registry's pages, without the registry importing them.

The registry sits below the apps that build on it: a plan names its institution, never the
reverse. An institution's public page still lists its filed plans and the orders against it, so
plans contributes that part from its AppConfig.ready() (saisei.plans.registry_sections), and the
page gathers whatever was contributed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from saisei.registry.models import Institution

# Template context for registry/institution_public.html, by the name of the app that adds it.
InstitutionSection = Callable[[Institution], Mapping[str, Any]]

_INSTITUTION_SECTIONS: dict[str, InstitutionSection] = {}


def add_institution_section(name: str, section: InstitutionSection) -> None:
    """Contribute `section`'s keys to an institution's public page (once per name, so a second
    ready() replaces rather than repeats)."""
    _INSTITUTION_SECTIONS[name] = section


def institution_sections(institution: Institution) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for section in _INSTITUTION_SECTIONS.values():
        context.update(section(institution))
    return context
