from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from saisei.products.demo import create_demo_product
from saisei.products.models import Approval
from saisei.products.reference import load


@pytest.fixture
def reference(db: None) -> str:
    """The real reference data, loaded as `saisei load-reference` loads it."""
    return load()


@pytest.fixture
def demo_approval(personas: Any) -> Approval:
    """The demo holder's fictional conditional approval (approved 2023-03-27, 4 years)."""
    with transaction.atomic():
        create_demo_product(personas.context)
    return Approval.objects.select_related("product__holder").get(
        product=personas.context.objects["product"]
    )
