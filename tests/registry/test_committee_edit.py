"""A committee's record corrected, and its members taken off and put back on the active roster:
by the regulator or the committee's own secretariat, audited, the fields its renewal duty counts
from kept as registered, a kind change refused while plans in its care need the old kind
(the pages and the API: test_committee_pages)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from saisei.accounts.roles import OrganisationKind
from saisei.accounts.services import organisation_create
from saisei.audit.models import AuditEvent
from saisei.core.errors import Conflict, DomainError, ErrorCode, NotPermitted
from saisei.core.time import legal_today
from saisei.law import period_bounds
from saisei.obligations.models import Obligation
from saisei.obligations.services import current_rules
from saisei.plans import services as plans
from saisei.plans.lifecycle import PlanStatus
from saisei.registry import dependents
from saisei.registry.models import Committee
from saisei.registry.services import (
    committee_member_deactivate,
    committee_member_reactivate,
    committee_rules_set,
    committee_update,
)

pytestmark = pytest.mark.django_db


def _record(committee: Committee, **changes: Any) -> dict[str, Any]:
    """The committee's record as committee_update takes it, with `changes`."""
    return {
        "name": committee.name,
        "name_en": committee.name_en,
        "kind": committee.kind,
        "certification_number": committee.certification_number,
        "founder_name": committee.founder_name,
        "founder_type": committee.founder_type,
        "certified_on": committee.certified_on,
        "scope": committee.scope,
        **changes,
    }


def _form(committee: Committee, **changes: Any) -> dict[str, Any]:
    data = _record(committee, **changes)
    data["certified_on"] = str(data["certified_on"])
    return data


def _unopened_committee(kind: str = "specially_certified", number: str = "NA8999555") -> Committee:
    """A committee written as a bulk load writes it (bench/national bypasses the services), so no
    renewal duty is open for it yet: the one case where its kind may still be corrected."""
    organisation = organisation_create(
        kind=OrganisationKind.COMMITTEE,
        slug=f"fictional-loaded-{number.lower()}",
        name="架空 一括登録委員会",
        actor=None,
        system="test",
    )
    certified_on = legal_today() - timedelta(days=100)
    return Committee.objects.create(
        organisation=organisation,
        name="架空 一括登録委員会",
        kind=kind,
        certification_number=number,
        founder_name="架空大学",
        founder_type="university",
        certified_on=certified_on,
        valid_until=period_bounds("committee_renewal", certified_on, 1, rules=current_rules())[1],
    )


def _changed_events(committee: Committee) -> Any:
    return AuditEvent.objects.filter(
        action="registry.committee.changed", target_id=str(committee.pk)
    )


# --- the service ---------------------------------------------------------------------------------


def test_the_regulator_corrects_a_committees_record_audited_old_and_new(world, personas) -> None:
    committee = world.committee
    old_name = committee.name
    updated = committee_update(
        committee=committee,
        actor=personas.regulator,
        **_record(
            committee,
            name="架空 改称後委員会",
            name_en="Renamed Committee (fictional)",
            founder_name=" 架空 新設立者 ",
            certification_number="na8999009",
        ),
    )
    committee.refresh_from_db()
    assert (committee.name, committee.name_en) == (
        "架空 改称後委員会",
        "Renamed Committee (fictional)",
    )
    assert (committee.founder_name, committee.certification_number) == (
        "架空 新設立者",
        "NA8999009",
    )
    assert updated.pk == committee.pk
    event = _changed_events(committee).get()
    assert event.data["changes"]["name"] == [old_name, "架空 改称後委員会"]
    assert event.data["changes"]["certification_number"] == ["NA8999001", "NA8999009"]
    # Only what changed is recorded.
    assert set(event.data["changes"]) == {
        "name",
        "name_en",
        "founder_name",
        "certification_number",
    }
    assert event.actor_id == personas.regulator.pk
    # The same record again changes nothing and records nothing.
    committee_update(committee=committee, actor=personas.regulator, **_record(committee))
    assert _changed_events(committee).count() == 1


def test_the_committees_secretariat_corrects_its_own_record_and_no_one_elses(
    world, personas, secretariat_of
) -> None:
    committee = world.committee
    committee_update(
        committee=committee, actor=personas.secretariat, **_record(committee, scope="第三種のみ")
    )
    committee.refresh_from_db()
    assert committee.scope == "第三種のみ"
    other = world.certified_committee
    for actor in (personas.member, personas.officer, secretariat_of(other)):
        with pytest.raises(NotPermitted):
            committee_update(committee=committee, actor=actor, **_record(committee, scope="x"))
    committee.refresh_from_db()
    assert committee.scope == "第三種のみ"
    assert _changed_events(committee).count() == 1


def test_a_committee_whose_rules_require_no_category_is_still_corrected(world, personas) -> None:
    committee = world.committee
    committee_rules_set(
        committee=committee,
        min_present=5,
        majority_present=True,
        both_sexes=True,
        required_categories=[],
        min_no_interest=2,
        min_independent=1,
        actor=personas.secretariat,
    )
    committee_update(
        committee=committee, actor=personas.secretariat, **_record(committee, name="架空 改称")
    )
    committee.refresh_from_db()
    assert (committee.name, committee.rule_required_categories) == ("架空 改称", [])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "certified"),
        ("certified_on", "earlier"),
    ],
)
def test_the_fields_the_renewal_duty_counts_from_are_refused_once_it_is_open(
    world, personas, field, value
) -> None:
    committee = world.committee
    assert Obligation.objects.filter(rule="committee_renewal", subject_id=str(committee.pk))
    before = (committee.kind, committee.certified_on, committee.valid_until)
    if value == "earlier":
        value = committee.certified_on - timedelta(days=1)
    changes = {field: value, "name": "架空 変更されない名前"}
    if field == "kind":
        changes["certification_number"] = "NB3999001"  # the number a certified one would have
    with pytest.raises(DomainError) as raised:
        committee_update(
            committee=committee, actor=personas.regulator, **_record(committee, **changes)
        )
    assert raised.value.code == ErrorCode.COMMITTEE_RENEWAL_BASIS_FIXED
    assert raised.value.status == 409
    assert [e["field"] for e in raised.value.errors] == [field]
    committee.refresh_from_db()
    assert (committee.kind, committee.certified_on, committee.valid_until) == before
    assert committee.name != "架空 変更されない名前"
    assert not _changed_events(committee).exists()


def test_before_the_duty_is_open_a_new_day_of_certification_moves_the_first_terms_end(
    world, personas
) -> None:
    committee = _unopened_committee()
    certified_on = committee.certified_on - timedelta(days=20)
    committee_update(
        committee=committee,
        actor=personas.regulator,
        **_record(committee, certified_on=certified_on),
    )
    committee.refresh_from_db()
    end = period_bounds("committee_renewal", certified_on, 1, rules=current_rules())[1]
    assert (committee.certified_on, committee.valid_until) == (certified_on, end)
    changes = _changed_events(committee).get().data["changes"]
    assert set(changes) == {"certified_on", "valid_until"}


def test_a_kind_change_is_refused_while_plans_in_its_care_need_the_old_kind(
    world, personas
) -> None:
    committee = _unopened_committee()
    plan = world.draft("II", committee=committee)
    plans.plan_submit(plan=plan, actor=personas.officer)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.UNDER_REVIEW
    certified = _record(committee, kind="certified", certification_number="NB3999555")
    # The plans app's check is what says so (registered from PlansConfig.ready()).
    assert [d.id for d in dependents.committee_kind.blocking(committee, "certified")] == [plan.pk]
    with pytest.raises(DomainError) as raised:
        committee_update(committee=committee, actor=personas.regulator, **certified)
    assert raised.value.code == ErrorCode.COMMITTEE_KIND_MISMATCH
    assert raised.value.status == 409
    assert raised.value.details["dependents"] == [
        {"what": "plans.plan", "id": plan.pk, "label": plan.title}
    ]
    committee.refresh_from_db()
    assert committee.kind == "specially_certified"


def test_a_kind_change_is_made_when_no_plan_in_its_care_needs_the_old_kind(world, personas) -> None:
    committee = _unopened_committee()
    # A Class III plan under review, and a Class II draft never submitted (checked when it is).
    plans.plan_submit(plan=world.draft("III", committee=committee), actor=personas.officer)
    world.draft("II", committee=committee)
    committee_update(
        committee=committee,
        actor=personas.regulator,
        **_record(committee, kind="certified", certification_number="NB3999555"),
    )
    committee.refresh_from_db()
    assert (committee.kind, committee.certifier) == ("certified", "regional_bureau")
    assert _changed_events(committee).get().data["changes"]["kind"] == [
        "specially_certified",
        "certified",
    ]


def test_a_number_that_does_not_match_the_kind_is_refused_as_at_registration(
    world, personas
) -> None:
    committee = world.committee
    with pytest.raises(DomainError) as raised:
        committee_update(
            committee=committee,
            actor=personas.regulator,
            **_record(committee, certification_number="NB3999001"),
        )
    assert [e["field"] for e in raised.value.errors] == ["certification_number"]
    # A number another committee holds is refused on its field (the model's own check).
    minato = world.certified_committee
    with pytest.raises(DomainError) as raised:
        committee_update(
            committee=minato,
            actor=personas.regulator,
            **_record(
                minato,
                certification_number=_unopened_committee(
                    "certified", "NB3999555"
                ).certification_number,
            ),
        )
    assert [e["field"] for e in raised.value.errors] == ["certification_number"]
    minato.refresh_from_db()
    assert minato.certification_number == "NB3999002"
    committee.refresh_from_db()
    assert committee.certification_number == "NA8999001"


def test_a_member_is_deactivated_and_reactivated_once_each(world, personas) -> None:
    member = world.members[0]
    committee_member_deactivate(member=member, actor=personas.secretariat)
    member.refresh_from_db()
    assert member.is_active is False
    with pytest.raises(Conflict) as raised:
        committee_member_deactivate(member=member, actor=personas.regulator)
    assert (raised.value.status, raised.value.code) == (409, "conflict")
    committee_member_reactivate(member=member, actor=personas.regulator)
    member.refresh_from_db()
    assert member.is_active is True
    with pytest.raises(Conflict):
        committee_member_reactivate(member=member, actor=personas.secretariat)
    actions = list(
        AuditEvent.objects.filter(
            target_id=str(world.committee.pk), action__startswith="registry.committee.member_"
        )
        .exclude(action="registry.committee.member_added")
        .order_by("seq")
        .values_list("action", "data__member_id")
    )
    assert actions == [
        ("registry.committee.member_deactivated", member.pk),
        ("registry.committee.member_reactivated", member.pk),
    ]


def test_only_the_regulator_and_the_committees_secretariat_change_the_roster(
    world, personas, secretariat_of
) -> None:
    member = world.members[0]
    for actor in (personas.member, personas.officer, secretariat_of(world.certified_committee)):
        with pytest.raises(NotPermitted):
            committee_member_deactivate(member=member, actor=actor)
    member.refresh_from_db()
    assert member.is_active is True


def test_a_meeting_no_longer_counts_an_inactive_member(world, personas) -> None:
    member = world.members[0]
    committee_member_deactivate(member=member, actor=personas.regulator)
    plan = world.plan_in(PlanStatus.UNDER_REVIEW)
    with pytest.raises(DomainError) as raised:
        plans.meeting_record(
            review=world.open_review(plan),
            actor=personas.secretariat,
            held_on=legal_today(),
            attendance=world.full_attendance(),
        )
    assert [e["field"] for e in raised.value.errors] == ["attendance.0.member_id"]
