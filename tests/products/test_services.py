"""Services: who may record what, the sequencing rules, and the audit of each write."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError, ErrorCode, NotPermitted
from saisei.products import services
from saisei.products.models import Approval, ApprovalEvent, EventKind
from saisei.products.selectors import product_row
from saisei.products.status import compute_status
from tests.products.factories import (
    conditional_approval,
    other_holder_with_officer,
    standard_approval,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    """Today is 2026-11-25 in Japan: the rules refuse event dates after it."""
    with time_machine.travel("2026-11-25 10:00 +0900", tick=False):
        yield


D = date.fromisoformat


def test_the_holder_files_a_reapplication_for_its_own_product_audited(
    personas: Any, demo_approval: Approval
) -> None:
    event = services.holder_event_record(
        approval=demo_approval,
        kind=EventKind.REAPPLICATION_FILED,
        occurred_on=D("2026-11-20"),
        actor=personas.holder,
        detail="full approval",
        source="https://example.org/fictional",
    )
    assert event.recorded_by == personas.holder
    audit = AuditEvent.objects.get(action="products.event.reapplication_filed")
    assert audit.actor_id == personas.holder.pk
    assert audit.data["event_id"] == event.pk
    assert audit.scope == [personas.org("holder").pk]
    # The limit of the demo approval ends 2027-03-26; after it the application keeps it in force.
    status = compute_status(Approval.objects.get(pk=demo_approval.pk), D("2027-04-01"))
    assert status.status == "conditional_pending_decision"


def test_another_holder_cannot_record_on_a_product_it_does_not_hold(
    personas: Any, demo_approval: Approval
) -> None:
    _, other_officer = other_holder_with_officer()
    with pytest.raises(NotPermitted):
        services.holder_event_record(
            approval=demo_approval,
            kind=EventKind.REAPPLICATION_FILED,
            occurred_on=D("2026-11-20"),
            actor=other_officer,
        )
    assert not demo_approval.events.filter(kind=EventKind.REAPPLICATION_FILED).exists()
    assert not AuditEvent.objects.filter(action__startswith="products.event.").exists()


@pytest.mark.parametrize("persona", ["regulator", "officer", "secretariat", "member"])
def test_only_the_holder_records_holder_events(
    personas: Any, demo_approval: Approval, persona: str
) -> None:
    with pytest.raises(NotPermitted):
        services.holder_event_record(
            approval=demo_approval,
            kind=EventKind.REAPPLICATION_FILED,
            occurred_on=D("2026-11-20"),
            actor=personas.user(persona),
        )


@pytest.mark.parametrize("persona", ["holder", "officer", "secretariat"])
def test_only_the_regulator_records_decisions(
    personas: Any, demo_approval: Approval, persona: str
) -> None:
    with pytest.raises(NotPermitted):
        services.decision_record(
            approval=demo_approval,
            kind=EventKind.TIME_LIMIT_EXTENDED,
            occurred_on=D("2026-11-20"),
            years=2,
            actor=personas.user(persona),
        )
    with pytest.raises(NotPermitted):
        services.approval_grant(
            approval=demo_approval, approved_on=D("2026-11-20"), actor=personas.user(persona)
        )


def test_anonymous_is_refused_everywhere(demo_approval: Approval) -> None:
    with pytest.raises(NotPermitted):
        services.holder_event_record(
            approval=demo_approval, kind="launched", occurred_on=D("2026-01-01"), actor=None
        )
    with pytest.raises(NotPermitted):
        services.decision_record(
            approval=demo_approval, kind="revoked", occurred_on=D("2026-01-01"), actor=None
        )


def test_a_holder_cannot_record_a_regulator_decision_kind(
    personas: Any, demo_approval: Approval
) -> None:
    with pytest.raises(DomainError) as error:
        services.holder_event_record(
            approval=demo_approval,
            kind=EventKind.CONVERTED_TO_FULL_APPROVAL,
            occurred_on=D("2026-11-20"),
            actor=personas.holder,
        )
    assert error.value.code == ErrorCode.PRODUCT_EVENT_KIND_NOT_ALLOWED


def test_the_regulator_extends_a_time_limit_and_the_status_follows(
    personas: Any, demo_approval: Approval
) -> None:
    services.decision_record(
        approval=demo_approval,
        kind=EventKind.TIME_LIMIT_EXTENDED,
        occurred_on=D("2026-11-01"),
        years=3,
        actor=personas.regulator,
        source="https://example.org/fictional-letter",
    )
    status = compute_status(Approval.objects.get(pk=demo_approval.pk), D("2028-01-01"))
    assert (status.status, status.time_limit_ends_on) == ("conditional", D("2030-03-26"))
    audit = AuditEvent.objects.get(action="products.event.time_limit_extended")
    assert audit.actor_id == personas.regulator.pk and audit.data["years"] == 3


def test_a_standard_approval_cannot_be_extended(personas: Any) -> None:
    holder, _ = other_holder_with_officer()
    approval = standard_approval(holder)
    with pytest.raises(DomainError) as error:
        services.decision_record(
            approval=approval,
            kind=EventKind.TIME_LIMIT_EXTENDED,
            occurred_on=D("2026-01-01"),
            years=2,
            actor=personas.regulator,
        )
    assert error.value.code == ErrorCode.PRODUCT_NOT_CONDITIONAL
    assert error.value.status == 409
    assert not approval.events.exists()


def test_no_refusal_without_a_pending_reapplication(personas: Any, demo_approval: Approval) -> None:
    for kind in (
        EventKind.REAPPLICATION_REFUSED,
        EventKind.CONVERTED_TO_FULL_APPROVAL,
    ):
        with pytest.raises(DomainError) as error:
            services.decision_record(
                approval=demo_approval,
                kind=kind,
                occurred_on=D("2026-11-20"),
                actor=personas.regulator,
            )
        assert error.value.code == ErrorCode.PRODUCT_NO_PENDING_REAPPLICATION
    with pytest.raises(DomainError) as error:
        services.holder_event_record(
            approval=demo_approval,
            kind=EventKind.REAPPLICATION_WITHDRAWN,
            occurred_on=D("2026-11-20"),
            actor=personas.holder,
        )
    assert error.value.code == ErrorCode.PRODUCT_NO_PENDING_REAPPLICATION


def test_a_second_reapplication_while_one_is_pending_is_refused(
    personas: Any, demo_approval: Approval
) -> None:
    kwargs = {
        "approval": demo_approval,
        "kind": EventKind.REAPPLICATION_FILED,
        "actor": personas.holder,
    }
    services.holder_event_record(occurred_on=D("2026-10-01"), **kwargs)
    with pytest.raises(DomainError) as error:
        services.holder_event_record(occurred_on=D("2026-11-01"), **kwargs)
    assert error.value.code == ErrorCode.PRODUCT_REAPPLICATION_ALREADY_PENDING


def test_the_full_lifecycle_of_a_reapplication_to_conversion(
    personas: Any, demo_approval: Approval
) -> None:
    services.holder_event_record(
        approval=demo_approval,
        kind=EventKind.CONFIRMATORY_DATA_SUBMITTED,
        occurred_on=D("2026-09-01"),
        patients=41,
        actor=personas.holder,
    )
    services.holder_event_record(
        approval=demo_approval,
        kind=EventKind.REAPPLICATION_FILED,
        occurred_on=D("2026-10-01"),
        actor=personas.holder,
    )
    services.decision_record(
        approval=demo_approval,
        kind=EventKind.CONVERTED_TO_FULL_APPROVAL,
        occurred_on=D("2026-11-24"),
        actor=personas.regulator,
    )
    row = product_row(demo_approval.product, D("2026-11-25"))
    assert row.status is not None and row.status.status == "approved"
    assert row.status.reason_code == "converted_to_full_approval"
    assert list(demo_approval.events.values_list("kind", flat=True))[-3:] == [
        "confirmatory_data_submitted",
        "reapplication_filed",
        "converted_to_full_approval",
    ]


def test_refusal_after_the_limit_makes_the_approval_lapse(personas: Any) -> None:
    holder, officer = other_holder_with_officer()
    approval = conditional_approval(holder, approved_on=D("2020-01-10"), years=5)  # ends 2025-01-09
    services.holder_event_record(
        approval=approval,
        kind=EventKind.REAPPLICATION_FILED,
        occurred_on=D("2024-12-01"),
        actor=officer,
    )
    assert compute_status(approval, D("2025-06-01")).status == "conditional_pending_decision"
    services.decision_record(
        approval=approval,
        kind=EventKind.REAPPLICATION_REFUSED,
        occurred_on=D("2025-07-01"),
        actor=personas.regulator,
    )
    assert compute_status(approval, D("2025-07-01")).status == "lapsed"
    with pytest.raises(DomainError) as error:
        services.holder_event_record(
            approval=approval,
            kind=EventKind.REAPPLICATION_FILED,
            occurred_on=D("2025-08-01"),
            actor=officer,
        )
    assert error.value.code == ErrorCode.PRODUCT_STATUS_FORBIDS_EVENT


def test_council_findings_and_an_announced_withdrawal_leave_the_reapplication_pending(
    personas: Any,
) -> None:
    holder, officer = other_holder_with_officer()
    approval = conditional_approval(holder, approved_on=D("2020-01-10"), years=5)  # ends 2025-01-09
    for kind in (
        EventKind.PANEL_FOUND_NOT_APPROVABLE,
        EventKind.COUNCIL_CONCLUDED_NOT_APPROVABLE,
    ):
        # A finding on nothing pending is refused like the decision it advises on.
        with pytest.raises(DomainError) as error:
            services.decision_record(
                approval=approval, kind=kind, occurred_on=D("2024-11-01"), actor=personas.regulator
            )
        assert error.value.code == ErrorCode.PRODUCT_NO_PENDING_REAPPLICATION
    services.holder_event_record(
        approval=approval,
        kind=EventKind.REAPPLICATION_FILED,
        occurred_on=D("2024-12-01"),
        actor=officer,
    )
    for day, kind, who in (
        ("2025-06-01", EventKind.PANEL_FOUND_NOT_APPROVABLE, personas.regulator),
        ("2025-06-06", EventKind.COUNCIL_CONCLUDED_NOT_APPROVABLE, personas.regulator),
        ("2025-06-10", EventKind.WITHDRAWAL_ANNOUNCED, officer),
    ):
        record = (
            services.decision_record if who is personas.regulator else services.holder_event_record
        )
        record(approval=approval, kind=kind, occurred_on=D(day), actor=who)
        assert AuditEvent.objects.filter(action=f"products.event.{kind}").count() == 1
        assert compute_status(approval, D(day)).status == "conditional_pending_decision"
    with pytest.raises(DomainError) as error:
        services.holder_event_record(
            approval=approval,
            kind=EventKind.PANEL_FOUND_NOT_APPROVABLE,
            occurred_on=D("2025-06-11"),
            actor=officer,
        )
    assert error.value.code == ErrorCode.PRODUCT_EVENT_KIND_NOT_ALLOWED


def test_event_dates_before_approval_or_in_the_future_are_refused(
    personas: Any, demo_approval: Approval
) -> None:
    for day in ("2023-03-26", "2026-11-26"):
        with pytest.raises(DomainError) as error:
            services.holder_event_record(
                approval=demo_approval,
                kind=EventKind.LAUNCHED,
                occurred_on=D(day),
                actor=personas.holder,
            )
        assert error.value.code == ErrorCode.PRODUCT_EVENT_DATE_INVALID
    assert not demo_approval.events.filter(kind=EventKind.LAUNCHED).exists()


def test_lifting_a_shipping_restriction_needs_one(personas: Any, demo_approval: Approval) -> None:
    kwargs = {"approval": demo_approval, "actor": personas.regulator}
    with pytest.raises(DomainError):
        services.decision_record(
            kind=EventKind.SHIPPING_RESTRICTION_LIFTED, occurred_on=D("2024-01-01"), **kwargs
        )
    services.decision_record(
        kind=EventKind.SHIPPING_RESTRICTED, occurred_on=D("2024-01-01"), **kwargs
    )
    services.decision_record(
        kind=EventKind.SHIPPING_RESTRICTION_LIFTED, occurred_on=D("2024-06-01"), **kwargs
    )


def test_a_revoked_approval_takes_no_further_decisions(
    personas: Any, demo_approval: Approval
) -> None:
    services.decision_record(
        approval=demo_approval,
        kind=EventKind.REVOKED,
        occurred_on=D("2025-01-01"),
        actor=personas.regulator,
    )
    assert compute_status(demo_approval, D("2025-01-01")).status == "revoked"
    with pytest.raises(DomainError) as error:
        services.decision_record(
            approval=demo_approval,
            kind=EventKind.TIME_LIMIT_EXTENDED,
            occurred_on=D("2025-02-01"),
            years=1,
            actor=personas.regulator,
        )
    assert error.value.code == ErrorCode.PRODUCT_STATUS_FORBIDS_EVENT


def test_recording_a_lapse_inside_the_time_limit_is_refused(
    personas: Any, demo_approval: Approval
) -> None:
    with pytest.raises(DomainError) as error:
        services.decision_record(
            approval=demo_approval,
            kind=EventKind.APPROVAL_LAPSED,
            occurred_on=D("2026-01-01"),
            actor=personas.regulator,
        )
    assert error.value.code == ErrorCode.PRODUCT_STATUS_FORBIDS_EVENT


def test_the_holder_applies_and_the_regulator_grants_with_a_time_limit(
    personas: Any, demo_approval: Approval
) -> None:
    product = demo_approval.product
    approval = services.application_file(
        product=product,
        actor=personas.holder,
        filed_on=D("2026-01-15"),
        approval_type="conditional_time_limited",
        indication="fictional second indication",
    )
    assert compute_status(approval, D("2026-11-25")).status == "not_approved"
    with pytest.raises(DomainError) as error:
        services.decision_record(
            approval=approval,
            kind=EventKind.REVOKED,
            occurred_on=D("2026-02-01"),
            actor=personas.regulator,
        )
    assert error.value.code == ErrorCode.PRODUCT_NOT_APPROVED
    with pytest.raises(DomainError) as error:
        services.approval_grant(
            approval=approval, approved_on=D("2026-11-02"), actor=personas.regulator
        )
    assert error.value.code == ErrorCode.INVALID_INPUT  # a conditional approval needs a time limit
    granted = services.approval_grant(
        approval=approval,
        approved_on=D("2026-11-02"),
        council_endorsed_on=D("2026-10-20"),
        time_limit_years=5,
        target_patients=30,
        all_case_surveillance=True,
        actor=personas.regulator,
    )
    assert granted.approved_on == D("2026-11-02")
    assert list(granted.events.values_list("kind", flat=True)) == [
        "application_filed",
        "council_endorsed",
        "approved",
    ]
    status = compute_status(granted, D("2026-11-25"))
    assert (status.status, status.time_limit_ends_on) == ("conditional", D("2031-11-01"))
    assert AuditEvent.objects.filter(action="products.approval.granted").count() == 1
    with pytest.raises(DomainError) as error:
        services.approval_grant(
            approval=granted,
            approved_on=D("2026-11-03"),
            time_limit_years=5,
            actor=personas.regulator,
        )
    assert error.value.code == ErrorCode.PRODUCT_ALREADY_APPROVED


def test_another_holder_cannot_file_an_application_for_this_product(
    personas: Any, demo_approval: Approval
) -> None:
    _, other_officer = other_holder_with_officer()
    with pytest.raises(NotPermitted):
        services.application_file(
            product=demo_approval.product,
            actor=other_officer,
            filed_on=D("2026-01-15"),
            approval_type="standard",
            indication="x",
        )
    assert Approval.objects.filter(product=demo_approval.product).count() == 1
    assert ApprovalEvent.objects.filter(kind="application_filed").count() == 1
