"""What other apps keep that rests on a registry record, asked without the registry importing
them.

A committee's kind decides which classes of plan it may review (Class I and II only a specially
certified committee: Act Art 7, Art 11; domain.md §1.3, §1.6). The plans in its care are the
plans app's, which sits above the registry, so plans contributes the check from its
AppConfig.ready() (saisei.plans.registry_dependents), and committee_update asks whatever was
contributed before it changes a committee's kind, as saisei.registry.sections does for the
registry's pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from saisei.registry.models import Committee

T = TypeVar("T")


@dataclass(frozen=True)
class Dependent:
    """One record of another app that the change would leave wrong: its model's label
    (`plans.plan`), its id, and what a person knows it by (a plan's number, or its title)."""

    what: str
    id: int
    label: str

    def as_dict(self) -> dict[str, object]:
        return {"what": self.what, "id": self.id, "label": self.label}


class Checks(Generic[T]):
    """The checks other apps add for one kind of change, by app name. A check is given the
    record as it stands and the value it would take, and answers the records it would leave
    wrong (none: the change may be made)."""

    def __init__(self) -> None:
        self._checks: dict[str, Callable[[Committee, T], Iterable[Dependent]]] = {}

    def add(self, name: str, check: Callable[[Committee, T], Iterable[Dependent]]) -> None:
        """Contribute `check` (once per name, so a second ready() replaces rather than
        repeats)."""
        self._checks[name] = check

    def blocking(self, committee: Committee, value: T) -> list[Dependent]:
        found: list[Dependent] = []
        for check in self._checks.values():
            found.extend(check(committee, value))
        return found


# A committee's kind changing to the given kind (saisei.registry.services.committee_update).
committee_kind: Checks[str] = Checks()
