"""The types of the obligations the RM Act creates: a rule, its kind, its recipients' routes,
and the immutable set of rules (data of saisei.law.obligations, which re-exports them)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from saisei.law.errors import LawInputError, describe_value
from saisei.law.recipients import Recipient

__all__ = ["Route", "Rule", "RuleKind", "RuleSet", "Unit"]


class RuleKind(StrEnum):
    SINGLE = "single"  # one due date after one event
    PERIODIC_YEARLY = "periodic_yearly"  # a report after each one-year period
    PERIODIC_60_DAY = "periodic_60_day"  # a report after each 60-day period
    RENEWAL = "renewal"  # an application due in a window before a term of validity ends
    RESTRICTION = "restriction"  # a time during which something is forbidden
    RETENTION = "retention"  # keep something until a date
    VALIDITY = "validity"  # a certification or licence that expires unless renewed

    @property
    def periodic(self) -> bool:
        """Rules whose ``period`` picks one of a series (reports per period, renewals per term)."""
        return self in _PERIODIC_KINDS


_PERIODIC_KINDS = frozenset({RuleKind.PERIODIC_YEARLY, RuleKind.PERIODIC_60_DAY, RuleKind.RENEWAL})


class Unit(StrEnum):
    DAYS = "days"
    YEARS = "years"


@dataclass(frozen=True, slots=True)
class Route:
    """One recipient of a rule's report, with the provision that sends it there."""

    to: Recipient
    basis: str
    basis_ja: str

    def to_dict(self) -> dict[str, str]:
        return {"to": self.to.value, "basis": self.basis, "basis_ja": self.basis_ja}


@dataclass(frozen=True, slots=True)
class Rule:
    """One obligation.

    ``offset``/``offset_unit`` give the length: for a single event, the time after it; for a
    periodic rule, the time after each period's last day; for a renewal, the days before the
    term's last day; for a restriction, the days before the act is allowed; for retention, how long
    to keep; for validity, how long the grant lasts. ``routes`` are the recipients in the order of
    domain.md §1.8 (the first is the default), each with its own basis; rules with no recipient
    (restrictions, retention, validity) have none and cite ``basis``. ``legal_name_ja`` is the
    duty's name in the statute (疾病等報告, 定期報告, …), so that a search for it finds the rule.
    """

    id: str
    title: str
    title_ja: str
    legal_name_ja: str
    basis: str
    basis_ja: str
    clock_starts: str
    kind: RuleKind
    offset: int
    offset_unit: Unit
    routes: tuple[Route, ...]
    rolls_forward: bool
    uncertain: bool = False
    note: str = ""
    note_ja: str = ""
    # RENEWAL only: the window opens this many days before the term's last day, and each term of
    # validity lasts term_years (counting its first day as day 1).
    window: int = 0
    term_years: int = 0

    @property
    def recipients(self) -> tuple[str, ...]:
        # `_value_` is the member's value as a plain attribute (`.value` is a descriptor, which
        # the law's due dates for a country's duties pay some hundreds of thousands of times).
        return tuple(route.to._value_ for route in self.routes)

    def route(self, to: Recipient | str | None) -> Route | None:
        """The route to ``to`` (the default route when ``to`` is None); None for a rule with no
        recipient. Raises ``LawInputError`` (field ``to``) for a recipient the rule does not have.
        """
        if not self.routes:
            if to is not None:
                raise LawInputError(
                    "to", f"{self.id} has no recipient (it is a {self.kind.value} rule)"
                )
            return None
        if to is None:
            return self.routes[0]
        for route in self.routes:
            if route.to._value_ == to:
                return route
        raise LawInputError(
            "to",
            f"{self.id} is not sent to {describe_value(to)} "
            f"(its recipients: {', '.join(self.recipients)})",
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "legal_name_ja": self.legal_name_ja,
            "basis": self.basis,
            "clock_starts": self.clock_starts,
            "kind": self.kind.value,
            "offset": self.offset,
            "offset_unit": self.offset_unit.value,
            "recipients": list(self.recipients),
            "routes": [route.to_dict() for route in self.routes],
            "rolls_forward": self.rolls_forward,
            "uncertain": self.uncertain,
            "note": self.note,
        }


class RuleSet(Mapping[str, Rule]):
    """An immutable mapping of rule id to ``Rule``, in the order of domain.md §1.8."""

    __slots__ = ("_rules",)

    def __init__(self, rules: Iterable[Rule]) -> None:
        by_id: dict[str, Rule] = {}
        for rule in rules:
            if rule.id in by_id:
                raise ValueError(f"duplicate rule id {rule.id!r}")
            by_id[rule.id] = rule
        self._rules: Mapping[str, Rule] = MappingProxyType(by_id)

    def __getitem__(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"RuleSet({list(self._rules)!r})"

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id; an unknown id raises ``LawInputError`` (field ``rule``)."""
        try:
            return self._rules[rule_id]
        except KeyError:
            raise LawInputError(
                "rule",
                f"unknown rule {describe_value(rule_id)} (expected one of {', '.join(self)})",
            ) from None
