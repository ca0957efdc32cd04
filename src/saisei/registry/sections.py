"""What other apps show on the registry's pages, without the registry importing them.

The registry sits below the apps that build on it: a plan names its institution, never the
reverse. An institution's public page still lists its filed plans and the orders against it, so
plans contributes that part from its AppConfig.ready() (saisei.plans.registry_sections), and the
page gathers whatever was contributed. Likewise a committee's page and a processing facility's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from saisei.registry.models import Committee, Institution, ProcessingFacility

T = TypeVar("T")


class Sections(Generic[T]):
    """The template context other apps add to one kind of registry page, by app name."""

    def __init__(self) -> None:
        self._sections: dict[str, Callable[[T], Mapping[str, Any]]] = {}

    def add(self, name: str, section: Callable[[T], Mapping[str, Any]]) -> None:
        """Contribute `section`'s keys to the page (once per name, so a second ready()
        replaces rather than repeats)."""
        self._sections[name] = section

    def context(self, record: T) -> dict[str, Any]:
        context: dict[str, Any] = {}
        for section in self._sections.values():
            context.update(section(record))
        return context


# registry/institution_public.html, committee.html and facility.html.
institution: Sections[Institution] = Sections()
committee: Sections[Committee] = Sections()
facility: Sections[ProcessingFacility] = Sections()
