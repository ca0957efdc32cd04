"""What the law expects to exist: each app registers a source of expected obligations.

A source is a function from a date to the obligations that should exist by then, derived
only from recorded events (filings, adverse events, licences …). `saisei obligations tick`
creates the periodic ones that are missing; `saisei obligations verify` compares every
stored obligation with what the sources and saisei.law say it should be.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, kw_only=True)
class ObligationSpec:
    """One duty a source expects, named by keyword: with nine fields, several of them ids and
    strings, a positional call could swap two without any check noticing."""

    rule: str
    organisation_id: int | None
    subject_type: str
    subject_id: str
    subject_label: str
    starts_on: date
    period: int = 0
    also_visible_to_id: int | None = None
    recipient: str = ""
    # For a report to a committee: the kinds of closed day its rules record (the choice names of
    # saisei.law.COMMITTEE_CLOSED_DAY_CHOICES), which decide whether its last day moves.
    committee_closed: tuple[str, ...] = ()
    # A due date fixed by a recorded fact the law engine computed elsewhere (a product's time
    # limit), with its basis and explanation, instead of one of the law's obligation rules.
    fixed_due: date | None = None
    fixed_basis: str = ""
    fixed_explanation: str = ""
    fixed_explanation_ja: str = ""
    # Where the recorded events already show what met the duty (a re-application filed).
    met_on: date | None = None
    met_by: tuple[str, str] | None = None

    @property
    def key(self) -> tuple[str, str, str, date, int, str]:
        return (
            self.rule,
            self.subject_type,
            self.subject_id,
            self.starts_on,
            self.period,
            self.recipient,
        )


Source = Callable[[date], Iterable[ObligationSpec]]

# rule ids each source covers, so verify knows which stored rows it can call unexpected.
SOURCES: dict[str, tuple[frozenset[str], Source]] = {}


def register(name: str, rules: Iterable[str], source: Source) -> None:
    SOURCES[name] = (frozenset(rules), source)


def covered_rules() -> frozenset[str]:
    return frozenset().union(*(rules for rules, _ in SOURCES.values()))
