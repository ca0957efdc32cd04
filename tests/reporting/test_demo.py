from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from saisei.core.time import legal_today
from saisei.obligations.models import Obligation
from saisei.obligations.services import obligations_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    # The demo's accounts get real passwords; a fast hasher keeps this test quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", "--quiet", stdout=io.StringIO())


def _demo_plan():
    from saisei.plans.models import Plan

    return Plan.objects.get(plan_number="DEMO-R001")


def test_the_demo_reports_on_time_late_and_overdue(demo) -> None:
    statuses = set(Obligation.objects.values_list("status", flat=True))
    assert {"met", "met_late", "overdue", "open"} <= statuses
    plan = _demo_plan()
    assert plan.risk_class == "II"
    overdue = set(Obligation.objects.filter(status="overdue").values_list("rule", "recipient"))
    assert ("periodic_report", "regional_bureau") in overdue
    assert ("ae_death", "regional_bureau") in overdue
    assert Obligation.objects.filter(
        rule="ae_serious", recipient="regional_bureau", status="met_late"
    ).exists()
    # No report of this Class II plan goes to the Minister.
    assert not Obligation.objects.filter(
        subject_type="plans.plan", subject_id=str(plan.pk), recipient="minister"
    ).exists()
    periodic = {
        (o.period, o.recipient): o.status
        for o in Obligation.objects.filter(rule="periodic_report", subject_id=str(plan.pk))
    }
    assert periodic[(1, "committee")] == "met"
    assert periodic[(1, "regional_bureau")] == "met_late"
    assert periodic[(2, "committee")] == "met"
    assert periodic[(2, "regional_bureau")] == "overdue"
    assert periodic[(3, "committee")] == periodic[(3, "regional_bureau")] == "open"


def test_the_demo_shows_a_committee_report_due_on_a_holiday_beside_the_bureaus(demo) -> None:
    from saisei.law import closed_reasons
    from saisei.reporting.models import AdverseEvent

    event = AdverseEvent.objects.get(plan=_demo_plan(), category="other_serious")
    duties = {
        o.recipient: o
        for o in Obligation.objects.filter(
            subject_type="reporting.adverseevent", subject_id=str(event.pk)
        )
    }
    committee, bureau = duties["committee"], duties["regional_bureau"]
    assert committee.due_on == committee.nominal_due == bureau.nominal_due
    assert "holiday" in closed_reasons(committee.due_on)[0].kind
    assert bureau.due_on > committee.due_on and not closed_reasons(bureau.due_on)
    assert (committee.status, bureau.status) == ("met", "met")
    # Filed with the Bureau on its last day, after the holiday: on time for the Bureau, a day the
    # committee's report would have been late.
    assert bureau.met_on == bureau.due_on > committee.due_on


def test_verify_finds_no_difference_on_the_demo_and_finds_a_corrupted_one(demo) -> None:
    call_command("obligations", "tick", stdout=io.StringIO())
    assert obligations_verify(today=legal_today()) == []
    corrupted = Obligation.objects.filter(rule="periodic_report", period=1).first()
    Obligation.objects.filter(pk=corrupted.pk).update(
        due_on=corrupted.due_on + dt.timedelta(days=30)
    )
    for options in ([], ["--thorough"]):
        out = io.StringIO()
        with pytest.raises(CommandError, match="1 obligation"):
            call_command("obligations", "verify", *options, stdout=out)
        assert f"obligation #{corrupted.pk}" in out.getvalue()


def test_certifications_and_licences_have_renewal_duties_from_the_law(demo) -> None:
    from saisei.law import due_date
    from saisei.registry.models import Committee, FacilityKind, ProcessingFacility

    committees = list(Committee.objects.all())
    assert committees
    for committee in committees:
        # The first term's renewal, to the certifier: the Minister for a specially certified
        # committee, the Regional Bureau for a Class-III-only one (RM Act Art 28(3); Ordinance
        # Art 118(1)(x)), due 60 days before the three-year term ends (Art 28(1)).
        duty = Obligation.objects.get(
            rule="committee_renewal",
            subject_id=str(committee.pk),
            subject_type="registry.committee",
            period=1,
        )
        to = "minister" if committee.kind == "specially_certified" else "regional_bureau"
        law = due_date("committee_renewal", committee.certified_on, period=1, to=to)
        assert (duty.recipient, duty.due_on, duty.nominal_due) == (to, law.due, law.nominal_due)
        assert duty.explanation["uncertain"] is False
        assert not Obligation.objects.filter(
            rule="committee_certification_expiry", subject_id=str(committee.pk)
        ).exists()
    licensed = ProcessingFacility.objects.filter(kind=FacilityKind.LICENCE)
    assert licensed.exists()
    assert Obligation.objects.filter(rule="cpc_licence_expiry").count() == licensed.count()
    assert not Obligation.objects.filter(
        rule="cpc_licence_expiry",
        subject_id__in=[
            str(pk)
            for pk in ProcessingFacility.objects.exclude(kind=FacilityKind.LICENCE).values_list(
                "pk", flat=True
            )
        ],
    ).exists()
