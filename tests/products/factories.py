"""Factories for products tests: a second holder (another company) and its product."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from saisei.accounts.roles import OrganisationKind, Role
from saisei.accounts.services import membership_grant, organisation_create, user_create
from saisei.products.models import Approval, ApprovalEvent, Category, EventKind, Holder, Product


def other_holder_with_officer(slug: str = "test-other-holder") -> tuple[Holder, Any]:
    with transaction.atomic():
        organisation = organisation_create(
            kind=OrganisationKind.HOLDER,
            slug=slug,
            name="架空べつのバイオ",
            name_en="Other Bio (fictional)",
            actor=None,
            system="test",
        )
        holder = Holder.objects.create(organisation=organisation, name="Other Bio (fictional)")
        user = user_create(username=f"{slug}-officer", password=None, actor=None, system="test")
        membership_grant(
            user=user,
            organisation=organisation,
            role=Role.HOLDER_OFFICER,
            actor=None,
            system="test",
        )
    return holder, user


def conditional_approval(
    holder: Holder,
    *,
    slug: str = "test-product",
    approved_on: date = date(2023, 1, 10),
    years: int = 5,
) -> Approval:
    product = Product.objects.create(
        slug=slug,
        brand_name=f"{slug} (fictional)",
        brand_name_ja="架空製品",
        what_it_is="fictional cells",
        category=Category.ALLOGENEIC_CELLS,
        holder=holder,
    )
    approval = Approval.objects.create(
        product=product,
        approval_type="conditional_time_limited",
        indication="fictional indication",
        approved_on=approved_on,
        time_limit_years=years,
    )
    ApprovalEvent.objects.create(
        approval=approval, kind=EventKind.APPROVED, occurred_on=approved_on
    )
    return approval


def standard_approval(holder: Holder, *, slug: str = "test-standard") -> Approval:
    product = Product.objects.create(
        slug=slug,
        brand_name=f"{slug} (fictional)",
        what_it_is="fictional cells",
        category=Category.AUTOLOGOUS_CELLS,
        holder=holder,
    )
    return Approval.objects.create(
        product=product,
        approval_type="standard",
        indication="fictional indication",
        approved_on=date(2020, 5, 1),
    )
