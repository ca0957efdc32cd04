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
    ("collategene", "2024-06-26", "conditional_pending_decision", True, "2024-03-25"),
    ("collategene", "2024-06-27", "lapsed", False, "2024-03-25"),
    ("amchepry", "2026-03-05", "not_approved", False, None),
    ("amchepry", "2026-03-06", "conditional", True, "2033-03-05"),
    ("amchepry", "2033-03-05", "conditional", True, "2033-03-05"),
    ("amchepry", "2033-03-06", "lapsed", False, "2033-03-05"),
    ("reheart", "2026-11-25", "conditional", True, "2033-03-05"),
    ("heartsheet", "2020-09-17", "conditional", True, "2020-09-17"),
    ("heartsheet", "2024-07-19", "lapsed", False, "2020-09-17"),
    ("heartsheet", "2026-11-25", "lapsed", False, "2020-09-17"),
    # 3 years counted from 2025-05-13 as day 1 end on 2028-05-12 (domain.md §2).
    ("elevidys", "2026-11-25", "conditional", True, "2028-05-12"),
    ("elevidys", "2028-05-12", "conditional", True, "2028-05-12"),
    ("elevidys", "2028-05-13", "lapsed", False, "2028-05-12"),
    ("delytact", "2026-11-25", "conditional", True, "2028-06-10"),
    ("akuugo", "2026-11-25", "conditional", True, "2031-07-30"),
    ("jace", "2026-11-25", "approved", True, None),
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


@pytest.mark.parametrize("as_of", ["2020-09-18", "2022-06-01", "2024-07-18"])
def test_heartsheet_inside_its_unknown_window_is_not_given_a_status(
    reference: str, as_of: str
) -> None:
    result = product_row(Product.objects.get(slug="heartsheet"), D(as_of)).status
    assert result is not None
    assert result.status is None and result.in_force is None and result.uncertain
    assert "cannot be computed" in result.reason
    assert "dates of both are not in this data set" in result.reason


def test_after_the_unknown_window_the_status_carries_the_caveat(reference: str) -> None:
    result = product_row(Product.objects.get(slug="heartsheet"), D("2025-01-01")).status
    assert result is not None and result.status == "lapsed"
    assert result.caveats and "not known" in result.caveats[0]
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
