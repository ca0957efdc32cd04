"""A committee's certification in force on a day: terms, the renewal window and a pending renewal
(RM Act Art 28(1), (3)-(5))."""

from __future__ import annotations

from datetime import date

import pytest

from saisei.law import (
    CertificationReason,
    LawInputError,
    RenewalApplication,
    certification_status,
)

D = date.fromisoformat
CERTIFIED = D("2026-04-01")  # term 1: 2026-04-01 to 2029-03-31; window 2028-12-31 to 2029-01-30


def status(on: str, *applications: RenewalApplication) -> tuple[bool, str, int]:
    result = certification_status(CERTIFIED, applications, D(on))
    return result.in_force, result.reason_code.value, result.term


def test_in_force_within_the_first_term_and_not_before() -> None:
    assert status("2026-03-31") == (False, "not_yet_certified", 1)
    assert status("2026-04-01") == (True, "within_term", 1)
    assert status("2029-03-31") == (True, "within_term", 1)


def test_without_a_renewal_it_lapses_the_day_after_the_term() -> None:
    result = certification_status(CERTIFIED, [], D("2029-04-01"))
    assert (result.in_force, result.reason_code) == (False, CertificationReason.NOT_RENEWED)
    assert result.lapsed_on == D("2029-04-01")
    assert (result.window_opens, result.apply_by) == (D("2028-12-31"), D("2029-01-30"))


def test_a_timely_pending_renewal_keeps_it_in_force_until_decided() -> None:
    pending = RenewalApplication(term=1, applied_on=D("2029-01-15"))
    assert status("2029-06-01", pending) == (True, "renewal_pending", 1)
    granted = RenewalApplication(1, D("2029-01-15"), decided_on=D("2029-06-10"), granted=True)
    assert status("2029-06-09", granted) == (True, "renewal_pending", 1)
    # Renewed: term 2 counts from the day after term 1 ended, not from the decision.
    result = certification_status(CERTIFIED, [granted], D("2029-06-10"))
    assert (result.in_force, result.term) == (True, 2)
    assert (result.term_starts_on, result.term_ends_on) == (D("2029-04-01"), D("2032-03-31"))


def test_a_refused_renewal_ends_it_on_the_decision_or_at_the_term_end() -> None:
    late_decision = RenewalApplication(
        1, D("2029-01-10"), decided_on=D("2029-05-01"), granted=False
    )
    assert status("2029-04-30", late_decision) == (True, "renewal_pending", 1)
    result = certification_status(CERTIFIED, [late_decision], D("2029-05-01"))
    assert (result.in_force, result.lapsed_on) == (False, D("2029-05-01"))
    early = RenewalApplication(1, D("2029-01-10"), decided_on=D("2029-02-01"), granted=False)
    assert certification_status(CERTIFIED, [early], D("2029-04-01")).lapsed_on == D("2029-04-01")


@pytest.mark.parametrize("applied", ["2028-12-30", "2029-01-31", "2029-03-20"])
def test_an_application_outside_the_window_does_not_keep_it_in_force(applied: str) -> None:
    assert status("2029-04-01", RenewalApplication(1, D(applied))) == (False, "renewal_late", 1)


def test_an_excused_application_counts_as_timely() -> None:
    excused = RenewalApplication(1, D("2029-03-20"), excused=True)
    assert status("2029-04-01", excused) == (True, "renewal_pending", 1)


def test_the_window_ends_later_when_its_last_day_is_a_closed_day() -> None:
    # Certified 2029-04-01: term 1 ends 2032-03-31, nominal last day 2032-01-31 is a Saturday.
    saturday_end = RenewalApplication(1, D("2032-02-02"))
    result = certification_status(D("2029-04-01"), [saturday_end], D("2032-04-01"))
    assert (result.apply_by, result.reason_code) == (
        D("2032-02-02"),
        CertificationReason.RENEWAL_PENDING,
    )


def test_inconsistent_applications_are_refused() -> None:
    with pytest.raises(LawInputError):
        RenewalApplication(1, D("2029-01-10"), decided_on=D("2029-01-01"), granted=True)
    with pytest.raises(LawInputError):
        RenewalApplication(1, D("2029-01-10"), decided_on=D("2029-02-01"))
    with pytest.raises(LawInputError):
        RenewalApplication(0, D("2029-01-10"))
