from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saisei.audit.models import AuditEvent
from saisei.core.time import legal_today
from saisei.plans import services
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import Opinion, Plan
from tests.support.world import CONTENT, CRITERIA, answers

pytestmark = pytest.mark.django_db
S = PlanStatus


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_the_whole_path_over_the_api(world, client_for) -> None:
    officer, secretariat, regulator = (
        client_for("officer"),
        client_for("secretariat"),
        client_for("regulator"),
    )
    created = post(
        officer,
        "/api/v1/plans",
        {
            "institution_id": world.institution.pk,
            "committee_id": world.committee.pk,
            "content": CONTENT,
            "answers": answers("I"),
            "criteria": CRITERIA,
            "facility_ids": [world.facility.pk],
        },
    )
    assert created.status_code == 201, created.json()
    plan = created.json()
    assert (plan["risk_class"], plan["status"]) == ("I", "draft")
    assert plan["classification"]["rule"] == "rm.class1.allogeneic"
    url = f"/api/v1/plans/{plan['id']}"

    review = post(officer, f"{url}/submit")
    assert review.status_code == 201
    review_id = review.json()["id"]
    queue = secretariat.get("/api/v1/reviews").json()
    assert [r["id"] for r in queue["items"]] == [review_id]

    meeting = post(
        secretariat,
        f"/api/v1/reviews/{review_id}/meetings",
        {"held_on": legal_today().isoformat(), "attendance": world.full_attendance()},
    )
    assert meeting.status_code == 201 and meeting.json()["quorate"]
    opinion = post(
        secretariat,
        f"/api/v1/reviews/{review_id}/opinion",
        {
            "meeting_id": meeting.json()["id"],
            "decision": "approve",
            "reasons": "Sound",
            "scientific_validity": "Measurable",
        },
    )
    assert opinion.status_code == 201, opinion.json()

    filed = post(officer, f"{url}/file")
    assert filed.status_code == 200 and filed.json()["status"] == "filed"
    assert filed.json()["filed_with"] == "minister"
    accepted = post(regulator, f"{url}/accept", {"plan_number": "MHLW-API-1"})
    assert accepted.json()["status"] == "restricted"
    public = client_for(None).get(f"/api/v1/public/plans/{plan['id']}").json()
    assert public["plan_number"] == "MHLW-API-1"
    assert "classification_answers" not in public and "responsible_physician" not in public
    assert (
        AuditEvent.objects.filter(
            target_id=str(plan["id"]), action__startswith="plans.plan."
        ).count()
        >= 4
    )


def test_a_draft_is_not_public_and_not_visible_to_another_institution(world, client_for) -> None:
    plan = world.draft()
    assert client_for(None).get(f"/api/v1/public/plans/{plan.pk}").status_code == 404
    response = client_for("other-officer").get(f"/api/v1/plans/{plan.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client_for("other-officer").get("/api/v1/plans").json()["count"] == 0
    # The committee does not see a draft until it is submitted to it.
    assert client_for("member").get(f"/api/v1/plans/{plan.pk}").status_code == 404
    services.plan_submit(plan=plan, actor=world.personas.officer)
    assert client_for("member").get(f"/api/v1/plans/{plan.pk}").status_code == 200


def test_bad_input_gets_a_translated_error_and_changes_nothing(world, client_for) -> None:
    response = client_for("officer").post(
        "/api/v1/plans",
        {
            "institution_id": world.institution.pk,
            "content": {**CONTENT, "title": ""},
            "answers": answers("II"),
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["details"]["errors"][0]["field"] == "title"
    assert body["message"] == "この項目は必須です。"
    assert not Plan.objects.exists()
    response = post(client_for("officer"), "/api/v1/plans", {"content": "nope"})
    assert response.status_code == 422


def test_a_certified_committee_is_refused_for_class_ii_over_the_api(world, client_for) -> None:
    response = post(
        client_for("officer"),
        "/api/v1/plans",
        {
            "institution_id": world.institution.pk,
            "committee_id": world.certified_committee.pk,
            "content": CONTENT,
            "answers": answers("II"),
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "committee_kind_mismatch"
    assert not Plan.objects.exists()


def test_a_second_opinion_is_a_conflict(world, client_for) -> None:
    plan = world.plan_in(S.APPROVED)
    review = plan.reviews.get()
    response = post(
        client_for("secretariat"),
        f"/api/v1/reviews/{review.pk}/opinion",
        {
            "meeting_id": review.meetings.get().pk,
            "decision": "reject",
            "reasons": "r",
            "scientific_validity": "s",
        },
    )
    assert response.status_code == 409
    assert response.json()["code"] == "plan_invalid_transition"
    assert Opinion.objects.count() == 1


def test_the_order_preview_lists_the_reach_and_issuing_suspends_it(world, client_for) -> None:
    plans = [world.plan_in(S.ACTIVE), world.plan_in(S.RESTRICTED)]
    regulator = client_for("regulator")
    body = {"kind": "emergency", "target_kind": "facility", "target_id": world.facility.pk}
    preview = post(regulator, "/api/v1/orders/preview", body)
    assert preview.status_code == 200
    assert {p["id"] for p in preview.json()["plans"]} == {p.pk for p in plans}
    issued = post(regulator, "/api/v1/orders", {**body, "reason": "Inspection"})
    assert issued.status_code == 201
    assert {e["plan_id"] for e in issued.json()["effects"]} == {p.pk for p in plans}
    assert {p.status for p in Plan.objects.all()} == {S.SUSPENDED}
    assert post(client_for("officer"), "/api/v1/orders", {**body, "reason": "x"}).status_code == 403
    lifted = post(regulator, f"/api/v1/orders/{issued.json()['id']}/lift", {"reason": "OK"})
    assert lifted.status_code == 200
    assert sorted(Plan.objects.values_list("status", flat=True)) == ["active", "restricted"]
    assert client_for(None).get("/api/v1/orders").json()["count"] == 1


def test_the_list_shows_each_plan_in_short_and_its_url_reads_the_whole(world, client_for) -> None:
    plan = world.plan_in(S.ACTIVE)
    client = client_for("officer")
    (item,) = client.get("/api/v1/plans").json()["items"]
    assert item["id"] == plan.pk and item["title"] == plan.title
    assert item["institution"]["id"] == plan.institution_id
    assert item["committee"]["id"] == plan.committee_id
    assert (item["status"], item["version"]) == (S.ACTIVE, plan.version)
    assert item["plan_number"] == plan.plan_number and item["filed_on"] == str(plan.filed_on)
    # No classification, explanation, content or criteria in a list: the plan's url has them.
    assert not {"classification", "provision_allowed_explanation", "criteria"} & set(item)
    whole = client.get(item["url"]).json()
    assert whole["id"] == plan.pk and whole["classification"]["risk_class"] == plan.risk_class
    assert whole["criteria"] and whole["updated_at"] == item["updated_at"]


@pytest.mark.parametrize(
    ("persona", "url"), [("regulator", "/api/v1/plans"), (None, "/api/v1/public/plans")]
)
def test_a_list_counts_its_rows_without_the_joins_its_columns_need(
    world, client_for, persona, url
) -> None:
    world.plan_in(S.ACTIVE)
    with CaptureQueriesContext(connection) as queries:
        body = client_for(persona).get(url).json()
    assert body["count"] == 1 and body["items"][0]["institution"]["name"]
    (count,) = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "JOIN" not in count.upper()


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("officer", "/api/v1/plans"),
        ("regulator", "/api/v1/plans"),
        ("secretariat", "/api/v1/reviews"),
        (None, "/api/v1/public/plans"),
        (None, "/api/v1/orders"),
        (None, "/api/v1/institutions"),
        (None, "/api/v1/facilities"),
        (None, "/api/v1/committees"),
    ],
)
def test_list_endpoints_make_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries, persona, url
) -> None:
    for _ in range(3):
        active = world.plan_in(S.ACTIVE)
        world.plan_in(S.UNDER_REVIEW)
        services.order_issue(
            actor=world.personas.regulator,
            kind="improvement",
            target_kind="plan",
            target=active,
            reason="r",
        )
    client = client_for(persona)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] >= 1
