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
