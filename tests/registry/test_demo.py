"""The registry's demo step keeps the law's dates on any day it is loaded."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client

from saisei.accounts.models import User
from saisei.core.time import legal_today
from saisei.obligations.models import Obligation
from saisei.obligations.services import obligations_tick, obligations_verify
from saisei.registry.models import Committee

pytestmark = pytest.mark.django_db

REGISTRY_RULES = {
    "cpc_periodic_report",
    "cpc_change_notice",
    "cpc_closure_notice",
    "cpc_licence_expiry",
    "committee_renewal",
    "committee_certification_expiry",
}


@pytest.mark.parametrize(
    "day", [dt.date(2026, 4, 1), dt.date(2028, 2, 29), dt.date(2026, 12, 31), dt.date(2027, 1, 4)]
)
def test_the_registry_demo_verifies_on_any_day(world_on, day) -> None:
    world = world_on(day)
    kasumi = world.committee.certification(day)
    minato = world.certified_committee.certification(day)
    assert kasumi.in_force and minato.in_force
    # Kasumi's window opens within about a month; Minato's application is in and undecided.
    assert day < kasumi.window_opens <= day + dt.timedelta(days=31)
    assert world.objects["pending_renewal"].pending
    assert minato.window_opens <= world.objects["pending_renewal"].applied_on <= minato.apply_by
    assert world.committee.certified_on_day(day)
    notice = world.objects["facility_change_notice"]
    duty = Obligation.objects.get(subject_type="registry.facilitynotice", subject_id=str(notice.pk))
    assert (duty.status, duty.organisation_id) == ("open", world.institution.organisation_id)
    obligations_tick(today=day)
    renewal = Obligation.objects.get(
        rule="committee_renewal", subject_id=str(world.committee.pk), period=1
    )
    assert (renewal.status, renewal.recipient, renewal.due_on) == (
        "open",
        "minister",
        kasumi.apply_by,
    )
    assert obligations_verify(today=day) == []


def test_the_whole_demo_shows_the_renewal_and_the_notice_and_verifies_its_registry_duties(
    settings,
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", "--quiet", stdout=io.StringIO())
    today = legal_today()
    obligations_tick(today=today)
    differences = [d for d in obligations_verify(today=today) if d.rule in REGISTRY_RULES]
    assert differences == []
    assert not Obligation.objects.filter(rule="committee_certification_expiry").exists()

    def page(username: str, url: str = "/obligations/") -> str:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Application to renew the committee&#x27;s certification" in page("secretariat")
    assert "Notice of a change to a processing facility (30 days)" in page("officer")
    minato = Committee.objects.get(certification_number="NB3999002")
    regulator = page("regulator", f"/registry/committees/{minato.pk}/")
    assert "awaiting decision" in regulator and "/decision/" in regulator
