"""The plans' part of the registry's pages: an institution's filed plans and the orders against
it, a committee's founder flag, a facility's plans and orders (registered by PlansConfig.ready()
into saisei.registry.sections)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saisei.core.time import legal_today
from saisei.plans.labels import choice_labels, list_date
from saisei.plans.models import Plan, PublicPlan
from saisei.plans.selectors import (
    REPORTING_COLUMNS,
    committee_founder_reviews,
    facility_public_plans,
    institution_listed_plans,
    institution_public_plans,
    orders_for_committee,
    orders_for_facility,
    orders_for_institution,
    reporting_of,
)
from saisei.registry import sections
from saisei.registry.models import Committee, Institution, ProcessingFacility


def institution_section(institution: Institution) -> Mapping[str, Any]:
    return {
        "plans": _with_reporting(list(institution_public_plans(institution.pk))),
        "listed_plans": _listed(institution),
        "orders": orders_for_institution(institution),
    }


def _with_reporting(plans: list[Plan]) -> list[Plan]:
    """The plans, each with its reports and notices today as the search counts them
    (`reporting`, `reporting_label`: selectors.reporting_of, the verification page's counts)."""
    today = legal_today()
    labels = choice_labels("reporting")
    rows = PublicPlan.objects.filter(plan_id__in=[plan.pk for plan in plans]).values(
        "plan_id", *REPORTING_COLUMNS
    )
    found = {row["plan_id"]: reporting_of(row, today) for row in rows}
    for plan in plans:
        value = found.get(plan.pk, "")
        plan.reporting = value  # type: ignore[attr-defined]
        plan.reporting_label = labels.get(value, "")  # type: ignore[attr-defined]
    return plans


def _listed(institution: Institution) -> list[dict[str, Any]]:
    """The plans MHLW's list holds for the institution (not filed through Saisei), as the page
    shows them."""
    classes, therapies = choice_labels("risk_class"), choice_labels("therapy")
    rows = []
    for row in institution_listed_plans(institution.pk):
        rows.append(
            {
                "plan_number": row["plan_number"],
                "title": row["title"],
                "risk_class": classes.get(row["risk_class"], row["risk_class"]),
                "therapy": therapies.get(row["therapy"], row["therapy"]),
                "delisted": list_date(
                    row["delisted_by__listed_on"], row["delisted_by__listed_precision"]
                ),
            }
        )
    return rows


def committee_section(committee: Committee) -> Mapping[str, Any]:
    """What a committee's page says of it from the plans: the institutions its founder also
    runs whose plans it reviewed (a conflict the public should see, domain.md §1.6), and its
    row of MHLW's list of committees, if any."""
    from saisei.plans.models import ListedCommittee

    return {
        "founder_reviews": committee_founder_reviews(committee),
        "orders": orders_for_committee(committee),
        "listing_number": ListedCommittee.objects.filter(committee=committee)
        .values_list("number", flat=True)
        .first(),
    }


def facility_section(facility: ProcessingFacility) -> Mapping[str, Any]:
    """What a processing facility's page says of it from the plans: the public plans whose
    cells it processes now, and the orders against it."""
    return {
        "facility_plans": facility_public_plans(facility.pk),
        "orders": orders_for_facility(facility),
    }


def register() -> None:
    sections.institution.add("plans", institution_section)
    sections.committee.add("plans", committee_section)
    sections.facility.add("plans", facility_section)
