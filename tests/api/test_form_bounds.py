"""The HTML forms hold the same bounds as the API: control characters, days outside the legal
calendar (or before the RM Act), periods past the law engine's range, over-long search text.

Each is refused as a form error on its field (the page is shown again, nothing is written),
and the date inputs tell the browser their range.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from saisei.core.bounds import LAST_DAY, RM_ACT_FIRST_DAY, SEARCH_MAX
from saisei.law import MAX_PERIOD
from saisei.obligations.forms import FilingForm
from saisei.plans.forms import SearchForm
from saisei.products.forms import AsOfForm
from saisei.registry.forms import NoticeForm
from saisei.reporting.forms import AdverseEventForm, GenerateForm
from saisei.reporting.models import PeriodicReport, Treatment
from tests.reporting.conftest import active_plan, world
from tests.support import at

__all__ = ["active_plan", "world"]

ON = dt.date(2025, 8, 1)


def _hub(plan: Any) -> str:
    return f"/reporting/plans/{plan.pk}/"


@pytest.mark.parametrize("character", ["\x07", "\x1b", "\x7f", "\x9b"])
def test_a_control_character_in_a_form_is_a_field_error(character: str) -> None:
    form = NoticeForm(
        {"kind": "change", "event_on": "2025-07-01", "summary": f"new{character}room"}
    )
    assert not form.is_valid()
    assert form.errors.as_data()["summary"][0].code == "control_character"


def test_a_textarea_keeps_its_line_breaks_and_a_line_refuses_them() -> None:
    notice = NoticeForm({"kind": "change", "event_on": "2025-07-01", "summary": "a\r\n\tb"})
    assert notice.is_valid(), notice.errors
    filing = FilingForm({"filed_on": "2025-07-01", "reference": "R-1\n2"})
    assert not filing.is_valid()
    assert "reference" in filing.errors


@pytest.mark.parametrize(
    ("form_class", "data", "field"),
    [
        (FilingForm, {"filed_on": "2014-11-24", "reference": "R-1"}, "filed_on"),
        (FilingForm, {"filed_on": "2100-01-01", "reference": "R-1"}, "filed_on"),
        (NoticeForm, {"kind": "change", "event_on": "2100-01-01", "summary": "s"}, "event_on"),
        (AsOfForm, {"as_of": "1948-12-31"}, "as_of"),
        (AsOfForm, {"as_of": "2100-01-01"}, "as_of"),
    ],
)
def test_a_day_outside_the_calendar_is_a_field_error(form_class: Any, data: Any, field: str):
    form = form_class(data)
    assert not form.is_valid()
    assert field in form.errors


def test_date_inputs_show_their_range_to_the_browser() -> None:
    html = str(FilingForm()["filed_on"])
    assert f'min="{RM_ACT_FIRST_DAY}"' in html and f'max="{LAST_DAY}"' in html
    products = str(AsOfForm()["as_of"])
    assert 'min="1949-01-01"' in products and f'max="{LAST_DAY}"' in products


def test_a_period_past_the_law_engines_range_is_a_field_error() -> None:
    assert GenerateForm({"period": str(MAX_PERIOD)}).is_valid()
    refused = GenerateForm({"period": "1000000"})
    assert not refused.is_valid() and "period" in refused.errors
    assert f'max="{MAX_PERIOD}"' in str(GenerateForm()["period"])


def test_a_search_longer_than_its_bound_is_a_field_error() -> None:
    assert SearchForm({"q": "x" * SEARCH_MAX}).is_valid()
    refused = SearchForm({"q": "x" * (SEARCH_MAX + 1)})
    assert not refused.is_valid() and "q" in refused.errors


def test_a_form_refuses_nul_before_it_reaches_the_database() -> None:
    form = AdverseEventForm(
        {
            "patient_code": "P-1",
            "learned_on": "2025-07-30",
            "category": "non_serious",
            "description": "a\x00b",
            "outcome": "recovered",
            "causality": "related",
        }
    )
    assert not form.is_valid()
    assert "description" in form.errors


@pytest.mark.django_db
def test_the_reporting_page_shows_bad_input_as_errors_and_saves_nothing(
    active_plan: Any, client_for: Any
) -> None:
    facility = active_plan.plan_facilities.get().facility_id
    staff = client_for("staff")
    with at(ON):
        treatment = staff.post(
            _hub(active_plan),
            {
                "action": "treatment",
                "t-patient_code": "P-001",
                "t-treated_on": "2025-07-01",
                "t-facility": facility,
                "t-lot": "L\x071",
            },
        )
        assert treatment.status_code == 400
        assert not Treatment.objects.exists()
        early = staff.post(
            _hub(active_plan),
            {
                "action": "treatment",
                "t-patient_code": "P-001",
                "t-treated_on": "2014-11-24",
                "t-facility": facility,
            },
        )
        assert early.status_code == 400
        assert not Treatment.objects.exists()
        generate = client_for("officer").post(
            _hub(active_plan), {"action": "generate", "g-period": "1000000"}
        )
        assert generate.status_code == 400
        assert not PeriodicReport.objects.exists()


@pytest.mark.django_db
def test_the_public_search_page_answers_an_over_long_search(client_for: Any) -> None:
    response = client_for(None).get("/plans/search/", {"q": "x" * 60_000})
    assert response.status_code == 200
