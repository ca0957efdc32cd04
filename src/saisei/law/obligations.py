"""The obligations the RM Act creates, as data (domain.md §1.8).

Each rule says what starts its clock, how the due date follows from it and whether a due date
falling on a closed day rolls forward. Rules marked *(uncertain)* in domain.md carry
``uncertain=True`` and can be changed by configuration without a code change:
``load_rules(overrides)`` applies a mapping of ``rule id -> {field: value}`` on top of the defaults,
and the command line reads such a mapping from the JSON file named by the environment variable
``SAISEI_LAW_OVERRIDES``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from saisei.law.errors import LawConfigError, LawInputError, describe_value
from saisei.law.procedures import CLASS1_RESTRICTION_DAYS

__all__ = [
    "OVERRIDABLE_FIELDS",
    "OVERRIDES_ENV_VAR",
    "RULES",
    "Rule",
    "RuleKind",
    "RuleSet",
    "Unit",
    "load_overrides_file",
    "load_rules",
    "rules_from_environment",
]

OVERRIDES_ENV_VAR = "SAISEI_LAW_OVERRIDES"


class RuleKind(StrEnum):
    SINGLE = "single"  # one due date after one event
    PERIODIC_YEARLY = "periodic_yearly"  # a report after each one-year period
    PERIODIC_60_DAY = "periodic_60_day"  # a report after each 60-day period
    RESTRICTION = "restriction"  # a time during which something is forbidden
    RETENTION = "retention"  # keep something until a date
    VALIDITY = "validity"  # a certification or licence that expires unless renewed

    @property
    def periodic(self) -> bool:
        return self in (RuleKind.PERIODIC_YEARLY, RuleKind.PERIODIC_60_DAY)


class Unit(StrEnum):
    DAYS = "days"
    YEARS = "years"


@dataclass(frozen=True, slots=True)
class Rule:
    """One obligation.

    ``offset``/``offset_unit`` give the length: for a single event, the time after it; for a
    periodic rule, the time after each period's last day; for a restriction, the days before the
    act is allowed; for retention, how long to keep; for validity, how long the grant lasts.
    """

    id: str
    title: str
    basis: str
    clock_starts: str
    kind: RuleKind
    offset: int
    offset_unit: Unit
    recipients: tuple[str, ...]
    rolls_forward: bool
    uncertain: bool = False
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "basis": self.basis,
            "clock_starts": self.clock_starts,
            "kind": self.kind.value,
            "offset": self.offset,
            "offset_unit": self.offset_unit.value,
            "recipients": list(self.recipients),
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


_ORDINANCE_35 = "Ordinance Art 35"

# Citations: domain.md gives RM Act Art 18 and Ordinance Art 35 for adverse events; Art 35 item 1
# (7 days) and item 2 (15 days) were checked against the ordinance text quoted in MHLW council
# material. Art 5 (plan changes) and Art 6 (discontinuation) were checked against the Act's table of
# contents. Where no article could be checked, none is given rather than a guess.
_DEFAULTS: tuple[Rule, ...] = (
    Rule(
        id="ae_death",
        title="Adverse event report: death, or a case that may lead to death",
        basis=f"RM Act Art 18; {_ORDINANCE_35}(1)(i)",
        clock_starts="the day the institution learns of the event",
        kind=RuleKind.SINGLE,
        offset=7,
        offset_unit=Unit.DAYS,
        recipients=("committee", "minister"),
        rolls_forward=True,
    ),
    Rule(
        id="ae_serious",
        title=(
            "Adverse event report: hospitalisation or longer stay, disability or possible "
            "disability, other serious case, congenital anomaly in offspring"
        ),
        basis=f"RM Act Art 18; {_ORDINANCE_35}(1)(ii)",
        clock_starts="the day the institution learns of the event",
        kind=RuleKind.SINGLE,
        offset=15,
        offset_unit=Unit.DAYS,
        recipients=("committee", "minister"),
        rolls_forward=True,
    ),
    Rule(
        id="ae_other_cycle",
        title="Adverse event report: all other suspected adverse events, reported together",
        basis=f"{_ORDINANCE_35} (other suspected adverse events, per 60-day period)",
        clock_starts="the plan's filing date, day 1 of the first 60-day period",
        kind=RuleKind.PERIODIC_60_DAY,
        offset=10,
        offset_unit=Unit.DAYS,
        recipients=("committee",),
        rolls_forward=True,
    ),
    Rule(
        id="periodic_report",
        title="Periodic report on provision (定期報告), required even with zero cases",
        # Not stated in domain.md: Art 20(1) and 21(1) are among the articles the Ordinance names
        # as delegating to it; confirm against e-Gov 425AC0000000085 before relying on them.
        basis="RM Act Art 20-21 (periodic report, 定期報告); Ordinance",
        clock_starts="the plan's filing date, day 1 of the first one-year period",
        kind=RuleKind.PERIODIC_YEARLY,
        offset=90,
        offset_unit=Unit.DAYS,
        recipients=("committee", "regional_bureau", "minister"),
        rolls_forward=True,
        note=(
            "the committee reviews the report first and its opinion is attached; it then goes to "
            "the Regional Bureau or MHLW; from 2025-05-31 it reports outcomes against the plan's "
            "evaluation criteria"
        ),
    ),
    Rule(
        id="cpc_periodic_report",
        title="Cell processing facility's periodic report on manufacturing",
        basis="RM Act (periodic report of a cell processing facility); Ordinance",
        clock_starts="the facility's licence or notification date, day 1 of the first period",
        kind=RuleKind.PERIODIC_YEARLY,
        offset=60,
        offset_unit=Unit.DAYS,
        recipients=("regional_bureau",),
        rolls_forward=True,
    ),
    Rule(
        id="minor_change",
        title="Notice of a minor change to a provision plan (様式第3)",
        basis="RM Act Art 5(3) (minor change notice, 様式第3); Ordinance",
        clock_starts="the day of the change",
        kind=RuleKind.SINGLE,
        offset=10,
        offset_unit=Unit.DAYS,
        recipients=("regional_bureau", "committee"),
        rolls_forward=True,
        note="filed with the Regional Bureau; the committee is informed",
    ),
    Rule(
        id="discontinuation",
        title="Notice of discontinuation of provision (様式第4)",
        basis="RM Act Art 6 (notice of discontinuation, 様式第4); Ordinance",
        clock_starts="the day provision stops",
        kind=RuleKind.SINGLE,
        offset=10,
        offset_unit=Unit.DAYS,
        recipients=("regional_bureau", "committee"),
        rolls_forward=True,
        note="reporting obligations continue until close-out",
    ),
    Rule(
        id="research_summary",
        title="Research summary report (総括報告書)",
        basis="Ordinance (research summary report, 総括報告書; published on jRCT)",
        clock_starts="the later of the stop date and the end of data collection",
        kind=RuleKind.SINGLE,
        offset=1,
        offset_unit=Unit.YEARS,
        recipients=("committee", "jrct"),
        rolls_forward=True,
    ),
    Rule(
        id="class1_restriction",
        title="Class I may not be provided before the restriction ends",
        basis=(
            "RM Act (Class I provision restriction: 90 days from filing; restarted by a non-minor "
            "change, Art 10)"
        ),
        clock_starts="the filing date, day 1 of the restriction",
        kind=RuleKind.RESTRICTION,
        offset=CLASS1_RESTRICTION_DAYS,
        offset_unit=Unit.DAYS,
        recipients=(),
        # A restriction forbids an act until a day; Civil Code Art 142 moves only the last day of a
        # period for doing something, so this is never rolled.
        rolls_forward=False,
        note="the Minister may order changes or extend the period",
    ),
    Rule(
        id="record_retention",
        title="Keep records of each provision",
        basis="RM Act (records of provision); Ordinance",
        clock_starts="the day of the provision",
        kind=RuleKind.RETENTION,
        offset=10,
        offset_unit=Unit.YEARS,
        recipients=(),
        rolls_forward=False,
        uncertain=True,
        note="10 years is uncertain for Class I and for xenogeneic (animal) cells",
    ),
    Rule(
        id="committee_certification_expiry",
        title="Certification of a (specially) certified committee expires unless renewed",
        basis="RM Act (certification of committees: validity, renewable)",
        clock_starts="the date of certification, day 1 of the validity",
        kind=RuleKind.VALIDITY,
        offset=3,
        offset_unit=Unit.YEARS,
        recipients=("minister", "regional_bureau"),
        rolls_forward=False,
        uncertain=True,
        note=(
            "validity of 3 years is uncertain; renewal goes to the certifier (the Minister for a "
            "specially certified committee, the Regional Bureau for a certified one)"
        ),
    ),
    Rule(
        id="cpc_licence_expiry",
        title="Licence of a cell processing facility expires unless renewed",
        basis="RM Act (licence of a cell processing facility: validity, renewable)",
        clock_starts="the date of the licence, day 1 of the validity",
        kind=RuleKind.VALIDITY,
        offset=5,
        offset_unit=Unit.YEARS,
        recipients=("regional_bureau",),
        rolls_forward=False,
        uncertain=True,
        note="validity of 5 years is uncertain",
    ),
)

RULES: RuleSet = RuleSet(_DEFAULTS)

# Fields an operator may change. `id` and `kind` are not among them: the kind decides the
# arithmetic, and changing it is a change to the law engine, not to a number.
OVERRIDABLE_FIELDS: tuple[str, ...] = (
    "title",
    "basis",
    "clock_starts",
    "offset",
    "offset_unit",
    "recipients",
    "rolls_forward",
    "uncertain",
    "note",
)


def load_rules(
    overrides: Mapping[str, Mapping[str, object]] | None = None, *, source: str = "overrides"
) -> RuleSet:
    """The default rules with ``overrides`` applied.

    ``overrides`` maps a rule id to the fields to change, e.g.
    ``{"record_retention": {"offset": 20, "note": "20 years for Class I"}}``. An unknown rule id,
    an unknown or fixed field, or a value of the wrong type raises ``LawConfigError`` naming
    ``source`` and the field, so a bad configuration fails loudly instead of being ignored.
    """
    if overrides is None:
        return RULES
    if not isinstance(overrides, Mapping):
        raise LawConfigError(
            source, "", f"must be a JSON object of rule ids (got {describe_value(overrides)})"
        )
    defaults = {rule.id: rule for rule in _DEFAULTS}
    for rule_id in overrides:
        if rule_id not in defaults:
            raise LawConfigError(
                source,
                str(rule_id),
                f"unknown rule (expected one of {', '.join(defaults)})",
            )
    return RuleSet(
        _apply(rule, overrides[rule.id], source) if rule.id in overrides else rule
        for rule in _DEFAULTS
    )


def _apply(rule: Rule, changes: object, source: str) -> Rule:
    if not isinstance(changes, Mapping):
        raise LawConfigError(
            source, rule.id, f"must be an object of fields (got {describe_value(changes)})"
        )
    values: dict[str, object] = {}
    for name, value in changes.items():
        field = f"{rule.id}.{name}"
        if name in ("id", "kind"):
            raise LawConfigError(source, field, "cannot be overridden")
        if name not in OVERRIDABLE_FIELDS:
            raise LawConfigError(
                source, field, f"unknown field (expected one of {', '.join(OVERRIDABLE_FIELDS)})"
            )
        values[name] = _check_value(name, value, source, field)
    updated = replace(rule, **values)  # type: ignore[arg-type]  # each value checked above
    if updated.kind is RuleKind.RESTRICTION and updated.rolls_forward:
        raise LawConfigError(
            source,
            f"{rule.id}.rolls_forward",
            "a restriction is never rolled forward (Civil Code Art 142 moves only a due date)",
        )
    return updated


def _check_value(name: str, value: object, source: str, field: str) -> object:
    got = describe_value(value)
    if name == "offset":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise LawConfigError(source, field, f"must be an integer of at least 1 (got {got})")
        return value
    if name == "offset_unit":
        if isinstance(value, str) and value in {unit.value for unit in Unit}:
            return Unit(value)
        raise LawConfigError(source, field, f"must be one of days, years (got {got})")
    if name in ("rolls_forward", "uncertain"):
        if not isinstance(value, bool):
            raise LawConfigError(source, field, f"must be true or false (got {got})")
        return value
    if name == "recipients":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise LawConfigError(source, field, f"must be a list of strings (got {got})")
        return tuple(value)
    if name == "note":
        if not isinstance(value, str):
            raise LawConfigError(source, field, f"must be a string (got {got})")
        return value
    # title, basis, clock_starts: an empty citation or title would hide what the rule is.
    if not isinstance(value, str) or not value.strip():
        raise LawConfigError(source, field, f"must be a non-empty string (got {got})")
    return value


def load_overrides_file(path: str | os.PathLike[str]) -> dict[str, dict[str, object]]:
    """Read an overrides mapping from a JSON file; any problem raises ``LawConfigError``."""
    source = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise LawConfigError(source, "", f"cannot read the file: {reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LawConfigError(source, "", f"invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise LawConfigError(
            source, "", f"must be a JSON object of rule ids (got {describe_value(data)})"
        )
    for rule_id, changes in data.items():
        if not isinstance(changes, dict):
            raise LawConfigError(
                source, rule_id, f"must be an object of fields (got {describe_value(changes)})"
            )
    return data


def rules_from_environment(environ: Mapping[str, str] | None = None) -> RuleSet:
    """The rules with the overrides file named by ``SAISEI_LAW_OVERRIDES`` applied, if it is set."""
    env = os.environ if environ is None else environ
    path = env.get(OVERRIDES_ENV_VAR, "")
    if not path:
        return RULES
    return load_rules(load_overrides_file(path), source=path)
