"""The holder's duty to apply again before a conditional approval's time limit (PMD Act
Art 23-26), computed from the real reference data and kept in step with new events."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
import time_machine
from django.core.management import call_command

from saisei.accounts.roles import Role
from saisei.accounts.services import membership_grant
from saisei.audit.models import AuditEvent
from saisei.obligations.models import Obligation
from saisei.obligations.services import obligations_tick, obligations_verify
from saisei.products.models import Approval, Product
from saisei.products.services import decision_record, holder_event_record

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def reference(db) -> Iterator[None]:
    # Services read today's date in Japan: pin it, so the statuses stay those of TODAY.
    with time_machine.travel(
        dt.datetime(2026, 11, 25, 12, tzinfo=dt.timezone(dt.timedelta(hours=9))), tick=False
    ):
        call_command("load-reference", stdout=io.StringIO())
        obligations_tick(today=TODAY)
        yield


def _duty(slug: str) -> Obligation | None:
    approval = Approval.objects.get(product__slug=slug)
    return Obligation.objects.filter(
        rule="pmd_time_limit", subject_type="products.approval", subject_id=str(approval.pk)
    ).first()


@pytest.mark.parametrize(
    ("slug", "due", "status", "met_on"),
    [
        ("amchepry", dt.date(2033, 3, 5), "open", None),
        ("reheart", dt.date(2033, 3, 5), "open", None),
        ("elevidys", dt.date(2028, 5, 12), "open", None),
        ("stemirac", dt.date(2025, 12, 27), "met", dt.date(2025, 11, 14)),
        ("collategene", dt.date(2024, 3, 25), "met", dt.date(2023, 5, 31)),
    ],
)
def test_each_real_conditional_approval_has_its_duty(reference, slug, due, status, met_on) -> None:
    duty = _duty(slug)
    assert (duty.due_on, duty.status, duty.met_on) == (due, status, met_on)
    assert duty.organisation_id == Product.objects.get(slug=slug).holder.organisation_id


def test_no_duty_is_invented_where_the_data_cannot_settle_it(reference) -> None:
    assert _duty("heartsheet") is None  # extension and re-application undated
    assert _duty("kymriah") is None  # a standard approval has no time limit
    assert obligations_verify(today=TODAY) == []


def test_an_extension_moves_the_duty_and_a_reapplication_meets_it(reference, personas) -> None:
    approval = Approval.objects.get(product__slug="amchepry")
    decision_record(
        approval=approval,
        kind="time_limit_extended",
        occurred_on=dt.date(2026, 11, 20),
        years=2,
        actor=personas.regulator,
        detail="test extension",
    )
    duty = _duty("amchepry")
    assert (duty.due_on, duty.status) == (dt.date(2035, 3, 5), "open")
    assert AuditEvent.objects.filter(
        action="obligations.obligation.synced", target_id=str(duty.pk)
    ).exists()
    membership_grant(
        user=personas.holder,
        organisation=approval.product.holder.organisation,
        role=Role.HOLDER_OFFICER,
        actor=None,
        system="test",
    )
    holder_event_record(
        approval=approval,
        kind="reapplication_filed",
        occurred_on=dt.date(2026, 11, 24),
        actor=personas.holder,
    )
    duty.refresh_from_db()
    assert (duty.status, duty.met_on, duty.met_by_type) == (
        "met",
        dt.date(2026, 11, 24),
        "products.approvalevent",
    )
    assert obligations_verify(today=TODAY) == []


# The approval's conditions ------------------------------------------------------------------


def _conditions(approval: Approval) -> dict[str, Obligation]:
    rows = Obligation.objects.filter(
        subject_type="products.approval",
        subject_id=str(approval.pk),
        rule__startswith="pmd_condition_",
    )
    return {row.rule: row for row in rows}


@pytest.mark.parametrize(("slug", "target"), [("amchepry", 35), ("reheart", 75)])
def test_a_target_number_of_patients_is_a_duty_due_with_the_time_limit(
    reference, slug, target
) -> None:
    approval = Approval.objects.get(product__slug=slug)
    assert approval.target_patients == target
    duty = _conditions(approval)["pmd_condition_patients"]
    assert (duty.due_on, duty.status, duty.recipient) == (dt.date(2033, 3, 5), "open", "minister")
    assert f"at least {target} patients" in duty.explanation["explain"]
    assert "PMD Act Art 23-26" in duty.explanation["basis"]
    # No condition is invented for an approval whose record names none.
    assert _conditions(Approval.objects.get(product__slug="elevidys")) == {}


@pytest.fixture
def demo_conditions(personas) -> Iterator[Approval]:
    """The demo approval (2023-03-27, 4 years: limit ends 2027-03-26), with a target of 40
    patients and all-case surveillance, its duties opened by the tick."""
    from saisei.products.demo import create_demo_product

    with time_machine.travel(
        dt.datetime(2026, 11, 25, 12, tzinfo=dt.timezone(dt.timedelta(hours=9))), tick=False
    ):
        create_demo_product(personas.context)
        obligations_tick(today=TODAY)
        yield Approval.objects.get(product__slug="demo-aozora-cardiosheet")


def test_confirmatory_data_meets_each_condition_it_fulfils(demo_conditions, personas) -> None:
    approval = demo_conditions
    duties = _conditions(approval)
    assert {rule: (d.due_on, d.status) for rule, d in duties.items()} == {
        "pmd_condition_patients": (dt.date(2027, 3, 26), "open"),
        "pmd_condition_surveillance": (dt.date(2027, 3, 26), "open"),
    }
    short = holder_event_record(
        approval=approval,
        kind="confirmatory_data_submitted",
        occurred_on=dt.date(2026, 11, 10),
        patients=30,
        actor=personas.holder,
    )
    duties = _conditions(approval)
    # 30 patients are the surveillance results, but short of the target of 40.
    assert (
        duties["pmd_condition_surveillance"].status,
        duties["pmd_condition_surveillance"].met_by_id,
    ) == ("met", str(short.pk))
    assert duties["pmd_condition_patients"].status == "open"
    enough = holder_event_record(
        approval=approval,
        kind="confirmatory_data_submitted",
        occurred_on=dt.date(2026, 11, 24),
        patients=41,
        actor=personas.holder,
    )
    patients = _conditions(approval)["pmd_condition_patients"]
    assert (patients.status, patients.met_on, patients.met_by_id) == (
        "met",
        dt.date(2026, 11, 24),
        str(enough.pk),
    )
    assert obligations_verify(today=TODAY) == []


def test_an_unmet_condition_is_overdue_after_the_time_limit(demo_conditions) -> None:
    later = dt.date(2027, 3, 27)
    obligations_tick(today=later)
    duties = _conditions(demo_conditions)
    assert {d.status for d in duties.values()} == {"overdue"}
    assert obligations_verify(today=later) == []


def test_conversion_to_full_approval_meets_the_conditions(demo_conditions, personas) -> None:
    approval = demo_conditions
    holder_event_record(
        approval=approval,
        kind="reapplication_filed",
        occurred_on=dt.date(2026, 11, 2),
        actor=personas.holder,
    )
    conversion = decision_record(
        approval=approval,
        kind="converted_to_full_approval",
        occurred_on=dt.date(2026, 11, 20),
        actor=personas.regulator,
    )
    duties = _conditions(approval)
    assert {(d.status, d.met_by_id) for d in duties.values()} == {("met", str(conversion.pk))}
    assert obligations_verify(today=TODAY) == []


def test_verify_finds_a_condition_duty_that_was_tampered_with(demo_conditions) -> None:
    duty = _conditions(demo_conditions)["pmd_condition_patients"]
    Obligation.objects.filter(pk=duty.pk).update(due_on=dt.date(2028, 1, 1))
    differences = obligations_verify(today=TODAY)
    assert [(d.kind, d.rule) for d in differences] == [("due_date", "pmd_condition_patients")]


def test_the_product_page_lists_the_companys_duties_and_their_status(reference, client) -> None:
    page = client.get("/products/amchepry/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    table = html[html.index('data-testid="holder-duties"') :]
    table = table[: table.index("</table>")]
    assert "Re-application with confirmatory evidence" in table
    assert table.index("Re-application") < table.index("confirmatory data on the target")
    assert "confirmatory data on the target number of patients" in table
    assert table.count("2033-03-05") == 2
    assert table.count(">open<") == 2
    stemirac = client.get("/products/stemirac/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "status-ok" in stemirac[stemirac.index('data-testid="holder-duties"') :]
