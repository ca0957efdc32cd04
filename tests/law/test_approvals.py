"""Status of PMD Act approvals on a date (domain.md §2), tested on the reference products.

Facts and events are copied from the shared reference (approved_products.csv and
product_events.csv) so that the tests do not depend on files outside the repository.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saisei.law import (
    IN_FORCE_STATUSES,
    ApprovalEvent,
    ApprovalEventKind,
    ApprovalFacts,
    ApprovalStatus,
    ApprovalStatusCode,
    ApprovalType,
    LawInputError,
    approval_status,
)

D = date.fromisoformat
CONDITIONAL = ApprovalType.CONDITIONAL_TIME_LIMITED
K = ApprovalEventKind


def ev(kind: str, on: str, **extra: object) -> ApprovalEvent:
    return ApprovalEvent(ApprovalEventKind(kind), D(on), **extra)  # type: ignore[arg-type]


PRODUCTS: dict[str, tuple[ApprovalFacts, list[ApprovalEvent]]] = {
    "amchepry": (
        ApprovalFacts(CONDITIONAL, D("2026-03-06"), time_limit_years=7),
        [
            ev("application_filed", "2025-08-05"),
            ev("council_endorsed", "2026-02-19"),
            ev("approved", "2026-03-06"),
        ],
    ),
    "reheart": (
        ApprovalFacts(CONDITIONAL, D("2026-03-06"), time_limit_years=7),
        [ev("council_endorsed", "2026-02-19"), ev("approved", "2026-03-06")],
    ),
    "stemirac": (
        ApprovalFacts(CONDITIONAL, D("2018-12-28"), time_limit_years=7),
        [ev("approved", "2018-12-28"), ev("reapplication_filed", "2025-11-14")],
    ),
    "collategene": (
        ApprovalFacts(CONDITIONAL, D("2019-03-26"), time_limit_years=5),
        [
            ev("approved", "2019-03-26"),
            ev("reapplication_filed", "2023-05-31"),
            ev("approval_lapsed", "2024-06-27", detail="application withdrawn"),
        ],
    ),
    # HeartSheet is left out: its extension (2018) and re-application (September 2023) are
    # known only to the year or month and its refusal is undated, so the product layer answers
    # for it with status gaps (tests/products/test_status.py). The engine's arithmetic for such
    # a history is tested below with assumed days.
    "delytact": (
        ApprovalFacts(CONDITIONAL, D("2021-06-11"), time_limit_years=7),
        [ev("approved", "2021-06-11")],
    ),
    "akuugo": (
        ApprovalFacts(CONDITIONAL, D("2024-07-31"), time_limit_years=7),
        [ev("approved", "2024-07-31"), ev("council_endorsed", "2025-10-16")],
    ),
    "elevidys": (
        ApprovalFacts(CONDITIONAL, D("2025-05-13"), time_limit_years=3),
        [ev("approved", "2025-05-13"), ev("launched", "2026-02-20")],
    ),
    "jace": (ApprovalFacts(ApprovalType.STANDARD, D("2007-10-29")), []),
    "jacc": (
        ApprovalFacts(ApprovalType.STANDARD, D("2012-07-27")),
        [ev("indication_added", "2025-05-13")],
    ),
}

CASES = [
    ("amchepry", "2026-02-19", "not_approved", None, "before_approval"),  # endorsement only
    ("amchepry", "2026-03-05", "not_approved", None, "before_approval"),
    ("amchepry", "2026-03-06", "conditional", "2033-03-05", "within_time_limit"),
    ("amchepry", "2033-03-05", "conditional", "2033-03-05", "within_time_limit"),
    ("amchepry", "2033-03-06", "lapsed", "2033-03-05", "time_limit_passed"),
    ("reheart", "2026-11-25", "conditional", "2033-03-05", "within_time_limit"),
    ("stemirac", "2025-12-27", "conditional", "2025-12-27", "within_time_limit"),
    (
        "stemirac",
        "2025-12-28",
        "conditional_pending_decision",
        "2025-12-27",
        "reapplication_pending",
    ),
    (
        "stemirac",
        "2026-11-25",
        "conditional_pending_decision",
        "2025-12-27",
        "reapplication_pending",
    ),
    ("collategene", "2024-03-25", "conditional", "2024-03-25", "within_time_limit"),
    (
        "collategene",
        "2024-04-01",
        "conditional_pending_decision",
        "2024-03-25",
        "reapplication_pending",
    ),
    (
        "collategene",
        "2024-06-26",
        "conditional_pending_decision",
        "2024-03-25",
        "reapplication_pending",
    ),
    ("collategene", "2024-06-27", "lapsed", "2024-03-25", "recorded_lapsed"),
    ("delytact", "2026-11-25", "conditional", "2028-06-10", "within_time_limit"),
    ("akuugo", "2026-11-25", "conditional", "2031-07-30", "within_time_limit"),
    ("elevidys", "2026-11-25", "conditional", "2028-05-12", "within_time_limit"),
    ("jace", "2007-10-28", "not_approved", None, "before_approval"),
    ("jace", "2026-11-25", "approved", None, "standard_approval"),
    ("jacc", "2026-11-25", "approved", None, "standard_approval"),
]


@pytest.mark.parametrize(
    ("product", "as_of", "status", "ends", "code"),
    CASES,
    ids=[f"{c[0]}-{c[1]}" for c in CASES],
)
def test_reference_products(
    product: str, as_of: str, status: str, ends: str | None, code: str
) -> None:
    facts, events = PRODUCTS[product]
    result = approval_status(facts, events, D(as_of))
    assert result.status.value == status
    assert result.in_force is (result.status in IN_FORCE_STATUSES)
    assert result.time_limit_ends_on == (None if ends is None else D(ends))
    assert result.reason_code.value == code
    assert result.as_of == D(as_of)
    assert result.reason.endswith(".")


def test_an_extended_approval_with_a_timely_reapplication_then_a_refusal() -> None:
    # HeartSheet's shape (5 + 3 years, re-application, refusal) on assumed days: the real
    # extension day (in 2018), filing day (September 2023) and refusal day are not known.
    facts = ApprovalFacts(CONDITIONAL, D("2015-09-18"), time_limit_years=5)
    events = [
        ev("approved", "2015-09-18"),
        ev("time_limit_extended", "2018-08-01", years=3),
        ev("reapplication_filed", "2023-09-05"),
        ev("sales_ended", "2024-07-20"),
        ev("reapplication_refused", "2024-09-02"),
    ]

    def on(day: str) -> ApprovalStatus:
        return approval_status(facts, events, D(day))

    assert on("2018-07-31").time_limit_ends_on == D("2020-09-17")  # extension not yet granted
    assert on("2018-08-01").time_limit_ends_on == D("2023-09-17")
    assert on("2023-09-17").status is ApprovalStatusCode.CONDITIONAL
    assert on("2023-09-17").time_limit_ends_on == D("2023-09-17")
    assert on("2023-09-18").status is ApprovalStatusCode.CONDITIONAL_PENDING_DECISION
    # The end of sales changes nothing: the approval stays in force until the decision.
    assert on("2024-09-01").status is ApprovalStatusCode.CONDITIONAL_PENDING_DECISION
    refused = on("2024-09-02")
    assert refused.status is ApprovalStatusCode.LAPSED
    assert refused.in_force is False
    assert "refused on 2024-09-02" in refused.reason


def test_pending_reason_names_the_filing() -> None:
    facts, events = PRODUCTS["stemirac"]
    reason = approval_status(facts, events, D("2026-11-25")).reason
    assert "ended on 2025-12-27" in reason
    assert "filed on 2025-11-14 is undecided" in reason


def test_a_reapplication_filed_after_the_limit_keeps_nothing_in_force() -> None:
    facts = ApprovalFacts(CONDITIONAL, D("2018-12-28"), time_limit_years=7)
    late = approval_status(facts, [ev("reapplication_filed", "2025-12-28")], D("2026-01-05"))
    assert late.status is ApprovalStatusCode.LAPSED
    assert "came too late" in late.reason
    on_the_last_day = approval_status(
        facts, [ev("reapplication_filed", "2025-12-27")], D("2026-01-05")
    )
    assert on_the_last_day.status is ApprovalStatusCode.CONDITIONAL_PENDING_DECISION


def test_withdrawal_then_refiling_before_the_limit_is_pending_again() -> None:
    facts = ApprovalFacts(CONDITIONAL, D("2019-03-26"), time_limit_years=5)
    events = [
        ev("reapplication_filed", "2023-05-31"),
        ev("reapplication_withdrawn", "2023-10-01"),
    ]
    withdrawn = approval_status(facts, events, D("2024-04-01"))
    assert (withdrawn.status, withdrawn.reason_code.value) == (
        ApprovalStatusCode.LAPSED,
        "reapplication_withdrawn",
    )
    refiled = [*events, ev("reapplication_filed", "2024-01-15")]
    assert (
        approval_status(facts, refiled, D("2024-04-01")).status
        is ApprovalStatusCode.CONDITIONAL_PENDING_DECISION
    )


def test_conversion_revocation_and_explicit_end_dates() -> None:
    facts = ApprovalFacts(CONDITIONAL, D("2021-06-11"), time_limit_years=7)
    converted = [ev("converted_to_full_approval", "2027-01-10")]
    result = approval_status(facts, converted, D("2030-01-01"))
    assert (result.status, result.time_limit_ends_on) == (ApprovalStatusCode.APPROVED, None)
    revoked = approval_status(facts, [*converted, ev("revoked", "2029-05-01")], D("2030-01-01"))
    assert (revoked.status, revoked.in_force) == (ApprovalStatusCode.REVOKED, False)
    explicit = ApprovalFacts(
        CONDITIONAL, D("2021-06-11"), time_limit_years=7, time_limit_ends_on=D("2028-01-31")
    )
    assert approval_status(explicit, [], D("2028-02-01")).status is ApprovalStatusCode.LAPSED
    assert approval_status(explicit, [], D("2028-01-31")).time_limit_ends_on == D("2028-01-31")
    extended = [ev("time_limit_extended", "2027-12-01", new_end_date=D("2030-06-30"))]
    assert approval_status(explicit, extended, D("2029-01-01")).time_limit_ends_on == D(
        "2030-06-30"
    )


def test_standard_approval_can_be_revoked() -> None:
    facts = ApprovalFacts(ApprovalType.STANDARD, D("2015-09-18"))
    result = approval_status(facts, [ev("revoked", "2020-01-01", detail="safety")], D("2020-01-01"))
    assert result.status is ApprovalStatusCode.REVOKED
    assert (
        result.reason == "The standard approval of 2015-09-18 was revoked on 2020-01-01 (safety)."
    )


def test_approval_date_may_come_from_the_approved_event() -> None:
    facts = ApprovalFacts(CONDITIONAL, None, time_limit_years=7)
    events = [ev("application_filed", "2025-08-05"), ev("approved", "2026-03-06")]
    assert approval_status(facts, events, D("2026-03-05")).reason_code.value == "before_approval"
    assert approval_status(facts, events, D("2026-03-06")).time_limit_ends_on == D("2033-03-05")
    pending = approval_status(facts, events[:1], D("2026-03-06"))
    assert (pending.status, pending.reason_code.value) == (
        ApprovalStatusCode.NOT_APPROVED,
        "no_approval",
    )


def test_to_dict() -> None:
    facts, events = PRODUCTS["amchepry"]
    result = approval_status(facts, events, D("2026-11-25")).to_dict()
    assert result == {
        "as_of": "2026-11-25",
        "status": "conditional",
        "in_force": True,
        "time_limit_ends_on": "2033-03-05",
        "reason": (
            "The conditional, time-limited approval of 2026-03-06 is in force within its time "
            "limit, which ends on 2033-03-05 (PMD Act Art 23-26)."
        ),
        "reason_code": "within_time_limit",
    }


def test_event_kinds_may_be_given_as_text() -> None:
    event = ApprovalEvent("reapplication_filed", D("2025-11-14"))  # type: ignore[arg-type]
    assert event.kind is K.REAPPLICATION_FILED
    facts = ApprovalFacts("standard", D("2007-10-29"))  # type: ignore[arg-type]
    assert facts.approval_type is ApprovalType.STANDARD


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: ApprovalFacts(ApprovalType.STANDARD, D("2020-01-01"), 5), "time_limit_years"),
        (lambda: ApprovalFacts(CONDITIONAL, D("2020-01-01")), "time_limit_years"),
        (lambda: ApprovalFacts(CONDITIONAL, D("2020-01-01"), 8), "time_limit_years"),
        (lambda: ApprovalFacts(CONDITIONAL, D("2020-01-01"), 0), "time_limit_years"),
        (lambda: ApprovalFacts("provisional", D("2020-01-01")), "approval_type"),
        (lambda: ev("time_limit_extended", "2020-01-01"), "years"),
        (
            lambda: ev("time_limit_extended", "2020-01-01", years=3, new_end_date=D("2030-01-01")),
            "years",
        ),
        (lambda: ev("time_limit_extended", "2020-01-01", years=0), "years"),
        (lambda: ev("approved", "2020-01-01", years=3), "years"),
        (lambda: ApprovalEvent("approval_renewed", D("2020-01-01")), "kind"),  # type: ignore[arg-type]
    ],
)
def test_invalid_facts_and_events_name_the_field(build: object, field: str) -> None:
    with pytest.raises(LawInputError) as excinfo:
        build()  # type: ignore[operator]
    assert excinfo.value.field == field


informational = [kind for kind in ApprovalEventKind if not kind.changes_status]


@given(
    st.sampled_from(sorted(PRODUCTS)),
    st.dates(min_value=date(2005, 1, 1), max_value=date(2040, 12, 31)),
    st.lists(
        st.tuples(
            st.sampled_from(informational),
            st.dates(min_value=date(2005, 1, 1), max_value=date(2040, 12, 31)),
        ),
        max_size=5,
    ),
)
def test_informational_events_never_change_the_status(
    product: str, as_of: date, extra: list[tuple[ApprovalEventKind, date]]
) -> None:
    facts, events = PRODUCTS[product]
    noisy = [*events, *(ApprovalEvent(kind, on) for kind, on in extra)]
    assert approval_status(facts, noisy, as_of) == approval_status(facts, events, as_of)


@given(
    st.sampled_from(sorted(PRODUCTS)),
    st.dates(min_value=date(2005, 1, 1), max_value=date(2040, 12, 31)),
)
def test_status_vocabulary_and_in_force_agree(product: str, as_of: date) -> None:
    facts, events = PRODUCTS[product]
    result = approval_status(facts, events, as_of)
    assert result.in_force == (
        result.status.value in {"approved", "conditional", "conditional_pending_decision"}
    )
    if facts.approval_type is ApprovalType.STANDARD:
        assert result.time_limit_ends_on is None
