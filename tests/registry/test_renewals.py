"""Renewal of a committee's certification (RM Act Art 28(1), (3)-(5); domain.md §1.6): the duty
per term, the application that meets it, the decision, and the validity the law gives."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.db import transaction

from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError, NotPermitted
from saisei.law import add_years, due_date
from saisei.obligations.models import Obligation
from saisei.obligations.services import obligation_open, obligations_tick, obligations_verify
from saisei.obligations.sources import ObligationSpec
from saisei.plans import services as plans
from saisei.registry.models import CommitteeRenewal
from saisei.registry.services import (
    committee_create,
    committee_renewal_apply,
    committee_renewal_decide,
)
from tests.support import at

pytestmark = pytest.mark.django_db

BUILD = dt.date(2026, 4, 1)


@pytest.fixture
def kasumi(world_on):
    """The specially certified committee of the personas, in term 1 on BUILD."""
    world = world_on(BUILD)
    status = world.committee.certification(BUILD)
    assert (status.in_force, status.term, status.reason_code) == (True, 1, "within_term")
    return world, status


def _duty(committee, term: int) -> Obligation:
    return Obligation.objects.get(
        rule="committee_renewal",
        subject_type="registry.committee",
        subject_id=str(committee.pk),
        period=term,
    )


def _apply(world, on: dt.date, **kwargs) -> CommitteeRenewal:
    with at(on):
        return committee_renewal_apply(
            committee=world.committee,
            applied_on=on,
            reference=kwargs.pop("reference", "MHLW-R-1"),
            actor=kwargs.pop("actor", world.personas.secretariat),
            **kwargs,
        )


def _decide(world, renewal, on: dt.date, granted: bool = True, **kwargs) -> CommitteeRenewal:
    with at(on):
        return committee_renewal_decide(
            renewal=renewal,
            granted=granted,
            decided_on=on,
            actor=kwargs.pop("actor", world.personas.regulator),
        )


def test_each_term_owes_its_renewal_to_the_certifier_on_the_law_s_date(kasumi) -> None:
    world, status = kasumi
    committee = world.committee
    duty = _duty(committee, 1)
    law = due_date("committee_renewal", committee.certified_on, period=1, to="minister")
    assert (duty.recipient, duty.organisation_id) == ("minister", committee.organisation_id)
    assert (duty.starts_on, duty.period_start, duty.period_end) == (
        committee.certified_on,
        status.term_starts_on,
        status.term_ends_on,
    )
    assert duty.nominal_due == status.term_ends_on - timedelta(days=60)
    assert duty.due_on == law.due == status.apply_by
    assert duty.explanation["window_opens"] == status.window_opens.isoformat()
    assert duty.status == "open"
    # Three years counting the day of certification as day 1 (Act Art 28(1)).
    assert committee.valid_until == add_years(committee.certified_on, 3) - timedelta(days=1)
    # A Class-III-only committee applies to the Regional Bureau.
    assert _duty(world.certified_committee, 1).recipient == "regional_bureau"
    # The old validity "duty" is no longer made.
    assert not Obligation.objects.filter(rule="committee_certification_expiry").exists()


def test_a_timely_application_keeps_the_certification_in_force_until_it_is_granted(
    kasumi,
) -> None:
    world, status = kasumi
    committee = world.committee
    renewal = _apply(world, status.window_opens + timedelta(days=1))
    assert renewal.term == 1 and renewal.pending
    duty = _duty(committee, 1)
    assert (duty.status, duty.met_on, duty.met_by_type, duty.met_by_id) == (
        "met",
        renewal.applied_on,
        "registry.committeerenewal",
        str(renewal.pk),
    )
    after_end = status.term_ends_on + timedelta(days=10)
    pending = committee.certification(after_end)
    assert (pending.in_force, pending.reason_code) == (True, "renewal_pending")
    # A plan can still be submitted to it (plans' own check, through Committee.certified_on_day).
    with at(after_end):
        review = plans.plan_submit(plan=world.draft("II"), actor=world.personas.officer)
    assert review.committee_id == committee.pk

    decided_on = status.term_ends_on + timedelta(days=20)
    _decide(world, renewal, decided_on)
    committee.refresh_from_db()
    term2 = committee.certification(decided_on)
    # The renewed term counts from the day after the old one ended (Art 28(5)).
    assert term2.term == 2
    assert term2.term_starts_on == status.term_ends_on + timedelta(days=1)
    assert committee.valid_until == term2.term_ends_on
    assert committee.valid_until == add_years(term2.term_starts_on, 3) - timedelta(days=1)
    # Term 2 had begun when it was granted: its renewal duty is open at once.
    second = _duty(committee, 2)
    assert (second.status, second.period_start) == ("open", term2.term_starts_on)
    assert second.due_on == term2.apply_by
    actions = AuditEvent.objects.filter(
        action__startswith="registry.committee.renewal", target_id=str(renewal.pk)
    ).order_by("seq")
    assert [e.action for e in actions] == [
        "registry.committee.renewal_applied",
        "registry.committee.renewal_decided",
    ]
    assert actions[0].actor_id == world.personas.secretariat.pk
    assert actions[1].actor_id == world.personas.regulator.pk
    assert actions[1].data["valid_until"] == committee.valid_until.isoformat()
    obligations_tick(today=decided_on)
    assert obligations_verify(today=decided_on) == []


def test_a_late_application_meets_the_duty_late_and_the_certification_lapses(kasumi) -> None:
    world, status = kasumi
    committee = world.committee
    renewal = _apply(world, status.apply_by + timedelta(days=1))
    assert _duty(committee, 1).status == "met_late"
    after_end = status.term_ends_on + timedelta(days=1)
    lapsed = committee.certification(after_end)
    assert (lapsed.in_force, lapsed.reason_code, lapsed.lapsed_on) == (
        False,
        "renewal_late",
        after_end,
    )
    assert not committee.certified_on_day(after_end)
    assert committee.certified_on_day(status.term_ends_on)
    with at(after_end), pytest.raises(DomainError) as raised:
        plans.plan_submit(plan=world.draft("II"), actor=world.personas.officer)
    assert raised.value.code == "committee_not_certified"
    # The certifier cannot renew by an untimely application; it refuses it.
    with pytest.raises(DomainError) as refused:
        _decide(world, renewal, after_end)
    assert refused.value.details["errors"][0]["field"] == "granted"
    _decide(world, renewal, after_end, granted=False)
    renewal.refresh_from_db()
    assert (renewal.granted, renewal.decided_on) == (False, after_end)
    committee.refresh_from_db()
    assert committee.valid_until == status.term_ends_on
    # No term 2, so no duty for it.
    later = after_end + timedelta(days=400)
    obligations_tick(today=later)
    assert not Obligation.objects.filter(rule="committee_renewal", period=2).exists()
    assert obligations_verify(today=later) == []


def test_an_excused_application_outside_the_window_is_timely(kasumi) -> None:
    world, status = kasumi
    with pytest.raises(DomainError) as raised:
        _apply(world, status.apply_by + timedelta(days=5), excused=True)
    assert raised.value.details["errors"][0]["field"] == "excused_reason"
    renewal = _apply(
        world, status.apply_by + timedelta(days=5), excused=True, excused_reason="台風 (fictional)"
    )
    assert _duty(world.committee, 1).status == "met_late"
    after_end = status.term_ends_on + timedelta(days=3)
    assert world.committee.certification(after_end).reason_code == "renewal_pending"
    _decide(world, renewal, after_end)
    assert world.committee.certification(after_end).term == 2


def test_a_refused_renewal_lapses_at_the_term_s_end_and_a_new_application_may_follow(
    kasumi,
) -> None:
    world, status = kasumi
    first = _apply(world, status.window_opens)
    refused_on = status.window_opens + timedelta(days=10)
    _decide(world, first, refused_on, granted=False)
    assert world.committee.certification(status.term_ends_on + timedelta(days=1)).reason_code == (
        "renewal_refused"
    )
    with pytest.raises(DomainError) as raised:
        _apply(world, refused_on - timedelta(days=1), reference="MHLW-R-2")
    assert raised.value.code == "date_order"
    second = _apply(world, refused_on + timedelta(days=1), reference="MHLW-R-2")
    # The duty stays met by the first application.
    assert _duty(world.committee, 1).met_by_id == str(first.pk)
    _decide(world, second, refused_on + timedelta(days=5))
    assert world.committee.certification(status.term_ends_on + timedelta(days=1)).term == 2
    with pytest.raises(DomainError) as again:
        _apply(world, refused_on + timedelta(days=6), reference="MHLW-R-3")
    assert (again.value.code, again.value.status) == ("duplicate", 409)


def test_applications_are_refused_in_the_future_early_twice_or_after_lapse(kasumi) -> None:
    world, status = kasumi
    cases: list[str] = []
    with at(status.window_opens), pytest.raises(DomainError) as future:
        committee_renewal_apply(
            committee=world.committee,
            applied_on=status.window_opens + timedelta(days=1),
            reference="X",
            actor=world.personas.secretariat,
        )
    cases.append(future.value.code)
    with pytest.raises(DomainError) as early:
        _apply(world, status.window_opens - timedelta(days=1))
    cases.append(early.value.code)
    with pytest.raises(DomainError) as blank:
        _apply(world, status.window_opens, reference="  ")
    cases.append(blank.value.code)
    _apply(world, status.window_opens)
    with pytest.raises(DomainError) as twice:
        _apply(world, status.window_opens + timedelta(days=2))
    cases.append(twice.value.code)
    assert twice.value.status == 409
    assert cases == ["date_in_future", "date_order", "invalid_input", "duplicate"]
    assert CommitteeRenewal.objects.filter(committee=world.committee).count() == 1
    # After the term ends, the pending application is still the one for the term (Art 28(4)).
    after_end = status.term_ends_on + timedelta(days=1)
    assert world.committee.certification(after_end).in_force
    with pytest.raises(DomainError) as pending:
        _apply(world, after_end)
    assert pending.value.code == "duplicate"


def test_a_certification_that_lapsed_cannot_be_renewed(world_on) -> None:
    world = world_on(BUILD)
    status = world.committee.certification(BUILD)
    day = status.term_ends_on + timedelta(days=1)
    with pytest.raises(DomainError) as raised:
        _apply(world, day)
    assert raised.value.code == "committee_not_certified"
    assert not CommitteeRenewal.objects.filter(committee=world.committee).exists()


def test_who_applies_and_who_decides(kasumi, client_for, secretariat_of) -> None:
    world, status = kasumi
    day = status.window_opens
    with pytest.raises(NotPermitted):
        _apply(world, day, actor=world.personas.member)
    with pytest.raises(NotPermitted):
        _apply(world, day, actor=world.personas.regulator)
    url = f"/api/v1/committees/{world.committee.pk}/renewals"
    body = {"applied_on": day.isoformat(), "reference": "MHLW-R-1"}
    other = client_for(None)
    other.force_login(secretariat_of(world.certified_committee))
    with at(day):
        assert other.post(url, body, content_type="application/json").status_code == 404
        assert other.get(url).status_code == 404
        assert client_for("officer").get(url).status_code == 404
        assert client_for(None).get(url).status_code == 401
        assert (
            client_for("member").post(url, body, content_type="application/json").status_code == 403
        )
        created = client_for("secretariat").post(url, body, content_type="application/json")
        assert created.status_code == 201, created.content
        renewal = created.json()
        assert (renewal["term"], renewal["pending"], renewal["timely"]) == (1, True, True)
        listed = client_for("member").get(url).json()
        assert [item["id"] for item in listed["items"]] == [renewal["id"]]
        decision = f"{url}/{renewal['id']}/decision"
        granted = {"granted": True, "decided_on": day.isoformat()}
        assert (
            client_for("secretariat")
            .post(decision, granted, content_type="application/json")
            .status_code
            == 403
        )
        answer = client_for("regulator").post(decision, granted, content_type="application/json")
        assert answer.status_code == 200, answer.content
        assert (answer.json()["granted"], answer.json()["pending"]) == (True, False)
        twice = client_for("regulator").post(decision, granted, content_type="application/json")
        assert twice.status_code == 409
        assert set(twice.json()) == {"code", "message", "details"}
    world.committee.refresh_from_db()
    public = client_for(None).get(f"/api/v1/committees/{world.committee.pk}").json()
    assert public["valid_until"] == world.committee.valid_until.isoformat()
    certification = public["certification"]
    assert certification["in_force"] is True


def test_the_api_shows_the_law_s_status_for_a_pending_renewal(world_on, client_for) -> None:
    world = world_on(BUILD)
    minato = world.certified_committee
    status = minato.certification(BUILD)
    after_end = status.term_ends_on + timedelta(days=1)
    with at(after_end):
        body = client_for(None).get(f"/api/v1/committees/{minato.pk}").json()
    assert body["certification"]["reason_code"] == "renewal_pending"
    assert body["certification"]["in_force"] is True
    assert body["certification"]["term_ends_on"] == status.term_ends_on.isoformat()
    assert body["valid_until"] == status.term_ends_on.isoformat()


def test_a_committee_is_registered_with_the_law_s_first_term(personas) -> None:
    committee = committee_create(
        slug="demo-new-committee",
        name="架空新委員会",
        kind="specially_certified",
        certification_number="NA8999009",
        founder_name="架空会",
        founder_type="npo",
        certified_on=dt.date(2024, 2, 29),
        actor=personas.regulator,
        today=dt.date(2026, 4, 1),
    )
    # 2024-02-29 + 3 years has no corresponding day: the term ends on 2027-02-28 (Civil Code
    # Art 143(2)) and the next would start 2027-03-01.
    assert committee.valid_until == dt.date(2027, 2, 28)
    assert _duty(committee, 1).period_end == dt.date(2027, 2, 28)
    with pytest.raises(DomainError) as raised:
        committee_create(
            slug="demo-future",
            name="架空",
            kind="certified",
            certification_number="NB3999009",
            founder_name="架空会",
            founder_type="npo",
            certified_on=dt.date(2026, 4, 2),
            actor=personas.regulator,
            today=dt.date(2026, 4, 1),
        )
    assert raised.value.code == "date_in_future"


def test_the_committee_page_shows_the_status_and_the_forms_of_whoever_may_act(
    world_on, client_for
) -> None:
    world = world_on(BUILD)
    minato = world.certified_committee
    url = f"/registry/committees/{minato.pk}/"
    with at(BUILD):
        public = client_for(None).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "In force: term 1" in public
        assert "架空-更新-0001" not in public  # applications are private
        japanese = client_for(None).get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert "有効期間の更新" in japanese
        regulator = client_for("regulator").get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "架空-更新-0001" in regulator
        assert "/decision/" in regulator
        kasumi = client_for("secretariat").get(
            f"/registry/committees/{world.committee.pk}/", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert f"/registry/committees/{world.committee.pk}/renewals/" in kasumi.content.decode()
    status = world.committee.certification(BUILD)
    with at(status.window_opens):
        response = client_for("secretariat").post(
            f"/registry/committees/{world.committee.pk}/renewals/",
            {"applied_on": status.window_opens.isoformat(), "reference": "MHLW-R-9"},
        )
        assert response.status_code == 302
        early = client_for("secretariat").post(
            f"/registry/committees/{world.committee.pk}/renewals/",
            {"applied_on": status.window_opens.isoformat(), "reference": "MHLW-R-10"},
        )
        assert early.status_code == 409
        renewal = CommitteeRenewal.objects.get(committee=minato)
        decided = client_for("regulator").post(
            f"/registry/committees/{minato.pk}/renewals/{renewal.pk}/decision/",
            {
                f"d{renewal.pk}-granted": "yes",
                f"d{renewal.pk}-decided_on": status.window_opens.isoformat(),
            },
        )
        assert decided.status_code == 302, decided.content.decode()
    renewal.refresh_from_db()
    assert renewal.granted is True


def test_a_validity_row_of_the_first_version_is_checked_as_history_not_called_unexpected(
    world_on,
) -> None:
    """Rows of `committee_certification_expiry` made before the renewal duty replaced it are
    never deleted; verify still checks their date against the law and does not report them
    as unexpected (no source covers the rule, so no one is asked to clear what cannot be)."""
    world = world_on(BUILD)
    committee = world.committee
    with transaction.atomic():
        old = obligation_open(
            spec=ObligationSpec(
                rule="committee_certification_expiry",
                organisation_id=committee.organisation_id,
                subject_type="registry.committee",
                subject_id=str(committee.pk),
                subject_label=committee.name,
                starts_on=committee.certified_on,
                recipient="minister",
            ),
            actor=None,
            today=BUILD,
            system="test",
        )
    assert old.due_on == committee.valid_until
    obligations_tick(today=BUILD)
    assert obligations_verify(today=BUILD) == []
    Obligation.objects.filter(pk=old.pk).update(due_on=old.due_on + timedelta(days=1))
    assert [(d.kind, d.rule) for d in obligations_verify(today=BUILD)] == [
        ("due_date", "committee_certification_expiry")
    ]
