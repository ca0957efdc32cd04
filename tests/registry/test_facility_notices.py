"""A processing facility's change and closure notices (RM Act Art 37, 40(3), 41), its yearly
reports after a closure, and licence validity (Art 36(1), 39(2); Cabinet Order Art 5)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest

from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError, NotPermitted
from saisei.law import due_date, period_bounds
from saisei.obligations import sources
from saisei.obligations.models import FILED_OUTSIDE_RULES, Obligation
from saisei.obligations.services import (
    obligation_record_filing,
    obligations_tick,
    obligations_verify,
)
from saisei.registry.models import FacilityNotice, ProcessingFacility
from saisei.registry.services import facility_create, facility_notice_record
from tests.support import at

pytestmark = pytest.mark.django_db

BUILD = dt.date(2026, 4, 1)


def _notice(world, facility, kind: str, event_on: dt.date, on: dt.date, actor=None):
    with at(on):
        return facility_notice_record(
            facility=facility,
            kind=kind,
            event_on=event_on,
            summary="クリーンルームの改修 (fictional)",
            actor=actor or world.personas.officer,
        )


def _duty(notice: FacilityNotice) -> Obligation:
    return Obligation.objects.get(subject_type="registry.facilitynotice", subject_id=str(notice.pk))


def test_a_change_opens_its_30_day_notice_which_the_filing_meets(world_on) -> None:
    world = world_on(BUILD)
    facility = world.objects["in_house_facility"]
    changed_on = BUILD - timedelta(days=3)
    notice = _notice(world, facility, "change", changed_on, BUILD)
    duty = _duty(notice)
    law = due_date("cpc_change_notice", changed_on, to="regional_bureau")
    assert (duty.rule, duty.recipient, duty.starts_on) == (
        "cpc_change_notice",
        "regional_bureau",
        changed_on,
    )
    assert (duty.nominal_due, duty.due_on) == (changed_on + timedelta(days=30), law.due)
    assert duty.organisation_id == world.institution.organisation_id
    assert duty.status == "open"
    assert "cpc_change_notice" in FILED_OUTSIDE_RULES
    recorded = AuditEvent.objects.get(
        action="registry.facility.notice_recorded", target_id=str(notice.pk)
    )
    assert recorded.actor_id == world.personas.officer.pk
    assert recorded.data["kind"] == "change"
    with at(BUILD):
        obligation_record_filing(
            obligation=duty, filed_on=BUILD, reference="e-再生医療-1", actor=world.personas.officer
        )
    duty.refresh_from_db()
    assert duty.status == "met"
    facility.refresh_from_db()
    assert facility.closed_on is None


def test_a_closure_ends_the_yearly_reports_after_the_period_in_which_it_stopped(
    world_on, client_for
) -> None:
    world = world_on(BUILD)
    facility = world.objects["in_house_facility"]
    # The period that begins after the stop had begun (and its duty was made) before the
    # closure was recorded, inside the notice's 30 days.
    stop_period = next(
        k
        for k in range(1, 20)
        if period_bounds("cpc_periodic_report", facility.valid_from, k)[1] >= BUILD
    )
    _start, stop_end = period_bounds("cpc_periodic_report", facility.valid_from, stop_period)
    stopped_on = stop_end - timedelta(days=4)
    next_start = stop_end + timedelta(days=1)
    obligations_tick(today=next_start)
    reports = Obligation.objects.filter(
        rule="cpc_periodic_report", subject_id=str(facility.pk)
    ).order_by("period")
    assert reports.last().period == stop_period + 1
    recorded_on = next_start + timedelta(days=9)
    notice = _notice(world, facility, "closure", stopped_on, recorded_on)

    facility.refresh_from_db()
    assert facility.closed_on == stopped_on
    closure = _duty(notice)
    assert (closure.rule, closure.due_on) == (
        "cpc_closure_notice",
        due_date("cpc_closure_notice", stopped_on, to="regional_bureau").due,
    )
    in_which = reports.get(period=stop_period)
    assert in_which.status == "open"  # still owed: products were made in that period
    after = reports.get(period=stop_period + 1)
    assert (after.status, after.met_on, after.met_by_type, after.met_by_id) == (
        "met",
        recorded_on,
        "registry.facilitynotice",
        str(notice.pk),
    )
    later = recorded_on + timedelta(days=800)
    obligations_tick(today=later)
    assert reports.last().period == stop_period + 1  # none after
    assert obligations_verify(today=later) == []

    with pytest.raises(DomainError) as raised:
        _notice(world, facility, "change", stopped_on, recorded_on)
    assert (raised.value.code, raised.value.status) == ("conflict", 409)
    page = client_for(None).get(f"/registry/facilities/{facility.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"stopped manufacturing on {stopped_on.isoformat()}" in page.content.decode()
    api = client_for(None).get(f"/api/v1/facilities/{facility.pk}").json()
    assert api["closed_on"] == stopped_on.isoformat()


def test_the_operator_records_an_in_house_facility_s_notices_and_the_regulator_a_third_party_s(
    world_on,
) -> None:
    world = world_on(BUILD)
    p = world.personas
    in_house = world.objects["in_house_facility"]
    third_party = world.objects["third_party_facility"]
    for actor, facility in (
        (p.regulator, in_house),
        (p.other_officer, in_house),
        (p.staff, in_house),
        (p.secretariat, in_house),
        (p.officer, third_party),
        (p.secretariat, third_party),
    ):
        with pytest.raises(NotPermitted):
            _notice(world, facility, "change", BUILD, BUILD, actor=actor)
    notice = _notice(world, third_party, "change", BUILD, BUILD, actor=p.regulator)
    duty = _duty(notice)
    # A third-party facility has no organisation in Saisei: the regulator follows its duty.
    assert duty.organisation_id is None
    assert FacilityNotice.objects.count() == 2  # the demo's change, and this one


def test_bad_notices_are_refused_with_the_field(world_on) -> None:
    world = world_on(BUILD)
    facility = world.objects["in_house_facility"]
    cases = [
        ({"kind": "moved", "event_on": BUILD, "summary": "x"}, "kind"),
        ({"kind": "change", "event_on": BUILD + timedelta(days=1), "summary": "x"}, "event_on"),
        (
            {"kind": "change", "event_on": facility.valid_from - timedelta(days=1), "summary": "x"},
            "event_on",
        ),
        ({"kind": "change", "event_on": BUILD, "summary": "   "}, "summary"),
        ({"kind": "closure", "event_on": BUILD - timedelta(days=30), "summary": "x"}, "event_on"),
    ]
    before = FacilityNotice.objects.count()
    for kwargs, field in cases:
        with at(BUILD), pytest.raises(DomainError) as raised:
            facility_notice_record(facility=facility, actor=world.personas.officer, **kwargs)
        assert raised.value.details["errors"][0]["field"] == field, kwargs
    assert FacilityNotice.objects.count() == before
    facility.refresh_from_db()
    assert facility.closed_on is None


def test_the_api_and_the_page_record_a_notice(world_on, client_for) -> None:
    world = world_on(BUILD)
    facility = world.objects["in_house_facility"]
    url = f"/api/v1/facilities/{facility.pk}/notices"
    with at(BUILD):
        for body in (
            {"kind": "moved", "event_on": BUILD.isoformat(), "summary": "x"},
            {"kind": "change", "event_on": BUILD.isoformat(), "summary": "x" * 2001},
            {"kind": "change", "event_on": BUILD.isoformat(), "summary": ""},
        ):
            assert (
                client_for("officer").post(url, body, content_type="application/json").status_code
                == 422
            )
        body = {
            "kind": "change",
            "event_on": BUILD.isoformat(),
            "summary": "空調の更新 (fictional)",
        }
        assert (
            client_for("regulator").post(url, body, content_type="application/json").status_code
            == 403
        )
        created = client_for("officer").post(url, body, content_type="application/json")
        assert created.status_code == 201, created.content
        assert created.json()["rule"] == "cpc_change_notice"
        listed = client_for("officer").get(url).json()
        assert created.json()["id"] in [item["id"] for item in listed["items"]]
        assert client_for("other-officer").get(url).status_code == 404
        assert client_for("regulator").get(url).status_code == 200
        page_url = f"/registry/facilities/{facility.pk}/"
        english = client_for("officer").get(page_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Art 40(3)" in english and "e-再生医療" in english
        assert f"/registry/facilities/{facility.pk}/notices/" in english
        japanese = client_for("officer").get(page_url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert "第40条第3項" in japanese
        public = client_for(None).get(page_url).content.decode()
        assert "空調の更新" not in public and "/notices/" not in public
        posted = client_for("officer").post(
            f"/registry/facilities/{facility.pk}/notices/",
            {"kind": "closure", "event_on": BUILD.isoformat(), "summary": "製造を終了 (fictional)"},
        )
        assert posted.status_code == 302
        refused = client_for("officer").post(
            f"/registry/facilities/{facility.pk}/notices/",
            {"kind": "change", "event_on": BUILD.isoformat(), "summary": "x"},
        )
        assert refused.status_code == 409
    facility.refresh_from_db()
    assert facility.closed_on == BUILD


def test_licence_validity_covers_accredited_foreign_facilities_too(personas) -> None:
    accredited = facility_create(
        name="架空ソウル細胞センター",
        kind="accreditation",
        number="FD9999001",
        operator_name="架空 Seoul Cell (fictional)",
        domestic=False,
        country="Republic of Korea",
        valid_from=dt.date(2024, 1, 10),
        actor=personas.regulator,
    )
    notified = facility_create(
        name="架空 院内加工室",
        kind="notification",
        number="FC9999002",
        operator_name="架空",
        valid_from=dt.date(2024, 1, 10),
        actor=personas.regulator,
    )
    obligations_tick(today=dt.date(2026, 4, 1))
    expiry = Obligation.objects.get(rule="cpc_licence_expiry", subject_id=str(accredited.pk))
    # Five years counting the grant as day 1 (Cabinet Order Art 5; Art 39(2) applying Art 36).
    assert expiry.due_on == dt.date(2029, 1, 9)
    assert "Cabinet Order Art 5" in expiry.explanation["basis"]
    assert not Obligation.objects.filter(
        rule="cpc_licence_expiry", subject_id=str(notified.pk)
    ).exists()
    assert ProcessingFacility.objects.count() == 2


def test_the_registry_registers_its_own_sources() -> None:
    from saisei.reporting import obligation_sources

    registry = {name: rules for name, (rules, _fn) in sources.SOURCES.items()}
    assert registry["registry.facility_reports"] == {"cpc_periodic_report"}
    assert registry["registry.licences"] == {"cpc_licence_expiry"}
    assert registry["registry.facility_notices"] == {"cpc_change_notice", "cpc_closure_notice"}
    assert registry["registry.renewals"] == {"committee_renewal"}
    assert "committee_certification_expiry" not in sources.covered_rules()
    for moved in ("facility_reports_expected", "certifications_expected", "licences_expected"):
        assert not hasattr(obligation_sources, moved)
