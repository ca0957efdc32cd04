"""The permission matrix: every page and endpoint of plans and the registry, for each persona.

An officer of another institution sees and changes nothing of this institution's non-public
data ("not found", so that even existence is not disclosed); the public sees filed plans only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from saisei.accounts.permissions import forget_grants
from saisei.core.time import legal_today
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import Plan
from tests.support.personas import Personas, build_personas
from tests.support.shared import refreshed, rolled_back
from tests.support.world import World, build_world

pytestmark = pytest.mark.django_db
S = PlanStatus

PERSONAS = [
    "officer",
    "staff",
    "other-officer",
    "secretariat",
    "member",
    "regulator",
    "holder",
    None,
]


def _expect(table: dict[str | None, int], persona: str | None) -> int:
    return table[persona]


# A regulator sees a plan from its first submission to a committee: a draft never submitted is
# "not found" to it, as to anyone outside the institution (plans_visible_to).
# (method, url template, body, {persona: status}); {draft}, {active}, {filed}, {committee}
MATRIX = [
    # Private plan pages and API reads
    (
        "get",
        "/plans/",
        None,
        {
            "officer": 200,
            "staff": 200,
            "other-officer": 200,
            "secretariat": 200,
            "member": 200,
            "regulator": 200,
            "holder": 200,
            None: 302,
        },
    ),
    (
        "get",
        "/plans/{draft}/",
        None,
        {
            "officer": 200,
            "staff": 200,
            "other-officer": 404,
            "secretariat": 404,
            "member": 404,
            "regulator": 404,
            "holder": 404,
            None: 302,
        },
    ),
    (
        "get",
        "/plans/{draft}/edit/",
        None,
        {
            "officer": 200,
            "staff": 200,
            "other-officer": 404,
            "secretariat": 404,
            "member": 404,
            "regulator": 404,
            "holder": 404,
            None: 302,
        },
    ),
    (
        "get",
        "/plans/{active}/",
        None,
        {
            "officer": 200,
            "staff": 200,
            "other-officer": 404,
            "secretariat": 200,
            "member": 200,
            "regulator": 200,
            "holder": 404,
            None: 302,
        },
    ),
    (
        "get",
        "/plans/new/",
        None,
        {
            "officer": 200,
            "staff": 200,
            "other-officer": 200,
            "secretariat": 403,
            "member": 403,
            "regulator": 403,
            "holder": 403,
            None: 302,
        },
    ),
    (
        "get",
        "/api/v1/plans/{draft}",
        None,
        {
            "officer": 200,
            "staff": 200,
            "other-officer": 404,
            "secretariat": 404,
            "member": 404,
            "regulator": 404,
            "holder": 404,
            None: 401,
        },
    ),
    (
        "get",
        "/api/v1/plans/{active}/history",
        None,
        {
            "officer": 200,
            "staff": 200,
            "other-officer": 404,
            "secretariat": 200,
            "member": 200,
            "regulator": 200,
            "holder": 404,
            None: 401,
        },
    ),
    # Writes
    (
        "post",
        "/api/v1/plans/{draft}/submit",
        {},
        {
            "officer": 201,
            "staff": 403,
            "other-officer": 404,
            "secretariat": 404,
            "member": 404,
            "regulator": 404,
            "holder": 404,
            None: 401,
        },
    ),
    (
        "post",
        "/plans/{draft}/submit/",
        {},
        {
            "officer": 302,
            "staff": 403,
            "other-officer": 404,
            "secretariat": 404,
            "member": 404,
            "regulator": 404,
            "holder": 404,
            None: 302,
        },
    ),
    (
        "patch",
        "/api/v1/plans/{draft}",
        {"content": {"title": "新"}},
        {
            "officer": 200,
            "staff": 200,
            "other-officer": 404,
            "secretariat": 404,
            "member": 404,
            "regulator": 404,
            "holder": 404,
            None: 401,
        },
    ),
    (
        "post",
        "/api/v1/plans/{filed}/accept",
        {"plan_number": "P-1"},
        {
            "officer": 403,
            "staff": 403,
            "other-officer": 404,
            "secretariat": 403,
            "member": 403,
            "regulator": 200,
            "holder": 404,
            None: 401,
        },
    ),
    (
        "post",
        "/api/v1/plans/{active}/discontinue",
        {"stopped_on": "{today}", "reason": "r"},
        {
            "officer": 201,
            "staff": 403,
            "other-officer": 404,
            "secretariat": 403,
            "member": 403,
            "regulator": 403,
            "holder": 404,
            None: 401,
        },
    ),
    (
        "post",
        "/api/v1/plans/{active}/minor-changes",
        {"changes": {"other_physicians": "x"}, "changed_on": "{today}", "summary": "s"},
        {
            "officer": 201,
            "staff": 403,
            "other-officer": 404,
            "secretariat": 403,
            "member": 403,
            "regulator": 403,
            "holder": 404,
            None: 401,
        },
    ),
    (
        "post",
        "/api/v1/reviews/{review}/meetings",
        {"held_on": "{today}", "attendance": []},
        {
            "officer": 403,
            "staff": 403,
            "other-officer": 404,
            "secretariat": 201,
            "member": 403,
            "regulator": 403,
            "holder": 404,
            None: 401,
        },
    ),
    # Committee, regulator pages
    (
        "get",
        "/plans/reviews/",
        None,
        {
            "officer": 403,
            "staff": 403,
            "other-officer": 403,
            "secretariat": 200,
            "member": 403,
            "regulator": 403,
            "holder": 403,
            None: 302,
        },
    ),
    (
        "get",
        "/plans/reviews/{review}/",
        None,
        {
            "officer": 404,
            "staff": 404,
            "other-officer": 404,
            "secretariat": 200,
            "member": 404,
            "regulator": 404,
            "holder": 404,
            None: 302,
        },
    ),
    (
        "get",
        "/plans/filings/",
        None,
        {
            "officer": 403,
            "staff": 403,
            "other-officer": 403,
            "secretariat": 403,
            "member": 403,
            "regulator": 200,
            "holder": 403,
            None: 302,
        },
    ),
    (
        "get",
        "/plans/orders/",
        None,
        {
            "officer": 403,
            "staff": 403,
            "other-officer": 403,
            "secretariat": 403,
            "member": 403,
            "regulator": 200,
            "holder": 403,
            None: 302,
        },
    ),
    (
        "post",
        "/api/v1/orders/preview",
        {"kind": "emergency", "target_kind": "plan", "target_id": "{active}"},
        {
            "officer": 403,
            "staff": 403,
            "other-officer": 403,
            "secretariat": 403,
            "member": 403,
            "regulator": 200,
            "holder": 403,
            None: 401,
        },
    ),
    (
        "post",
        "/api/v1/orders",
        {"kind": "emergency", "target_kind": "plan", "target_id": "{active}", "reason": "r"},
        {
            "officer": 403,
            "staff": 403,
            "other-officer": 403,
            "secretariat": 403,
            "member": 403,
            "regulator": 201,
            "holder": 403,
            None: 401,
        },
    ),
    # Registry
    (
        "get",
        "/api/v1/committees/{committee}/members",
        None,
        {
            # The committee is public, its roster is not: "not found", as for another
            # committee's renewals.
            "officer": 404,
            "staff": 404,
            "other-officer": 404,
            "secretariat": 200,
            "member": 200,
            "regulator": 200,
            "holder": 404,
            None: 401,
        },
    ),
    (
        "post",
        "/api/v1/committees/{committee}/members",
        {"name": "n", "category": "a", "sex": "male", "independent_of_founder": True},
        {
            "officer": 403,
            "staff": 403,
            "other-officer": 403,
            "secretariat": 201,
            "member": 403,
            "regulator": 201,
            "holder": 403,
            None: 401,
        },
    ),
    (
        "post",
        "/api/v1/facilities",
        {
            "name": "n",
            "kind": "licence",
            "number": "FA-NEW",
            "operator_name": "o",
            "valid_from": "2026-01-01",
        },
        {
            "officer": 403,
            "staff": 403,
            "other-officer": 403,
            "secretariat": 403,
            "member": 403,
            "regulator": 201,
            "holder": 403,
            None: 401,
        },
    ),
    # Public: filed plans only, for everyone
    ("get", "/plans/verify/{draft}/", None, dict.fromkeys(PERSONAS, 404)),
    ("get", "/plans/verify/{active}/", None, dict.fromkeys(PERSONAS, 200)),
    ("get", "/api/v1/public/plans/{draft}", None, dict.fromkeys(PERSONAS, 404)),
    ("get", "/api/v1/public/plans/{active}", None, dict.fromkeys(PERSONAS, 200)),
    ("get", "/plans/search/", None, dict.fromkeys(PERSONAS, 200)),
    ("get", "/registry/institutions/{institution}/", None, dict.fromkeys(PERSONAS, 200)),
    ("get", "/api/v1/institutions", None, dict.fromkeys(PERSONAS, 200)),
    ("get", "/api/v1/facilities", None, dict.fromkeys(PERSONAS, 200)),
    ("get", "/api/v1/orders", None, dict.fromkeys(PERSONAS, 200)),
]


def _fill(value, ids):
    if isinstance(value, str):
        out = value.format(**ids)
        return int(out) if out.isdigit() and value.startswith("{") else out
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[World, dict[str, Any]]]:
    """The demo registry and one plan in each status the matrix names, built once for the module
    (every test starts from this same state: its own writes roll back to it)."""
    from saisei.plans import services

    with rolled_back(django_db_blocker), django_db_blocker.unblock():
        world = build_world(build_personas())
        draft = world.draft()
        active = world.plan_in(S.ACTIVE)
        filed = world.plan_in(S.FILED)
        review = services.plan_submit(plan=world.draft(), actor=world.personas.officer)
        ids = {
            "draft": draft.pk,
            "active": active.pk,
            "filed": filed.pk,
            "review": review.pk,
            "committee": world.committee.pk,
            "institution": world.institution.pk,
        }
        yield world, ids


@pytest.fixture
def personas(shared: tuple[World, dict[str, Any]], db: None) -> Personas:
    """The module's personas, re-read (and their cached grants dropped): a test's sign-in
    (last_login) or write to one of them in memory must not reach the next test."""
    world, _ids = shared
    for user in world.personas.context.users.values():
        forget_grants(user)
    refreshed(world.personas.context.users)
    refreshed(world.objects)
    return world.personas


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p or "anonymous")
@pytest.mark.parametrize(
    ("method", "url", "body", "expected"), MATRIX, ids=lambda v: v if isinstance(v, str) else None
)
def test_permission_matrix(shared, client_for, persona, method, url, body, expected) -> None:
    ids = {**shared[1], "today": legal_today().isoformat()}
    before = {p.pk: (p.status, p.title, p.version) for p in Plan.objects.all()}
    client = client_for(persona)
    target = url.format(**ids)
    if method == "get":
        response = client.get(target)
    else:
        response = getattr(client, method)(
            target, _fill(body, ids), content_type="application/json"
        )
    assert response.status_code == expected[persona], response.content[:500]
    if response.status_code >= 400 and method != "get":
        after = {p.pk: (p.status, p.title, p.version) for p in Plan.objects.all()}
        assert after == before, "a refused request changed a plan"
