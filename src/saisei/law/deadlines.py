"""Due dates of obligations, each with its explanation (domain.md §1.8-1.9).

A due date is computed for one rule and one recipient: the nominal date follows from the Civil
Code's period arithmetic (Arts 140, 143), and whether it then moves past a closed day depends on
who receives the report (``saisei.law.recipients``): a filing with a national authority moves past
行政機関の休日 (Act on Holidays of Administrative Organs Art 2); a report to a committee moves only
past the kinds of day the committee's rules record it does not transact (Civil Code Art 142), and
by default not at all; a publication on jRCT, a restriction, a validity and a retention period
never move.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from saisei.law.errors import LawInputError
from saisei.law.legal_calendar import (
    ADMINISTRATIVE_HOLIDAYS_BASIS,
    COMMITTEE_CUSTOM_BASIS,
    HOLIDAY_CALENDAR_YEARS,
    ClosedDayKind,
    SkippedDay,
    closed_reasons,
    committee_closed_names,
    roll_forward,
    roll_forward_past,
)
from saisei.law.obligations import RULES, Route, Rule, RuleKind, RuleSet, Unit
from saisei.law.periods import add_years, day_period, term, yearly_period, yearly_period_end
from saisei.law.recipients import Recipient, RollPolicy, roll_policy_for

__all__ = ["MAX_PERIOD", "DueDate", "due_date", "period_bounds", "period_due"]

_SIXTY_DAYS = 60
# The largest period number asked for: 60-day periods across the holiday calendar's 150 years
# are fewer than 1,000. A larger number cannot give a date the calendar knows.
MAX_PERIOD = 1000

_CLOSED_WORDS: dict[str, str] = {
    "sunday": "Sundays",
    "saturday": "Saturdays",
    "national_holiday": "national holidays",
    "year_end_closure": "29 December to 3 January",
}


@dataclass(frozen=True, slots=True)
class DueDate:
    """A computed due date and everything needed to explain it.

    ``period``, ``period_start`` and ``period_end`` are None for rules that are not periodic (for a
    renewal they are the term). For a restriction ``due`` is the first day the restricted act is
    allowed; for retention the last day records must be kept; for validity the last day of
    validity. ``to`` is the recipient the date was computed for (None for a rule with none) and
    ``roll`` how a closed last day was treated for it.
    """

    rule: str
    basis: str
    basis_ja: str
    start: date
    period: int | None
    period_start: date | None
    period_end: date | None
    to: Recipient | None
    nominal_due: date
    due: date
    skipped: tuple[SkippedDay, ...]
    kind: RuleKind
    uncertain: bool
    roll: RollPolicy
    committee_closed: frozenset[ClosedDayKind]
    window_opens: date | None
    spec: Rule = field(repr=False, compare=False)

    @property
    def rolls_forward(self) -> bool:
        """Whether this due date moves past closed days for its recipient: a filing with a
        national authority does; a report to a committee does only where its rules record closed
        days; nothing else does."""
        if not self.spec.rolls_forward:
            return False
        if self.roll is RollPolicy.COMMITTEE_RULES:
            return bool(self.committee_closed)
        return self.roll is RollPolicy.ADMINISTRATIVE_HOLIDAYS

    @property
    def legal_name_ja(self) -> str:
        return self.spec.legal_name_ja

    def to_dict(self) -> dict[str, object]:
        """The ``saisei deadline`` output shape: the required keys in order, then extras."""
        data: dict[str, object] = {
            "rule": self.rule,
            "basis": self.basis,
            "from": self.start.isoformat(),
            "period": self.period,
            "period_start": _iso(self.period_start),
            "period_end": _iso(self.period_end),
            "to": None if self.to is None else self.to.value,
            "nominal_due": self.nominal_due.isoformat(),
            "due": self.due.isoformat(),
            "skipped": [day.to_dict() for day in self.skipped],
        }
        if self.kind is RuleKind.RENEWAL:
            data["window_opens"] = _iso(self.window_opens)
        data.update(
            {
                "kind": self.kind.value,
                "uncertain": self.uncertain,
                "rolls_forward": self.rolls_forward,
                "roll_forward": self._roll_word(),
                "committee_closed": list(committee_closed_names(self.committee_closed)),
                "legal_name": self.spec.legal_name_ja,
                "explanation": self.explain(),
            }
        )
        return data

    def _roll_word(self) -> str:
        return self.roll.value if self.spec.rolls_forward else RollPolicy.NONE.value

    def explain(self) -> str:
        """One English sentence: the date, how it follows from the start, and why it did or did
        not move past a closed day."""
        spec = self.spec
        length = _length(spec.offset, spec.offset_unit)
        start = self.start.isoformat()
        basis = self.basis
        if self.kind is RuleKind.RESTRICTION:
            head = (
                f"Allowed from {self.due.isoformat()}: day {self._restriction_day()} counting "
                f"{start} as day 1 ({basis}); a restriction is never moved for closed days"
            )
        elif self.kind is RuleKind.VALIDITY:
            head = (
                f"Valid until {self.due.isoformat()}: {length} counting {start} as day 1 "
                f"({basis}; Civil Code Art 143); a validity is never moved for closed days"
            )
        elif self.kind is RuleKind.RETENTION:
            head = (
                f"Keep until {self.due.isoformat()}: {length} after {start}, the "
                f"corresponding day ({basis}; Civil Code Art 143)"
            )
        elif self.kind is RuleKind.RENEWAL:
            assert self.period_start and self.period_end and self.window_opens
            head = (
                f"Due {self.due.isoformat()}: the last day of the renewal window, {spec.offset} "
                f"days before term {self.period} ends on {self.period_end.isoformat()} (the term "
                f"runs from {self.period_start.isoformat()}, counted as day 1; the first term from "
                f"{start}); the window opens {self.window_opens.isoformat()}, {spec.window} days "
                f"before the term ends ({basis}; Civil Code Art 143)"
            )
        elif self.period is not None and self.period_start and self.period_end:
            unit = "yearly" if self.kind is RuleKind.PERIODIC_YEARLY else "60-day"
            head = (
                f"Due {self.due.isoformat()}: {length} after the end of {unit} period "
                f"{self.period} ({self.period_start.isoformat()} to {self.period_end.isoformat()}, "
                f"counted from {start} as day 1) ({basis}; Civil Code Art 140, 143)"
            )
        else:
            article = "140" if spec.offset_unit is Unit.DAYS else "140, 143"
            head = (
                f"Due {self.due.isoformat()}: {length} after {start} "
                f"({basis}; Civil Code Art {article})"
            )
        if self.to is not None:
            head += f", to {self.to.label}"
        roll = self._explain_roll()
        if roll:
            head += f"; {roll}"
        if self.uncertain and spec.note:
            head += f"; uncertain: {spec.note}"
        elif self.uncertain:
            head += "; uncertain"
        return head + "."

    def _explain_roll(self) -> str:
        if self.kind in (RuleKind.RESTRICTION, RuleKind.VALIDITY, RuleKind.RETENTION):
            return ""
        nominal = self.nominal_due.isoformat()
        days = ", ".join(f"{day.on.isoformat()} {day.closed.label}" for day in self.skipped)
        if not self.spec.rolls_forward:
            return "this rule is configured never to move for closed days"
        if self.roll is RollPolicy.ADMINISTRATIVE_HOLIDAYS:
            if self.skipped:
                return (
                    f"the nominal date {nominal} is a holiday of administrative organs, so the "
                    f"deadline for this filing with a national authority moves past {days} "
                    f"({ADMINISTRATIVE_HOLIDAYS_BASIS})"
                )
            return (
                f"{nominal} is not a holiday of administrative organs, so it is not moved "
                f"({ADMINISTRATIVE_HOLIDAYS_BASIS})"
            )
        if self.roll is RollPolicy.COMMITTEE_RULES:
            closed_here = closed_reasons(self.nominal_due)
            if not self.committee_closed:
                if not closed_here:
                    return f"{nominal} is an ordinary working day, so it is not moved"
                return (
                    f"not moved: a report to a certified committee is not a filing with a "
                    f"government office, so the Act on Holidays of Administrative Organs does not "
                    f"apply, and {COMMITTEE_CUSTOM_BASIS} moves a deadline only past days the "
                    f"committee does not transact; its rules record no closed days, so the "
                    f"nominal date is the due date, although {nominal} is a "
                    f"{closed_here[0].label} (it would move if the rules recorded that kind of "
                    f"day as closed)"
                )
            recorded = ", ".join(
                _CLOSED_WORDS[name] for name in committee_closed_names(self.committee_closed)
            )
            if self.skipped:
                return (
                    f"the committee's rules record it closed on {recorded}, so the deadline moves "
                    f"past {days} ({COMMITTEE_CUSTOM_BASIS})"
                )
            if closed_here:
                return (
                    f"not moved: {nominal} is a {closed_here[0].label}, but the committee's rules "
                    f"record it closed only on {recorded} ({COMMITTEE_CUSTOM_BASIS})"
                )
            return f"{nominal} is a day the committee transacts, so it is not moved"
        return (
            "not moved: publication on jRCT is not a filing with a government office, so neither "
            "the Act on Holidays of Administrative Organs nor a committee's rules apply"
        )

    def _restriction_day(self) -> int:
        return (self.due - self.start).days + 1


def due_date(
    rule_id: str,
    start: date,
    *,
    period: int | None = None,
    to: Recipient | str | None = None,
    committee_closed: Iterable[ClosedDayKind] | None = None,
    rules: RuleSet | None = None,
) -> DueDate:
    """The due date of ``rule_id`` for a clock started on ``start``, for the recipient ``to``.

    For periodic rules ``start`` is day 1 of the first period and ``period`` (default 1, 1 to
    ``MAX_PERIOD``) picks the period (for a renewal: the term); for other rules ``period`` must be
    None. ``to`` defaults to the rule's first recipient and must be one of its recipients; a rule
    with none takes none. ``committee_closed`` is the kinds of closed day the receiving committee's
    rules record (only with ``to`` = committee). Raises ``LawInputError`` naming ``rule``, ``from``,
    ``period``, ``to`` or ``committee_closed``.
    """
    ruleset = RULES if rules is None else rules
    spec = ruleset.rule(rule_id)
    if spec.kind.periodic:
        if period is None:
            period = 1
        elif (
            isinstance(period, bool) or not isinstance(period, int) or not 1 <= period <= MAX_PERIOD
        ):
            raise LawInputError(
                "period", f"must be an integer from 1 to {MAX_PERIOD} (got {period!r})"
            )
    elif period is not None:
        raise LawInputError(
            "period", f"not allowed for {rule_id}, which is not a periodic rule ({spec.kind})"
        )
    route, recipient, closed = _recipient(spec, to, committee_closed)
    # A date the request makes impossible is blamed on the input that moves it: the period
    # number for periodic rules, the start date otherwise.
    field_name = "period" if spec.kind.periodic else "from"
    try:
        period_start, period_end, nominal, window_opens = _nominal(
            spec, start, 1 if period is None else period
        )
    except LawInputError:
        raise
    except (OverflowError, ValueError):
        raise LawInputError(field_name, "the computed date is out of range") from None
    policy = roll_policy_for(recipient)
    due, skipped = _settle(spec, nominal, policy, closed, field_name)
    return DueDate(
        rule=spec.id,
        basis=spec.basis if route is None else route.basis,
        basis_ja=spec.basis_ja if route is None else route.basis_ja,
        start=start,
        period=period,
        period_start=period_start,
        period_end=period_end,
        to=recipient,
        nominal_due=nominal,
        due=due,
        skipped=tuple(skipped),
        kind=spec.kind,
        uncertain=spec.uncertain,
        roll=policy if spec.rolls_forward else RollPolicy.NONE,
        committee_closed=closed if recipient is Recipient.COMMITTEE else frozenset(),
        window_opens=window_opens,
        spec=spec,
    )


def period_due(
    rule_id: str,
    period_end: date,
    *,
    to: Recipient | str | None = None,
    committee_closed: Iterable[ClosedDayKind] | None = None,
    rules: RuleSet | None = None,
) -> tuple[date, date]:
    """(nominal due, due) of a periodic rule's duty for the period (for a renewal: the term)
    that ends on ``period_end``, for the recipient ``to``: what due_date() gives for every
    period ending that day, whatever its first day, without the explanation. Each periodic
    rule's offset counts from the last day of the period (the periodic report: within 90 days
    of it, Act Art 20(1), 21(1); Ordinance Art 37(1), 38(1)), so the plans filed on different
    days whose periods end on one day share it: asked once for them when many stored duties are
    checked at once (saisei obligations verify). Raises ``LawInputError`` as due_date() does;
    ``rule`` for a rule that is not periodic."""
    ruleset = RULES if rules is None else rules
    spec = ruleset.rule(rule_id)
    if not spec.kind.periodic:
        raise LawInputError("rule", f"{rule_id} is not periodic (kind {spec.kind})")
    _route, recipient, closed = _recipient(spec, to, committee_closed)
    try:
        nominal, _window_opens = _nominal_from_end(spec, period_end)
    except (OverflowError, ValueError):
        raise LawInputError("period", "the computed date is out of range") from None
    due, _skipped = _settle(spec, nominal, roll_policy_for(recipient), closed, "period")
    return nominal, due


def _recipient(
    spec: Rule, to: Recipient | str | None, committee_closed: Iterable[ClosedDayKind] | None
) -> tuple[Route | None, Recipient | None, frozenset[ClosedDayKind]]:
    """The route of a duty to ``to``, its recipient, and the committee's closed days (refused
    for any other recipient)."""
    route: Route | None = spec.route(None if to is None else str(to))
    recipient = None if route is None else route.to
    closed = frozenset(committee_closed or ())
    if closed and recipient is not Recipient.COMMITTEE:
        raise LawInputError(
            "committee_closed",
            "applies only to a report to a committee "
            f"(this one goes to {recipient.value if recipient else 'no recipient'})",
        )
    return route, recipient, closed


def _settle(
    spec: Rule,
    nominal: date,
    policy: RollPolicy,
    closed: frozenset[ClosedDayKind],
    field_name: str,
) -> tuple[date, list[SkippedDay]]:
    """The due date from the nominal one, moved past the recipient's closed days where the rule
    rolls forward, and the days skipped."""
    due, skipped = nominal, list[SkippedDay]()
    if spec.rolls_forward and spec.kind not in (
        RuleKind.RESTRICTION,
        RuleKind.VALIDITY,
        RuleKind.RETENTION,
    ):
        try:
            if policy is RollPolicy.ADMINISTRATIVE_HOLIDAYS:
                due, skipped = roll_forward(nominal)
            else:
                # A date the calendar does not know is refused whoever receives it: its
                # explanation names the kind of day it is.
                closed_reasons(nominal)
                if policy is RollPolicy.COMMITTEE_RULES:
                    due, skipped = roll_forward_past(nominal, closed)
        except LawInputError:
            # The only refusal the calendar makes: a year the holiday library does not know
            # (also reached by rolling from late December into the next year).
            low, high = HOLIDAY_CALENDAR_YEARS
            raise LawInputError(
                field_name,
                f"the due date {nominal.isoformat()} is outside the holiday calendar "
                f"({low}-{high}), so closed days cannot be determined",
            ) from None
    return due, skipped


def period_bounds(
    rule_or_kind: str | RuleKind, start: date, k: int, *, rules: RuleSet | None = None
) -> tuple[date, date]:
    """First and last day of period ``k`` (k ≥ 1) counted from ``start`` as day 1.

    ``rule_or_kind`` is a periodic rule id (``"periodic_report"``, ``"committee_renewal"``: its
    term) or a periodic ``RuleKind`` (``RENEWAL`` needs the rule id for the term's length).
    """
    ruleset = RULES if rules is None else rules
    spec: Rule | None = None
    if isinstance(rule_or_kind, RuleKind):
        kind = rule_or_kind
    elif rule_or_kind in ruleset:
        spec = ruleset[rule_or_kind]
        kind = spec.kind
    elif rule_or_kind in {member.value for member in RuleKind}:
        kind = RuleKind(rule_or_kind)
    else:
        raise LawInputError("rule", f"unknown rule or kind {rule_or_kind!r}")
    if kind is RuleKind.PERIODIC_YEARLY:
        return yearly_period(start, k)
    if kind is RuleKind.PERIODIC_60_DAY:
        return day_period(start, k, _SIXTY_DAYS)
    if kind is RuleKind.RENEWAL and spec is not None:
        return term(start, k, spec.term_years)
    raise LawInputError("rule", f"{rule_or_kind} is not periodic (kind {kind})")


def _nominal(
    spec: Rule, start: date, period: int
) -> tuple[date | None, date | None, date, date | None]:
    if spec.kind is RuleKind.RENEWAL:
        first, last = term(start, period, spec.term_years)
        return first, last, *_nominal_from_end(spec, last)
    if spec.kind.periodic:
        first, last = period_bounds(spec.kind, start, period)
        return first, last, *_nominal_from_end(spec, last)
    if spec.kind is RuleKind.VALIDITY:
        # Counted from the grant as day 1: the last day of validity, like a time limit.
        if spec.offset_unit is Unit.YEARS:
            return None, None, yearly_period_end(start, spec.offset), None
        return None, None, start + timedelta(days=spec.offset - 1), None
    # Single events, retention, and restrictions: the day of the event is not counted (Civil Code
    # Art 140). For the Class I restriction start + 90 is day 91 counting the filing day as day 1.
    return None, None, _after(start, spec.offset, spec.offset_unit), None


def _nominal_from_end(spec: Rule, last: date) -> tuple[date, date | None]:
    """A periodic rule's nominal due date from the last day of its period, and for a renewal
    the day its application window opens (counted back from the term's last day)."""
    if spec.kind is RuleKind.RENEWAL:
        return last - timedelta(days=spec.offset), last - timedelta(days=spec.window)
    return _after(last, spec.offset, spec.offset_unit), None


def _after(d: date, n: int, unit: Unit) -> date:
    if unit is Unit.YEARS:
        return add_years(d, n)
    return d + timedelta(days=n)


def _length(n: int, unit: Unit) -> str:
    word = unit.value[:-1] if n == 1 else unit.value
    return f"{n} {word}"


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()
