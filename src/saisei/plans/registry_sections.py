"""The plans' part of the registry's pages: an institution's filed plans and the orders against
it, on its public page (registered by PlansConfig.ready() into saisei.registry.sections)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saisei.plans.selectors import institution_public_plans, orders_for_institution
from saisei.registry.models import Institution
from saisei.registry.sections import add_institution_section


def institution_section(institution: Institution) -> Mapping[str, Any]:
    return {
        "plans": institution_public_plans(institution.pk),
        "orders": orders_for_institution(institution),
    }


def register() -> None:
    add_institution_section("plans", institution_section)
