"""Statuses of the real products on chosen days, computed from the loaded reference data."""

from __future__ import annotations

from datetime import date

import pytest

from saisei.products.models import Product
from saisei.products.selectors import conditional_time_limits, product_row

pytestmark = pytest.mark.django_db

D = date.fromisoformat

CASES = [
    # slug, as_of, status, in_force, time limit ends
    ("stemirac", "2025-12-27", "conditional", True, "2025-12-27"),
    ("stemirac", "2026-11-25", "conditional_pending_decision", True, "2025-12-27"),
    ("collategene", "2024-03-25", "conditional", True, "2024-03-25"),
    ("collategene", "2024-03-26", "conditional_pending_decision", True, "2024-03-25"),
    # The withdrawal announced on 2024-06-24 took effect with the lapse on 2024-06-27.
    ("collategene", "2024-06-24", "conditional_pending_decision", True, "2024-03-25"),
    ("collategene", "2024-06-26", "conditional_pending_decision", True, "2024-03-25"),
    ("collategene", "2024-06-27", "lapsed", False, "2024-03-25"),
    ("amchepry", "2026-03-05", "not_approved", False, None),
    ("amchepry", "2026-03-06", "conditional", True, "2033-03-05"),
    ("amchepry", "2033-03-05", "conditional", True, "2033-03-05"),
    ("amchepry", "2033-03-06", "lapsed", False, "2033-03-05"),
    ("reheart", "2026-11-25", "conditional", True, "2033-03-05"),
    # HeartSheet: 5 years to 2020-09-17, extended in 2018 by 3 years to 2023-09-17.
    ("heartsheet", "2017-12-31", "conditional", True, "2020-09-17"),
    ("heartsheet", "2019-01-01", "conditional", True, "2023-09-17"),
    ("heartsheet", "2020-09-18", "conditional", True, "2023-09-17"),
    ("heartsheet", "2023-09-17", "conditional", True, "2023-09-17"),
    # 3 years counted from 2025-05-13 as day 1 end on 2028-05-12 (domain.md §2).
    ("elevidys", "2026-11-25", "conditional", True, "2028-05-12"),
    ("elevidys", "2028-05-12", "conditional", True, "2028-05-12"),
    ("elevidys", "2028-05-13", "lapsed", False, "2028-05-12"),
    ("delytact", "2026-11-25", "conditional", True, "2028-06-10"),
    ("akuugo", "2026-11-25", "conditional", True, "2031-07-30"),
    ("jace", "2026-11-25", "approved", True, None),
    ("ocural", "2021-06-10", "not_approved", False, None),
    ("ocural", "2021-06-11", "approved", True, None),
    ("luxturna", "2026-11-25", "approved", True, None),
    ("kymriah", "2019-03-25", "not_approved", False, None),
]


@pytest.mark.parametrize(("slug", "as_of", "status", "in_force", "ends"), CASES)
def test_the_status_of_a_real_product_on_a_day(
    reference: str, slug: str, as_of: str, status: str, in_force: bool, ends: str | None
) -> None:
    result = product_row(Product.objects.get(slug=slug), D(as_of)).status
    assert result is not None
    assert (result.status, result.in_force) == (status, in_force)
    assert result.time_limit_ends_on == (D(ends) if ends else None)


@pytest.mark.parametrize("as_of", ["2018-01-01", "2018-06-01", "2018-12-31"])
def test_heartsheet_in_2018_is_conditional_with_an_unknown_end_of_its_time_limit(
    reference: str, as_of: str
) -> None:
    # The extension was decided in 2018 on a day not found: in force either way, but the limit
    # ended on 2020-09-17 before that day and on 2023-09-17 from it.
    result = product_row(Product.objects.get(slug="heartsheet"), D(as_of)).status
    assert result is not None
    assert (result.status, result.in_force, result.time_limit_ends_on) == (
        "conditional",
        True,
        None,
    )
    assert result.reason_code == "time_limit_end_unknown" and not result.uncertain
    assert "2020-09-17" in result.reason and "2023-09-17" in result.reason


@pytest.mark.parametrize("as_of", ["2023-09-18", "2024-07-19", "2024-07-20", "2030-01-01"])
def test_heartsheet_from_2023_09_18_is_not_given_a_status(reference: str, as_of: str) -> None:
    # Filed in September 2023 (by 2023-09-17 or not?), refused after a hearing on a day not
    # found: no end to the window is known, and the panel's finding of 2024-07-19 is no refusal.
    result = product_row(Product.objects.get(slug="heartsheet"), D(as_of)).status
    assert result is not None
    assert result.status is None and result.in_force is None and result.uncertain
    assert result.time_limit_ends_on is None
    assert result.reason.startswith(f"The status on {as_of} cannot be computed")
    assert "neither is the refusal" in result.reason
    assert "refused on" not in result.full_reason and "lapsed on 2024-07-19" not in result.reason
    assert "2023-09-01" not in result.full_reason  # the stored first day is never cited


def test_the_explanation_is_in_the_page_language_with_what_is_known(reference: str) -> None:
    from django.utils import translation

    result = product_row(Product.objects.get(slug="heartsheet"), D("2024-07-20")).status
    assert result is not None
    with translation.override("en"):
        assert "September 2023" in result.explanation()
        assert "September 2023" not in result.summary()
    with translation.override("ja"):
        assert "2023年9月(日付は不明)" in result.explanation()


def test_after_a_window_with_an_unknown_status_the_status_carries_the_caveat(
    reference: str,
) -> None:
    from saisei.products.models import StatusGap

    # Only a closed window that hid the status is a caveat later; HeartSheet's is open-ended,
    # so one is closed here for the test.
    gap = StatusGap.objects.get(approval__product__slug="heartsheet", starts_on=D("2023-09-18"))
    StatusGap.objects.filter(pk=gap.pk).update(ends_on=D("2024-12-31"))
    result = product_row(Product.objects.get(slug="heartsheet"), D("2025-01-01")).status
    assert result is not None and result.status is not None
    assert len(result.caveats) == 1 and "could not be computed" in result.caveats[0]
    assert "Caveat" in result.to_dict()["reason"]


def test_conditional_time_limits_lists_each_in_force_conditional_approval(reference: str) -> None:
    limits = {t.approval.product.slug: t.ends_on for t in conditional_time_limits(D("2026-11-25"))}
    assert limits == {
        "stemirac": D("2025-12-27"),
        "delytact": D("2028-06-10"),
        "akuugo": D("2031-07-30"),
        "elevidys": D("2028-05-12"),
        "amchepry": D("2033-03-05"),
        "reheart": D("2033-03-05"),
    }
