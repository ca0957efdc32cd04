"""The security walks' demo world (the demo, with patient data at both fictional institutions),
built once for the module, and the objects whose ids fill the matrix's routes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.security.conftest import patient_world, world  # noqa: F401 - fixtures
from tests.security.test_scoped_reads import _objects


@pytest.fixture(scope="module")
def objects(patient_world: Any, django_db_blocker: Any) -> dict[str, Any]:  # noqa: F811
    from saisei.plans.models import Order
    from saisei.products.models import Approval, Product
    from saisei.registry.models import CommitteeMember, Institution

    with django_db_blocker.unblock():
        # The real samples of MHLW's lists, as make run loads them (a plan and a committee of them
        # fill their routes).
        from saisei.plans.reference import load

        load()
        objects = _objects()
        return {
            **objects,
            "member": CommitteeMember.objects.filter(committee_id=objects["kasumi"], is_active=True)
            .order_by("pk")
            .first()
            .pk,  # type: ignore[union-attr]
            "institution": Institution.objects.get(organisation__slug="demo-hinata-clinic").pk,
            "order": Order.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
            "approval": Approval.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
            "product": Product.objects.order_by("slug").first().slug,  # type: ignore[union-attr]
            "listed": "03A2505004",
            "committee_no": "07C2403002",
        }


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    from saisei.config.api import api

    return api.get_openapi_schema()
