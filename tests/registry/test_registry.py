from __future__ import annotations

from datetime import date

import pytest

from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError, NotPermitted
from saisei.registry.models import Committee, Institution, ProcessingFacility
from saisei.registry.regions import BUREAUS, PREFECTURE_BUREAU, Prefecture, bureau_for_prefecture
from saisei.registry.services import committee_create, facility_create, institution_create

pytestmark = pytest.mark.django_db


def test_every_prefecture_has_one_of_the_eight_filing_offices() -> None:
    assert set(PREFECTURE_BUREAU) == set(Prefecture.values)
    assert set(PREFECTURE_BUREAU.values()) == {b.code for b in BUREAUS}
    assert len(BUREAUS) == 8
    assert bureau_for_prefecture("13").code == "kanto_shinetsu"
    assert bureau_for_prefecture("18").code == "kinki"  # Fukui
    assert bureau_for_prefecture("37").code == "shikoku"  # Kagawa
    assert bureau_for_prefecture("47").code == "kyushu"  # Okinawa


def test_a_regulator_registers_an_institution_with_its_organisation(personas) -> None:
    institution = institution_create(
        slug="demo-new-clinic",
        name="架空あさひクリニック",
        kind="clinic",
        prefecture="01",
        manager_name="架空 院長",
        actor=personas.regulator,
    )
    assert institution.organisation.kind == "institution"
    assert institution.regional_bureau.code == "hokkaido"
    assert AuditEvent.objects.filter(action="registry.institution.created").count() == 1


def test_an_officer_cannot_register_institutions(personas) -> None:
    with pytest.raises(NotPermitted):
        institution_create(
            slug="x",
            name="x",
            kind="clinic",
            prefecture="01",
            manager_name="x",
            actor=personas.officer,
        )
    assert not Institution.objects.exists()


@pytest.mark.parametrize(
    ("kind", "number"),
    [("specially_certified", "NB3150036"), ("certified", "NA8150004"), ("certified", "NB315003")],
)
def test_a_certification_number_must_match_the_kind_and_format(personas, kind, number) -> None:
    with pytest.raises(DomainError) as raised:
        committee_create(
            slug="c",
            name="架空委員会",
            kind=kind,
            certification_number=number,
            founder_name="f",
            founder_type="npo",
            certified_on=date(2025, 1, 1),
            actor=personas.regulator,
        )
    assert raised.value.code == "invalid_input"
    assert raised.value.details["errors"][0]["field"] == "certification_number"
    assert not Committee.objects.exists()


def test_a_domestic_facility_cannot_be_accredited(personas) -> None:
    with pytest.raises(DomainError) as raised:
        facility_create(
            name="f",
            kind="accreditation",
            number="X1",
            operator_name="o",
            valid_from=date(2025, 1, 1),
            actor=personas.regulator,
        )
    assert raised.value.details["errors"][0]["field"] == "kind"
    assert not ProcessingFacility.objects.exists()


def test_the_registry_api_lists_publicly_and_writes_for_regulators(world, client_for) -> None:
    body = client_for(None).get("/api/v1/institutions?prefecture=13").json()
    assert [i["regional_bureau"] for i in body["items"]] == ["kanto_shinetsu"]
    response = client_for("regulator").post(
        "/api/v1/committees",
        {
            "slug": "demo-new-committee",
            "name": "架空新委員会",
            "kind": "certified",
            "certification_number": "NB3999003",
            "founder_name": "架空会",
            "founder_type": "npo",
            "certified_on": "2025-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["rules"]["required_categories"] == ["b", "d", "e", "h"]


def test_meeting_rules_refuse_impossible_numbers(world, client_for) -> None:
    response = client_for("secretariat").put(
        f"/api/v1/committees/{world.committee.pk}/rules",
        {
            "min_present": 0,
            "majority_present": True,
            "both_sexes": True,
            "required_categories": ["a"],
            "min_no_interest": 2,
            "min_independent": 1,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["field"] == "min_present"
    world.committee.refresh_from_db()
    assert world.committee.rule_min_present == 5
