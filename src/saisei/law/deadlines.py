"""Due dates of obligations, each with its explanation (domain.md §1.8-1.9)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from saisei.law.errors import LawInputError
from saisei.law.legal_calendar import (
    HOLIDAY_CALENDAR_YEARS,
    ROLL_FORWARD_BASIS,
    SkippedDay,
    roll_forward,
)
from saisei.law.obligations import RULES, Rule, RuleKind, RuleSet, Unit
from saisei.law.periods import add_years, day_period, yearly_period, yearly_period_end

__all__ = ["DueDate", "due_date", "period_bounds"]

_SIXTY_DAYS = 60


@dataclass(frozen=True, slots=True)
class DueDate:
    """A computed due date and everything needed to explain it.

    ``period``, ``period_start`` and ``period_end`` are None for rules that are not periodic. For a
    restriction ``due`` is the first day the restricted act is allowed; for retention the last day
    records must be kept; for validity the last day of validity.
    """

    rule: str
    basis: str
    start: date
    period: int | None
    period_start: date | None
    period_end: date | None
    nominal_due: date
    due: date
    skipped: tuple[SkippedDay, ...]
    kind: RuleKind
    uncertain: bool
    rolls_forward: bool
    spec: Rule = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, object]:
        """The ``saisei deadline`` output shape: the required keys in order, then extras."""
        return {
            "rule": self.rule,
            "basis": self.basis,
            "from": self.start.isoformat(),
            "period": self.period,
            "period_start": _iso(self.period_start),
            "period_end": _iso(self.period_end),
            "nominal_due": self.nominal_due.isoformat(),
            "due": self.due.isoformat(),
            "skipped": [day.to_dict() for day in self.skipped],
            "kind": self.kind.value,
            "uncertain": self.uncertain,
            "rolls_forward": self.rolls_forward,
            "explanation": self.explain(),
        }

    def explain(self) -> str:
        """One English sentence: the date, how it follows from the start, and each day skipped."""
        spec = self.spec
        length = _length(spec.offset, spec.offset_unit)
        start = self.start.isoformat()
        if self.kind is RuleKind.RESTRICTION:
            head = (
                f"Allowed from {self.due.isoformat()}: day {self._restriction_day()} counting "
                f"{start} as day 1 ({spec.basis}); a restriction is never moved for closed days"
            )
        elif self.kind is RuleKind.VALIDITY:
            head = (
                f"Valid until {self.due.isoformat()}: {length} counting {start} as day 1 "
                f"({spec.basis}; Civil Code Art 143)"
            )
        elif self.kind is RuleKind.RETENTION:
            head = (
                f"Keep until {self.due.isoformat()}: {length} after {start}, the "
                f"corresponding day ({spec.basis}; Civil Code Art 143)"
            )
        elif self.period is not None and self.period_start and self.period_end:
            unit = "yearly" if self.kind is RuleKind.PERIODIC_YEARLY else "60-day"
            head = (
                f"Due {self.due.isoformat()}: {length} after the end of {unit} period "
                f"{self.period} ({self.period_start.isoformat()} to {self.period_end.isoformat()}, "
                f"counted from {start} as day 1) ({spec.basis}; Civil Code Art 140, 143)"
            )
        else:
            article = "140" if spec.offset_unit is Unit.DAYS else "140, 143"
            head = (
                f"Due {self.due.isoformat()}: {length} after {start} "
                f"({spec.basis}; Civil Code Art {article})"
            )
        if self.skipped:
            days = ", ".join(f"{day.on.isoformat()} {day.closed.label}" for day in self.skipped)
            head += (
                f"; nominal {self.nominal_due.isoformat()} skipped: {days} ({ROLL_FORWARD_BASIS})"
            )
        if self.uncertain and spec.note:
            head += f"; uncertain: {spec.note}"
        elif self.uncertain:
            head += "; uncertain"
        return head + "."

    def _restriction_day(self) -> int:
        return (self.due - self.start).days + 1


def due_date(
    rule_id: str,
    start: date,
    *,
    period: int | None = None,
    rules: RuleSet | None = None,
) -> DueDate:
    """The due date of ``rule_id`` for a clock started on ``start``.

    For periodic rules ``start`` is day 1 of the first period and ``period`` (default 1, at least 1)
    picks the period; for other rules ``period`` must be None. A due date that falls on a closed day
    rolls forward when the rule says so; restrictions, retention and validity never do by default.
    Raises ``LawInputError`` naming ``rule``, ``from`` or ``period``.
    """
    ruleset = RULES if rules is None else rules
    spec = ruleset.rule(rule_id)
    if spec.kind.periodic:
        if period is None:
            period = 1
        elif isinstance(period, bool) or not isinstance(period, int) or period < 1:
            raise LawInputError("period", f"must be an integer of at least 1 (got {period!r})")
    elif period is not None:
        raise LawInputError(
            "period", f"not allowed for {rule_id}, which is not a periodic rule ({spec.kind})"
        )
    # A date the request makes impossible is blamed on the input that moves it: the period
    # number for periodic rules, the start date otherwise.
    field_name = "period" if spec.kind.periodic else "from"
    try:
        period_start, period_end, nominal = _nominal(spec, start, 1 if period is None else period)
    except LawInputError:
        raise
    except (OverflowError, ValueError):
        raise LawInputError(field_name, "the computed date is out of range") from None

    due, skipped = nominal, list[SkippedDay]()
    if spec.rolls_forward:
        try:
            due, skipped = roll_forward(nominal)
        except LawInputError:
            # The only refusal roll_forward makes: a year the holiday calendar does not know
            # (also reached by rolling from late December into the next year).
            low, high = HOLIDAY_CALENDAR_YEARS
            raise LawInputError(
                field_name,
                f"the due date {nominal.isoformat()} is outside the holiday calendar "
                f"({low}-{high}), so closed days cannot be determined",
            ) from None
    return DueDate(
        rule=spec.id,
        basis=spec.basis,
        start=start,
        period=period,
        period_start=period_start,
        period_end=period_end,
        nominal_due=nominal,
        due=due,
        skipped=tuple(skipped),
        kind=spec.kind,
        uncertain=spec.uncertain,
        rolls_forward=spec.rolls_forward,
        spec=spec,
    )


def period_bounds(
    rule_or_kind: str | RuleKind, start: date, k: int, *, rules: RuleSet | None = None
) -> tuple[date, date]:
    """First and last day of period ``k`` (k ≥ 1) counted from ``start`` as day 1.

    ``rule_or_kind`` is a periodic rule id (``"periodic_report"``) or a periodic ``RuleKind``.
    """
    if isinstance(rule_or_kind, RuleKind):
        kind = rule_or_kind
    else:
        ruleset = RULES if rules is None else rules
        if rule_or_kind in ruleset:
            kind = ruleset[rule_or_kind].kind
        elif rule_or_kind in {member.value for member in RuleKind}:
            kind = RuleKind(rule_or_kind)
        else:
            raise LawInputError("rule", f"unknown rule or kind {rule_or_kind!r}")
    if kind is RuleKind.PERIODIC_YEARLY:
        return yearly_period(start, k)
    if kind is RuleKind.PERIODIC_60_DAY:
        return day_period(start, k, _SIXTY_DAYS)
    raise LawInputError("rule", f"{rule_or_kind} is not periodic (kind {kind})")


def _nominal(spec: Rule, start: date, period: int) -> tuple[date | None, date | None, date]:
    if spec.kind.periodic:
        first, last = period_bounds(spec.kind, start, period)
        return first, last, _after(last, spec.offset, spec.offset_unit)
    if spec.kind is RuleKind.VALIDITY:
        # Counted from the grant as day 1: the last day of validity, like a time limit.
        if spec.offset_unit is Unit.YEARS:
            return None, None, yearly_period_end(start, spec.offset)
        return None, None, start + timedelta(days=spec.offset - 1)
    # Single events, retention, and restrictions: the day of the event is not counted (Civil Code
    # Art 140). For the Class I restriction start + 90 is day 91 counting the filing day as day 1.
    return None, None, _after(start, spec.offset, spec.offset_unit)


def _after(d: date, n: int, unit: Unit) -> date:
    if unit is Unit.YEARS:
        return add_years(d, n)
    return d + timedelta(days=n)


def _length(n: int, unit: Unit) -> str:
    word = unit.value[:-1] if n == 1 else unit.value
    return f"{n} {word}"


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()
