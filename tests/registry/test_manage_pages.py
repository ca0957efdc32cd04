"""The regulator's records on pages: a new institution, committee and facility, a committee's
rules and members; each through its service (audited, its duties opened), each refusal on its
field in the page's language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from saisei.audit.models import AuditEvent
from saisei.core.time import legal_today
from saisei.obligations.models import Obligation
from saisei.registry.models import Committee, CommitteeMember, Institution, ProcessingFacility

pytestmark = pytest.mark.django_db


def test_the_regulator_registers_an_institution(world, client_for) -> None:
    client = client_for("regulator")
    data = {
        "slug": "fictional-kobe-clinic",
        "name": "架空こうべクリニック",
        "name_en": "Fictional Kobe Clinic",
        "kind": "clinic",
        "prefecture": "28",
        "manager_name": "架空 院長",
    }
    response = client.post("/registry/institutions/new/", data)
    institution = Institution.objects.get(organisation__slug="fictional-kobe-clinic")
    assert response["Location"] == f"/registry/institutions/{institution.pk}/"
    assert institution.regional_bureau.code == "kinki"
    assert AuditEvent.objects.filter(
        action="registry.institution.created", target_id=str(institution.pk)
    ).exists()


@pytest.mark.parametrize(
    ("field", "value", "language", "message"),
    [
        ("manager_name", " ", "en", "This field is required."),
        ("prefecture", "48", "en", "Select a valid choice"),
        ("slug", "not a slug!", "ja", "半角の英数字"),
    ],
)
def test_a_refused_institution_shows_the_form_again_with_the_fields_message(
    world, client_for, field, value, language, message
) -> None:
    data = {
        "slug": "fictional-refused",
        "name": "架空 却下",
        "kind": "clinic",
        "prefecture": "13",
        "manager_name": "架空 院長",
        field: value,
    }
    response = client_for("regulator").post(
        "/registry/institutions/new/", data, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Institution.objects.filter(organisation__slug="fictional-refused").exists()


def test_a_new_committee_opens_its_renewal_duty_and_a_wrong_number_is_refused(
    world, client_for
) -> None:
    client = client_for("regulator")
    data = {
        "slug": "fictional-new-committee",
        "name": "架空 新設委員会",
        "kind": "specially_certified",
        "certification_number": "NB3999777",
        "founder_name": "架空大学",
        "founder_type": "university",
        "certified_on": (legal_today() - timedelta(days=30)).isoformat(),
    }
    refused = client.post("/registry/committees/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "starts with NA" in refused.content.decode()
    response = client.post(
        "/registry/committees/new/", {**data, "certification_number": "NA8999777"}
    )
    committee = Committee.objects.get(certification_number="NA8999777")
    assert response["Location"] == f"/registry/committees/{committee.pk}/"
    assert Obligation.objects.filter(
        rule="committee_renewal", subject_id=str(committee.pk)
    ).exists()


def test_the_committees_rules_and_members_are_kept_on_pages(world, client_for) -> None:
    committee = world.committee
    for username in ("regulator", "secretariat"):
        client = client_for(username)
        rules = {
            "min_present": "6",
            "majority_present": "on",
            "required_categories": ["a", "h"],
            "min_no_interest": "2",
            "min_independent": "1",
        }
        assert client.post(f"/registry/committees/{committee.pk}/rules/", rules).status_code == 302
        committee.refresh_from_db()
        assert (committee.rule_min_present, committee.rule_both_sexes) == (6, False)
        assert committee.rule_required_categories == ["a", "h"]
        member = {"name": f"架空 {username}", "category": "h", "sex": "female"}
        assert (
            client.post(f"/registry/committees/{committee.pk}/members/", member).status_code == 302
        )
        assert CommitteeMember.objects.filter(committee=committee, name=f"架空 {username}").exists()
    bad = client_for("regulator").post(
        f"/registry/committees/{committee.pk}/rules/",
        {"min_present": "0", "min_no_interest": "0", "min_independent": "0"},
    )
    assert bad.status_code == 400
    assert (
        client_for("officer").get(f"/registry/committees/{committee.pk}/rules/").status_code == 403
    )
    assert (
        client_for("member")
        .post(f"/registry/committees/{committee.pk}/members/", {"name": "x"})
        .status_code
        == 403
    )


def test_a_new_licensed_facility_opens_its_expiry_and_yearly_reports(world, client_for) -> None:
    licensed = legal_today() - timedelta(days=400)
    data = {
        "name": "架空 新設加工センター",
        "kind": "licence",
        "number": "FC3999888",
        "operator_name": "架空加工株式会社",
        "domestic": "on",
        "prefecture": "11",
        "valid_from": licensed.isoformat(),
        "valid_until": (licensed + timedelta(days=5 * 365)).isoformat(),
    }
    response = client_for("regulator").post("/registry/facilities/new/", data)
    facility = ProcessingFacility.objects.get(number="FC3999888")
    assert response["Location"] == f"/registry/facilities/{facility.pk}/"
    rules = sorted(
        Obligation.objects.filter(
            subject_type="registry.processingfacility", subject_id=str(facility.pk)
        ).values_list("rule", flat=True)
    )
    # Two yearly periods have begun (the first ended after 365 days), and the licence's expiry.
    assert rules == ["cpc_licence_expiry", "cpc_periodic_report", "cpc_periodic_report"]
    foreign = client_for("regulator").post(
        "/registry/facilities/new/",
        {**data, "number": "FX0000001", "domestic": "", "kind": "licence"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert foreign.status_code == 400
    assert "A foreign facility is accredited by the Minister." in foreign.content.decode()


def test_the_regulator_corrects_an_institutions_record_and_the_search_follows(
    world, client_for
) -> None:
    from saisei.plans.lifecycle import PlanStatus
    from saisei.plans.models import PublicPlan

    plan = world.plan_in(PlanStatus.ACTIVE)
    institution = plan.institution
    client = client_for("regulator")
    form = client.get(f"/registry/institutions/{institution.pk}/edit/")
    assert form.status_code == 200 and "slug" not in form.content.decode()
    data = {
        "name": "架空 改称後クリニック",
        "name_en": "Fictional Renamed Clinic",
        "kind": institution.kind,
        "prefecture": "27",
        "manager_name": "架空 新院長",
    }
    assert client.post(f"/registry/institutions/{institution.pk}/edit/", data).status_code == 302
    institution.refresh_from_db()
    assert (institution.name, institution.prefecture) == ("架空 改称後クリニック", "27")
    row = PublicPlan.objects.get(plan=plan)
    assert (row.institution_name, row.prefecture) == ("架空 改称後クリニック", "27")
    event = AuditEvent.objects.get(
        action="registry.institution.changed", target_id=str(institution.pk)
    )
    assert event.data["changes"]["prefecture"][1] == "27"
    assert event.data["regional_bureau"] == "kinki"
    # Nothing changed: no second event.
    client.post(f"/registry/institutions/{institution.pk}/edit/", data)
    assert AuditEvent.objects.filter(action="registry.institution.changed").count() == 1
    assert (
        client_for("officer").get(f"/registry/institutions/{institution.pk}/edit/").status_code
        == 403
    )


def test_a_facilitys_validity_is_extended_but_never_before_it_began(world, client_for) -> None:
    facility = world.facility
    client = client_for("regulator")
    data = {
        "name": facility.name,
        "operator_name": facility.operator_name,
        "prefecture": facility.prefecture,
        "valid_until": (facility.valid_from - timedelta(days=1)).isoformat(),
    }
    refused = client.post(
        f"/registry/facilities/{facility.pk}/edit/", data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400
    assert "The validity must end after it starts." in refused.content.decode()
    renewed = facility.valid_from + timedelta(days=10 * 365)
    data["valid_until"] = renewed.isoformat()
    assert client.post(f"/registry/facilities/{facility.pk}/edit/", data).status_code == 302
    facility.refresh_from_db()
    assert facility.valid_until == renewed
    assert AuditEvent.objects.filter(
        action="registry.facility.changed", target_id=str(facility.pk)
    ).exists()
