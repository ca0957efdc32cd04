"""Legal regimes of the RM Act by effective date."""

from __future__ import annotations

from datetime import date

import pytest

from saisei.law import REGIMES, RM_ACT_IN_FORCE, LawInputError, regime_on


@pytest.mark.parametrize(
    ("day", "effective_from"),
    [
        (date(2014, 11, 25), date(2014, 11, 25)),
        (date(2020, 3, 31), date(2014, 11, 25)),
        (date(2025, 5, 30), date(2014, 11, 25)),
        (date(2025, 5, 31), date(2025, 5, 31)),
        (date(2030, 1, 1), date(2025, 5, 31)),
    ],
)
def test_regime_on_picks_the_version_in_force(day: date, effective_from: date) -> None:
    assert regime_on(day).effective_from == effective_from


def test_only_the_amended_act_covers_nucleic_acids() -> None:
    original, amended = REGIMES
    assert (original.covers_nucleic_acids, amended.covers_nucleic_acids) == (False, True)
    assert original.key == "2014-11-25"
    assert "Act No. 85 of 2013" in original.citation
    assert "Act No. 51 of 2024" in amended.citation
    assert amended.label == "RM Act as amended from 2025-05-31"


def test_a_date_before_the_act_is_an_error() -> None:
    assert date(2014, 11, 25) == RM_ACT_IN_FORCE
    with pytest.raises(LawInputError) as excinfo:
        regime_on(date(2014, 11, 24))
    assert excinfo.value.field == "date"
    assert "2014-11-25" in excinfo.value.message
    with pytest.raises(LawInputError) as excinfo:
        regime_on(date(2010, 1, 1), field="filed_on")
    assert excinfo.value.field == "filed_on"
