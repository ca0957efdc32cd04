"""Writes to provision plans: one service per lifecycle transition (saisei.plans.lifecycle).

Each service is keyword-only, takes `actor=`, checks permission with ensure_can, checks the
transition table, moves the status with a conditional UPDATE (so two concurrent requests cannot
both win), writes a PlanStatusChange row and an audit event, all in one transaction.

Obligation clocks (the reporting issue) start inside plan_file (periodic reports, the 60-day
adverse-event cycle), plan_minor_change_notify and plan_discontinue; each marks the spot with
"obligation clock" so a later obligation_open(...) call sits inside the same transaction.

The services live in modules by stage:
- `transitions`: the one way a status changes, the guards, the row lock;
- `content`: validation of a plan's content (declared once in saisei.plans.content), its
  classification and its versions;
- `drafting`: create and edit a draft;
- `review`: submission, the committee's meetings and opinion;
- `filing`: filing, acceptance and the Class I restriction;
- `changes`: a reviewed change and a minor change;
- `ending`: discontinuation, the end of data collection, closing;
- `orders`: the Minister's orders.

This package re-exports every public name, so callers keep writing `services.plan_file(...)`;
a test that patches a name patches it in the module that reads it.
"""

from __future__ import annotations

from saisei.plans.content import (
    CHOICE_FIELDS,
    CRITERION_FIELDS,
    MINOR_CHANGE_FIELDS,
    THRESHOLD_OPERATORS,
)
from saisei.plans.services.changes import (
    plan_change_notify,
    plan_change_propose,
    plan_minor_change_notify,
)
from saisei.plans.services.content import (
    CONTENT_FIELDS,
    check_committee,
    classify_plan,
    clean_content,
    clean_criteria,
    clean_facilities,
    snapshot,
)
from saisei.plans.services.drafting import plan_create, plan_update
from saisei.plans.services.ending import plan_close, plan_data_collection_end, plan_discontinue
from saisei.plans.services.filing import (
    RESTRICTION_OF_CHANGE,
    RESTRICTION_OF_PLAN,
    plan_accept,
    plan_file,
    plan_restriction_extend,
    plan_restriction_release,
    plan_restriction_shorten,
)
from saisei.plans.services.orders import (
    REACHABLE,
    order_issue,
    order_lift,
    order_preview,
    order_reach,
)
from saisei.plans.services.review import meeting_record, plan_submit, review_record_opinion
from saisei.plans.services.transitions import S

__all__ = [
    "CHOICE_FIELDS",
    "CONTENT_FIELDS",
    "CRITERION_FIELDS",
    "MINOR_CHANGE_FIELDS",
    "REACHABLE",
    "RESTRICTION_OF_CHANGE",
    "RESTRICTION_OF_PLAN",
    "THRESHOLD_OPERATORS",
    "S",
    "check_committee",
    "classify_plan",
    "clean_content",
    "clean_criteria",
    "clean_facilities",
    "meeting_record",
    "order_issue",
    "order_lift",
    "order_preview",
    "order_reach",
    "plan_accept",
    "plan_change_notify",
    "plan_change_propose",
    "plan_close",
    "plan_create",
    "plan_data_collection_end",
    "plan_discontinue",
    "plan_file",
    "plan_minor_change_notify",
    "plan_restriction_extend",
    "plan_restriction_release",
    "plan_restriction_shorten",
    "plan_submit",
    "plan_update",
    "review_record_opinion",
    "snapshot",
]
