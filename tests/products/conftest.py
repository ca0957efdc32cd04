from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import transaction

from saisei.products.demo import create_demo_product
from saisei.products.models import Approval
from saisei.products.reference import load
from tests.support import at


@pytest.fixture
def reference(db: None) -> str:
    """The real reference data, loaded as `saisei load-reference` loads it."""
    return load()


@pytest.fixture
def demo_approval(personas: Any) -> Approval:
    """The demo holder's fictional conditional approval, created as on 2026-11-25: approved
    2023-03-27 for 4 years (the demo counts its dates back from the load day)."""
    with at(date(2026, 11, 25)), transaction.atomic():
        create_demo_product(personas.context)
    return Approval.objects.select_related("product__holder").get(
        product=personas.context.objects["product"]
    )
