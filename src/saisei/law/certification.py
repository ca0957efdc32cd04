"""Whether a committee's certification is in force on a day (RM Act Art 28; domain.md §1.6).

A certification is valid for three years counted from the day of certification (Art 28(1)). To
keep the committee after that, its founder applies for renewal between 90 and 60 days before the
term ends (Art 28(3); the last day moves past 行政機関の休日, Act on Holidays of Administrative
Organs Art 2). While a timely application is undecided when the term ends, the certification
stays in force until it is decided (Art 28(4)); a renewed term counts from the day after the old
one ended (Art 28(5)). The status is a pure function of the certification date, the applications
and their decisions, and the day asked about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from saisei.law.deadlines import due_date
from saisei.law.errors import LawInputError
from saisei.law.obligations import RuleSet
from saisei.law.recipients import Recipient

__all__ = [
    "CertificationReason",
    "CertificationStatus",
    "RenewalApplication",
    "certification_status",
]

_BASIS = "RM Act Art 28(1), (3)-(5)"


class CertificationReason(StrEnum):
    NOT_YET_CERTIFIED = "not_yet_certified"
    WITHIN_TERM = "within_term"
    RENEWAL_PENDING = "renewal_pending"
    NOT_RENEWED = "not_renewed"
    RENEWAL_LATE = "renewal_late"
    RENEWAL_REFUSED = "renewal_refused"


@dataclass(frozen=True, slots=True)
class RenewalApplication:
    """An application to renew term ``term`` (1 = the first three years), with its decision.

    ``excused`` records that the application was made outside the window for a disaster or
    other unavoidable reason (Art 28(3) proviso), which makes it timely all the same.
    """

    term: int
    applied_on: date
    decided_on: date | None = None
    granted: bool | None = None
    excused: bool = False

    def __post_init__(self) -> None:
        if self.term < 1:
            raise LawInputError("term", f"must be at least 1 (got {self.term})")
        if (self.decided_on is None) != (self.granted is None):
            raise LawInputError("decided_on", "a decision needs both its date and its outcome")
        if self.decided_on is not None and self.decided_on < self.applied_on:
            raise LawInputError("decided_on", "a decision cannot precede the application")


@dataclass(frozen=True, slots=True)
class CertificationStatus:
    on: date
    in_force: bool
    term: int
    term_starts_on: date
    term_ends_on: date
    window_opens: date
    apply_by: date
    reason_code: CertificationReason
    reason: str
    lapsed_on: date | None = None


def certification_status(
    certified_on: date,
    applications: Iterable[RenewalApplication],
    on: date,
    *,
    to: Recipient | str = Recipient.MINISTER,
    rules: RuleSet | None = None,
) -> CertificationStatus:
    """The certification's status on ``on``. ``to`` is the certifier that receives renewal
    applications (the Minister for a specially certified committee, the Regional Bureau for one
    that reviews Class III only), whose closed days move the window's last day."""
    by_term: dict[int, RenewalApplication] = {}
    for each in sorted(applications, key=lambda a: (a.term, a.applied_on)):
        # The latest application for a term is the one that counts.
        by_term[each.term] = each
    k = 1
    while True:
        renewal = due_date("committee_renewal", certified_on, period=k, to=str(to), rules=rules)
        assert renewal.period_start and renewal.period_end and renewal.window_opens
        start, end = renewal.period_start, renewal.period_end

        def status(
            in_force: bool,
            code: CertificationReason,
            reason: str,
            lapsed_on: date | None = None,
            *,
            _k: int = k,
            _start: date = start,
            _end: date = end,
            _window: date = renewal.window_opens,
            _due: date = renewal.due,
        ) -> CertificationStatus:
            return CertificationStatus(
                on, in_force, _k, _start, _end, _window, _due, code, reason, lapsed_on
            )

        if on < certified_on:
            return status(
                False,
                CertificationReason.NOT_YET_CERTIFIED,
                f"Not yet certified on {on.isoformat()}: certified on {certified_on.isoformat()}.",
            )
        if on <= end:
            return status(
                True,
                CertificationReason.WITHIN_TERM,
                f"In force within term {k}, {start.isoformat()} to {end.isoformat()} ({_BASIS}).",
            )
        application = by_term.get(k)
        if application is None:
            return status(
                False,
                CertificationReason.NOT_RENEWED,
                f"Term {k} ended on {end.isoformat()} with no application for renewal ({_BASIS}).",
                end + timedelta(days=1),
            )
        timely = application.excused or renewal.window_opens <= application.applied_on <= (
            renewal.due
        )
        if not timely or application.applied_on > end:
            return status(
                False,
                CertificationReason.RENEWAL_LATE,
                f"Term {k} ended on {end.isoformat()}; the application of "
                f"{application.applied_on.isoformat()} was outside the window "
                f"{renewal.window_opens.isoformat()} to {renewal.due.isoformat()} ({_BASIS}).",
                end + timedelta(days=1),
            )
        decided = application.decided_on is not None and application.decided_on <= on
        if not decided:
            return status(
                True,
                CertificationReason.RENEWAL_PENDING,
                f"Term {k} ended on {end.isoformat()}, but the timely application of "
                f"{application.applied_on.isoformat()} is undecided, so the certification stays "
                f"in force until it is decided (RM Act Art 28(4)).",
            )
        assert application.decided_on is not None
        if not application.granted:
            lapsed = max(end + timedelta(days=1), application.decided_on)
            return status(
                on < lapsed,
                CertificationReason.RENEWAL_REFUSED,
                f"Term {k} ended on {end.isoformat()} and the renewal was refused on "
                f"{application.decided_on.isoformat()} ({_BASIS}).",
                lapsed,
            )
        k += 1  # renewed: the next term counts from the day after this one ended (Art 28(5))
