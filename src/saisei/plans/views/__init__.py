"""Pages for provision plans: the institution's plans and form, the committee's queue, the
regulator's filings inbox and orders, and the public verification and search pages.

Views parse input and call one service; a refusal is shown on the page, translated, with status
400 (or 403/404/409 as the service says) and nothing changed.

The pages live in modules by who uses them: `drafting` (the institution's list and plan form),
`actions` (a plan's page and the actions on it), `committee`, `regulator` and `public`;
`common` holds what they share. This package re-exports every page, so the URLconf keeps
naming `views.plan_detail`.
"""

from __future__ import annotations

from saisei.plans.views.actions import (
    plan_accept,
    plan_change,
    plan_change_notify,
    plan_close,
    plan_data_collection_end,
    plan_detail,
    plan_discontinue,
    plan_file,
    plan_minor_change,
    plan_restriction_extend,
    plan_restriction_release,
    plan_restriction_shorten,
    plan_submit,
)
from saisei.plans.views.committee import review_detail, review_meeting, review_opinion, review_queue
from saisei.plans.views.common import office_label
from saisei.plans.views.drafting import plan_form, plan_list
from saisei.plans.views.public import listed_committee, listed_plan, public_plan, public_search
from saisei.plans.views.regulator import filings, order_lift, orders

__all__ = [
    "filings",
    "listed_committee",
    "listed_plan",
    "office_label",
    "order_lift",
    "orders",
    "plan_accept",
    "plan_change",
    "plan_change_notify",
    "plan_close",
    "plan_data_collection_end",
    "plan_detail",
    "plan_discontinue",
    "plan_file",
    "plan_form",
    "plan_list",
    "plan_minor_change",
    "plan_restriction_extend",
    "plan_restriction_release",
    "plan_restriction_shorten",
    "plan_submit",
    "public_plan",
    "public_search",
    "review_detail",
    "review_meeting",
    "review_opinion",
    "review_queue",
]
