"""The Minister's decisions on products, on the product page: a regulator grants an application
and records a measure; a refusal shows on its field; no one else may."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from saisei.audit.models import AuditEvent
from saisei.products import services
from saisei.products.models import Approval

pytestmark = pytest.mark.django_db


def test_the_regulator_grants_an_application_then_records_a_measure_on_the_page(
    personas: Any, demo_approval: Approval, client_for: Any
) -> None:
    product = demo_approval.product
    application = services.application_file(
        product=product,
        actor=personas.holder,
        filed_on=date(2026, 1, 15),
        approval_type="conditional_time_limited",
        indication="fictional second indication",
    )
    regulator = client_for("regulator")
    page = regulator.get(f"/products/{product.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Grant the application" in page and "Record a decision or measure" in page
    assert (
        "Grant the application"
        not in client_for("holder").get(f"/products/{product.slug}/").content.decode()
    )
    prefix = f"g{application.pk}"
    # A conditional approval needs its time limit: refused in place, nothing granted.
    refused = regulator.post(
        f"/products/approvals/{application.pk}/grant/",
        {f"{prefix}-approved_on": "2026-11-02"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    application.refresh_from_db()
    assert application.approved_on is None
    granted = regulator.post(
        f"/products/approvals/{application.pk}/grant/",
        {
            f"{prefix}-approved_on": "2026-11-02",
            f"{prefix}-council_endorsed_on": "2026-10-20",
            f"{prefix}-time_limit_years": "5",
            f"{prefix}-target_patients": "30",
            f"{prefix}-all_case_surveillance": "true",
        },
    )
    assert granted.status_code == 302
    application.refresh_from_db()
    assert (application.approved_on, application.time_limit_years) == (date(2026, 11, 2), 5)
    prefix = f"d{application.pk}"
    measure = regulator.post(
        f"/products/approvals/{application.pk}/decision/",
        {
            f"{prefix}-kind": "shipping_restricted",
            f"{prefix}-occurred_on": "2026-11-20",
            f"{prefix}-detail": "fictional lot recall",
        },
    )
    assert measure.status_code == 302
    assert "shipping_restricted" in set(application.events.values_list("kind", flat=True))
    assert AuditEvent.objects.filter(target_id=str(application.pk)).count() >= 2
    assert (
        client_for("holder")
        .post(
            f"/products/approvals/{application.pk}/decision/",
            {f"{prefix}-kind": "revoked", f"{prefix}-occurred_on": "2026-11-21"},
        )
        .status_code
        == 403
    )
