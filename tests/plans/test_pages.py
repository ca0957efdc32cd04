from __future__ import annotations

import re

import pytest

from saisei.core.time import legal_today
from saisei.plans import search
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import Meeting, Opinion, Order, Plan

pytestmark = pytest.mark.django_db
S = PlanStatus


def form_data(world, **overrides):
    data = {
        "institution": world.institution.pk,
        "plan_type": "treatment",
        "title": "架空 PRP療法 (fictional)",
        "title_en": "PRP therapy (fictional)",
        "therapy": "prp",
        "target_disease": "変形性膝関節症",
        "description": "PRPを膝関節内に投与する。",
        "class_reasons": "非相同利用のため第二種。",
        "responsible_physician": "日向 医師",
        "purpose": "treatment",
        "uses_cells": "on",
        "cells_species": "human",
        "cells_source": "autologous",
        "cells_kind": "somatic",
        "committee": world.committee.pk,
        "facilities": [world.facility.pk],
        "criteria_0_measure": "VAS",
        "criteria_0_method": "Questionnaire",
        "criteria_0_time_point": "6 months",
        "criteria_0_success_threshold": "-20 mm",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_explains_the_class_before_saving_and_saves_nothing(world, client_for) -> None:
    response = client_for("officer").post(
        "/plans/new/", {**form_data(world), "check": "1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "By these answers: Class II" in html  # PRP into a joint: non-homologous
    assert not Plan.objects.exists()


def test_the_form_saves_a_draft_with_the_class(world, client_for) -> None:
    response = client_for("officer").post("/plans/new/", form_data(world))
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.risk_class, plan.classification_rule) == ("II", "rm.class2.non_homologous")
    assert plan.current_criteria()[0].measure == "VAS"


def test_bad_input_on_the_form_is_shown_translated_and_saves_nothing(world, client_for) -> None:
    response = client_for("officer").post(
        "/plans/new/", form_data(world, title="", purpose="other"), HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 400
    assert "この項目は必須です。" in response.content.decode()
    response = client_for("officer").post(
        "/plans/new/", form_data(world, uses_cells=None), HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 400
    assert "再生医療等安全性確保法の対象外" in response.content.decode()
    response = client_for("officer").post(
        "/plans/new/",
        form_data(world, committee=world.certified_committee.pk),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "specially certified committee" in response.content.decode()
    assert not Plan.objects.exists()


def test_an_invalid_meeting_is_recorded_and_no_opinion_can_follow(world, client_for) -> None:
    plan = world.plan_in(S.UNDER_REVIEW)
    review = world.open_review(plan)
    client = client_for("secretariat")
    data = {"held_on": legal_today().isoformat()}
    for member in world.members[:3]:
        data[f"present_{member.pk}"] = "on"
    response = client.post(
        f"/plans/reviews/{review.pk}/meeting/", data, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "it was not valid" in response.content.decode()
    meeting = Meeting.objects.get()
    assert not meeting.quorate
    response = client.post(
        f"/plans/reviews/{review.pk}/opinion/",
        {"meeting": meeting.pk, "decision": "approve", "reasons": "r", "scientific_validity": "s"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "not valid under the committee" in response.content.decode()
    assert not Opinion.objects.exists()


def test_the_committee_approves_and_the_regulator_accepts_on_the_pages(world, client_for) -> None:
    plan = world.plan_in(S.UNDER_REVIEW, "III")
    review = world.open_review(plan)
    secretariat = client_for("secretariat")
    data = {"held_on": legal_today().isoformat()}
    for member in world.members:
        data[f"present_{member.pk}"] = "on"
    secretariat.post(f"/plans/reviews/{review.pk}/meeting/", data)
    meeting = Meeting.objects.get()
    assert meeting.quorate
    response = secretariat.post(
        f"/plans/reviews/{review.pk}/opinion/",
        {"meeting": meeting.pk, "decision": "approve", "reasons": "r", "scientific_validity": "s"},
    )
    assert response.status_code == 302
    assert client_for("officer").post(f"/plans/{plan.pk}/file/").status_code == 302
    inbox = client_for("regulator").get("/plans/filings/", HTTP_ACCEPT_LANGUAGE="en")
    assert plan.title_en in inbox.content.decode()
    client_for("regulator").post(f"/plans/{plan.pk}/accept/", {"plan_number": "KANTO-9"})
    plan.refresh_from_db()
    assert (plan.status, plan.plan_number) == (S.ACTIVE, "KANTO-9")
    page = (
        client_for(None)
        .get(f"/plans/verify/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="ja")
        .content.decode()
    )
    assert "KANTO-9" in page and "提供中" in page and "NA8999001" in page


def test_the_regulator_finds_the_target_by_name_previews_the_reach_then_issues(
    world, client_for
) -> None:
    plans = [world.plan_in(S.ACTIVE), world.plan_in(S.ACTIVE)]
    client = client_for("regulator")
    # The facility is found by its name or its number, never by typing an id.
    for query in (world.facility.name[2:8], world.facility.number.lower()):
        found = client.get("/plans/orders/", {"find": query}, HTTP_ACCEPT_LANGUAGE="en")
        assert f'href="?target=facility:{world.facility.pk}"' in found.content.decode(), query
    chosen = client.get(f"/plans/orders/?target=facility:{world.facility.pk}")
    assert world.facility.number in chosen.content.decode()
    data = {"kind": "emergency", "target": f"facility:{world.facility.pk}", "reason": "r"}
    preview = client.post("/plans/orders/", {**data, "preview": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    html = preview.content.decode()
    assert "Plans this order would suspend: 2" in html
    assert "Legal basis: RM Act Art 22. It restricts provision" in html
    assert not Order.objects.exists()
    assert client.post("/plans/orders/", {**data, "confirm": "1"}).status_code == 302
    assert {p.status for p in Plan.objects.filter(pk__in=[p.pk for p in plans])} == {S.SUSPENDED}
    public = client_for(None).get(f"/plans/verify/{plans[0].pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Emergency suspension order" in public.content.decode()


@pytest.mark.parametrize("target", ["", "facility:", "facility:99999999", "committee:1", "plan:x"])
def test_an_order_against_nothing_chosen_is_refused(world, client_for, target) -> None:
    client = client_for("regulator")
    data = {"kind": "improvement", "target": target, "reason": "r", "confirm": "1"}
    response = client.post("/plans/orders/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Choose what the order is against" in response.content.decode()
    assert not Order.objects.exists()


def test_the_improvement_order_preview_says_provision_goes_on(world, client_for) -> None:
    plan = world.plan_in(S.ACTIVE)
    client = client_for("regulator")
    data = {"kind": "improvement", "target": f"plan:{plan.pk}", "reason": "r", "preview": "1"}
    html = client.post("/plans/orders/", data, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "再生医療等安全性確保法第23条第1項" in html


def test_the_public_search_finds_filed_plans_only(world, client_for) -> None:
    active = world.plan_in(S.ACTIVE)
    draft = world.draft(content={"title": "架空 非公開の下書き"})
    html = (
        client_for(None)
        .get("/plans/search/?risk_class=II&prefecture=13", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert f"/plans/verify/{active.pk}/" in html
    assert f"/plans/verify/{draft.pk}/" not in html and "非公開の下書き" not in html
    html = client_for(None).get("/plans/search/?risk_class=I").content.decode()
    assert f"/plans/verify/{active.pk}/" not in html


def _number_cell(html: str, plan: Plan) -> str:
    """The plan-number cell of a plan's row in the public search results."""
    row = re.search(rf'/plans/verify/{plan.pk}/">[^<]*</a></td><td>([^<]*)</td>', html)
    assert row is not None, plan.pk
    return row.group(1)


def test_the_public_search_shows_each_plan_number(world, client_for) -> None:
    numbered = world.plan_in(S.ACTIVE)
    unnumbered = world.plan_in(S.ACTIVE)
    # A public plan recorded without the number the authority gave (none is invented for it).
    Plan.objects.filter(pk=unnumbered.pk).update(plan_number=None)
    # A write past the services tells the public search itself (saisei.plans.search).
    search.sync([unnumbered.pk])
    assert numbered.plan_number
    for language, label in (("en", "Plan number"), ("ja", "計画番号")):
        response = client_for(None).get("/plans/search/", HTTP_ACCEPT_LANGUAGE=language)
        html = response.content.decode()
        assert f'<th scope="col">{label}</th>' in html
        assert _number_cell(html, numbered) == numbered.plan_number
        assert _number_cell(html, unnumbered) == "\u2014"


def test_the_regulator_extends_then_shortens_a_class_i_restriction_from_the_plan_page(
    world, client_for
) -> None:
    from datetime import timedelta

    from saisei.audit.models import AuditEvent

    plan = world.plan_in(S.RESTRICTED, risk_class="I")
    allowed = plan.provision_allowed_from
    regulator = client_for("regulator")
    page = regulator.get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Extend the Class I restriction" in page and "Shorten the Class I restriction" in page
    officer_page = client_for("officer").get(f"/plans/{plan.pk}/").content.decode()
    assert "restriction/extend" not in officer_page
    extended = allowed + timedelta(days=30)
    response = regulator.post(
        f"/plans/{plan.pk}/restriction/extend/",
        {"ext-which": "plan", "ext-until": extended.isoformat(), "ext-reason": "Council review"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.provision_allowed_from == extended
    # A new date before the current one is refused in place, with the field's message.
    refused = regulator.post(
        f"/plans/{plan.pk}/restriction/extend/",
        {"ext-which": "plan", "ext-until": allowed.isoformat(), "ext-reason": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    assert "The new date must be after the current one." in refused.content.decode()
    today = legal_today()
    response = regulator.post(
        f"/plans/{plan.pk}/restriction/shorten/",
        {"sho-which": "plan", "sho-until": today.isoformat(), "sho-reason": "Meets the standards"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.provision_allowed_from) == (S.ACTIVE, today)
    # The public page says why provision is allowed from that day (the Minister's decision).
    public = client_for(None).get(f"/plans/verify/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Art 8(3)" in public.content.decode()
    actions = set(
        AuditEvent.objects.filter(target_id=str(plan.pk)).values_list("action", flat=True)
    )
    assert {"plans.plan.restriction_extended", "plans.plan.restriction_shortened"} <= actions
    # The officer may not: refused, and nothing changes.
    assert (
        client_for("officer")
        .post(
            f"/plans/{plan.pk}/restriction/extend/",
            {"ext-which": "plan", "ext-until": extended.isoformat(), "ext-reason": "x"},
        )
        .status_code
        == 403
    )


def test_the_regulator_waives_a_duty_with_a_reason_from_the_national_view(
    world, client_for
) -> None:
    from saisei.audit.models import AuditEvent
    from saisei.obligations.models import Obligation

    world.plan_in(S.ACTIVE)
    duty = Obligation.objects.filter(status__in=("open", "overdue")).first()
    assert duty is not None
    regulator = client_for("regulator")
    url = f"/obligations/{duty.pk}/waive/"
    form = regulator.get(url + "?next=/oversight/duties/", HTTP_ACCEPT_LANGUAGE="ja")
    assert form.status_code == 200 and "免除" in form.content.decode()
    empty = regulator.post(url, {"reason": "  "}, HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 400
    duty.refresh_from_db()
    assert duty.status in ("open", "overdue")
    done = regulator.post(url, {"reason": "Plan closed by order", "next": "/oversight/duties/"})
    assert done.status_code == 302 and done["Location"] == "/oversight/duties/"
    duty.refresh_from_db()
    assert (duty.status, duty.waived_reason) == ("waived", "Plan closed by order")
    assert AuditEvent.objects.filter(target_id=str(duty.pk), action__contains="waive").exists()
    # Another site as the place to go back to is not followed.
    other = Obligation.objects.filter(status__in=("open", "overdue")).first()
    if other is not None:
        away = regulator.post(
            f"/obligations/{other.pk}/waive/", {"reason": "r", "next": "https://evil.example/"}
        )
        assert away["Location"] == "/obligations/"
    assert client_for("officer").get(url).status_code == 403


def test_a_waived_duty_shows_on_the_plans_public_page_without_its_reason(world, client_for) -> None:
    from saisei.obligations.models import Obligation
    from saisei.obligations.services import obligation_waive

    plan = world.plan_in(S.ACTIVE)
    duty = Obligation.objects.filter(
        subject_type="plans.plan", subject_id=str(plan.pk), status__in=("open", "overdue")
    ).first()
    assert duty is not None
    obligation_waive(obligation=duty, reason="架空 理由 secret-7", actor=world.personas.regulator)
    html = client_for(None).get(f"/plans/verify/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="en").content
    page = html.decode()
    assert "Waived by the regulator" in page
    assert duty.due_on.isoformat() in page and "secret-7" not in page
    api = client_for(None).get(f"/api/v1/reporting/public/plans/{plan.pk}").json()
    assert [w["due_on"] for w in api["waived"]] == [duty.due_on.isoformat()]
    assert api["timeliness"]["waived"] == 1


def test_the_enforcement_ledger_of_the_facility_institution_and_committee_is_public(
    world, client_for
) -> None:
    from saisei.plans import services

    plan = world.plan_in(S.ACTIVE)
    order = services.order_issue(
        actor=world.personas.regulator,
        kind="emergency",
        target_kind="facility",
        target=world.facility,
        reason="架空 緊急の理由 (fictional)",
    )
    reach = order.effects.count()
    assert reach >= 1
    pages = [
        f"/registry/facilities/{world.facility.pk}/",
        f"/registry/institutions/{plan.institution_id}/",
        f"/registry/committees/{plan.committee_id}/",
    ]
    for url in pages:
        html = client_for(None).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert html.count('id="ledger-h"') == 1, url
        assert "Emergency suspension order (Art 22)" in html and "架空 緊急の理由" in html, url
        assert f'<td class="num">{reach}</td>' in html, url
        assert "in force" in html, url
    services.order_lift(order=order, actor=world.personas.regulator, reason="架空 解除 (fictional)")
    html = client_for(None).get(pages[2], HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "執行の記録" in html and "架空 解除" in html
