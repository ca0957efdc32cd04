from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError, NotPermitted
from saisei.reporting.models import OutcomeMeasurement, Treatment
from saisei.reporting.services import (
    outcome_record,
    outcomes_import_csv,
    treatment_record,
    treatments_import_csv,
)
from tests.support import at

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 7, 1)


def _record(plan, actor, **kw):
    return treatment_record(
        plan=plan,
        patient_code=kw.pop("patient_code", "P-001"),
        treated_on=kw.pop("treated_on", DAY),
        actor=actor,
        today=kw.pop("today", dt.date(2025, 8, 1)),
        **kw,
    )


def test_a_treatment_under_an_active_plan_is_recorded_and_audited(active_plan, personas) -> None:
    treatment = _record(active_plan, personas.staff, lot="LOT-7")
    assert (treatment.patient_code, treatment.treated_on, treatment.lot) == ("P-001", DAY, "LOT-7")
    assert treatment.facility.pk == active_plan.plan_facilities.get().facility_id
    assert AuditEvent.objects.filter(
        action="reporting.treatment.recorded", target_id=str(treatment.pk)
    ).exists()


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("draft", "plan_not_providing"),
        ("under_review", "plan_not_providing"),
        ("restricted", "plan_restricted"),
        ("discontinued", "plan_not_providing"),
        ("suspended", "plan_suspended"),
    ],
)
def test_a_treatment_is_refused_when_the_plan_may_not_be_provided(
    world, personas, status, code
) -> None:
    with at(dt.date(2025, 6, 2)):
        plan = world.plan_in(status)
    with pytest.raises(DomainError) as raised:
        _record(plan, personas.officer, treated_on=dt.date(2025, 6, 20), today=dt.date(2025, 6, 20))
    assert raised.value.code == code
    assert not Treatment.objects.exists()


def test_a_class_two_plan_may_be_provided_once_filed(world, personas) -> None:
    # domain.md §1.3: Class II and III may start once the plan is filed.
    with at(dt.date(2025, 6, 2)):
        plan = world.plan_in("filed")
    treatment = _record(
        plan, personas.officer, treated_on=dt.date(2025, 6, 3), today=dt.date(2025, 6, 3)
    )
    assert treatment.plan_id == plan.pk


def test_a_class_one_plan_is_provided_from_the_ninety_first_day(world, personas) -> None:
    with at(dt.date(2025, 6, 2)):
        plan = world.plan_in("restricted")
    assert plan.provision_allowed_from == dt.date(2025, 8, 31)
    # The restriction is released by its service once the day comes; before it, refusal.
    with pytest.raises(DomainError) as raised:
        _record(plan, personas.officer, treated_on=dt.date(2025, 8, 30), today=dt.date(2025, 8, 30))
    assert raised.value.code == "plan_restricted"


@pytest.mark.parametrize("code", ["山田太郎", "taro@example.com", "", "x" * 41, "P 001"])
def test_a_patient_code_that_could_be_a_name_is_refused(active_plan, personas, code) -> None:
    with pytest.raises(DomainError) as raised:
        _record(active_plan, personas.officer, patient_code=code)
    assert [e["field"] for e in raised.value.errors] == ["patient_code"]


def test_a_future_treatment_date_is_refused(active_plan, personas) -> None:
    with pytest.raises(DomainError) as raised:
        _record(active_plan, personas.officer, treated_on=dt.date(2025, 8, 2))
    assert raised.value.code == "date_in_future"


def test_no_one_outside_the_institution_records_a_treatment(active_plan, personas) -> None:
    for persona in (
        personas.other_officer,
        personas.secretariat,
        personas.regulator,
        personas.holder,
    ):
        with pytest.raises(NotPermitted):
            _record(active_plan, persona)
    assert not Treatment.objects.exists()


def test_an_outcome_is_measured_against_a_current_criterion(active_plan, personas) -> None:
    treatment = _record(active_plan, personas.officer)
    criterion = active_plan.criteria.get()
    outcome = outcome_record(
        treatment=treatment,
        criterion=criterion,
        measured_on=dt.date(2025, 7, 30),
        value=Decimal("12.5"),
        actor=personas.staff,
        today=dt.date(2025, 8, 1),
    )
    assert outcome.value == Decimal("12.5")
    with pytest.raises(DomainError) as raised:
        outcome_record(
            treatment=treatment,
            criterion=criterion,
            measured_on=dt.date(2025, 7, 31),
            value=Decimal("1"),
            actor=personas.staff,
            today=dt.date(2025, 8, 1),
        )
    assert raised.value.code == "duplicate"


def test_an_outcome_before_its_treatment_is_refused(active_plan, personas) -> None:
    treatment = _record(active_plan, personas.officer)
    with pytest.raises(DomainError) as raised:
        outcome_record(
            treatment=treatment,
            criterion=active_plan.criteria.get(),
            measured_on=dt.date(2025, 6, 30),
            value=Decimal("1"),
            actor=personas.staff,
            today=dt.date(2025, 8, 1),
        )
    assert raised.value.code == "date_order"


def test_a_csv_import_is_all_or_nothing_with_line_numbers(active_plan, personas) -> None:
    text = (
        "patient_code,treated_on,lot\n"
        "P-001,2025-07-01,L1\n"
        "山田,2025-07-02,L2\n"
        "P-003,2025-13-01,L3\n"
        "P-004,2025-05-01,L4\n"
    )
    with pytest.raises(DomainError) as raised:
        treatments_import_csv(
            plan=active_plan, source=text, actor=personas.officer, today=dt.date(2025, 8, 1)
        )
    errors = raised.value.details["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [
        (3, "patient_code"),
        (4, "treated_on"),
        (5, ""),
    ]
    assert errors[2]["code"] == "plan_restricted" or errors[2]["code"] == "plan_not_providing"
    assert not Treatment.objects.exists()


def test_a_valid_csv_imports_every_row_and_outcomes_follow(active_plan, personas) -> None:
    text = "\ufeffpatient_code,treated_on,lot\nP-001,2025-07-01,L1\nP-002,2025-07-02,L2\n"
    result = treatments_import_csv(
        plan=active_plan, source=text, actor=personas.officer, today=dt.date(2025, 8, 1)
    )
    assert result.created == 2
    outcomes = (
        "patient_code,treated_on,criterion,measured_on,value\n"
        "P-001,2025-07-01,1,2025-07-20,30\n"
        "P-002,2025-07-02,1,2025-07-21,10.5\n"
    )
    assert (
        outcomes_import_csv(
            plan=active_plan, source=outcomes, actor=personas.officer, today=dt.date(2025, 8, 1)
        ).created
        == 2
    )
    assert sorted(OutcomeMeasurement.objects.values_list("value", flat=True)) == [
        Decimal("10.5"),
        Decimal("30"),
    ]
    assert AuditEvent.objects.filter(action="reporting.outcomes.imported").count() == 1


def test_an_outcome_csv_names_each_bad_line(active_plan, personas) -> None:
    _record(active_plan, personas.officer)
    text = (
        "patient_code,treated_on,criterion,measured_on,value\n"
        "P-001,2025-07-01,9,2025-07-20,30\n"
        "P-001,2025-07-01,1,2025-07-20,abc\n"
        "P-009,2025-07-01,1,2025-07-20,3\n"
    )
    with pytest.raises(DomainError) as raised:
        outcomes_import_csv(
            plan=active_plan, source=text, actor=personas.officer, today=dt.date(2025, 8, 1)
        )
    assert [(e["line"], e["field"]) for e in raised.value.details["errors"]] == [
        (2, "criterion"),
        (3, "value"),
        (4, "treated_on"),
    ]
    assert not OutcomeMeasurement.objects.exists()


def test_a_csv_missing_a_column_is_refused(active_plan, personas) -> None:
    with pytest.raises(DomainError) as raised:
        treatments_import_csv(
            plan=active_plan, source="code,date\nP,2025-07-01\n", actor=personas.officer
        )
    assert raised.value.code == "csv_invalid"
    assert {e["field"] for e in raised.value.details["errors"]} == {"patient_code", "treated_on"}
