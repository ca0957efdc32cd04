from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from saisei.accounts.models import Membership
from saisei.accounts.permissions import can, ensure_can, forget_grants, organisation_ids_with
from saisei.accounts.roles import ROLE_ORGANISATION_KIND, ROLE_PERMISSIONS, Role
from saisei.accounts.services import membership_grant
from saisei.core.errors import DomainError, NotPermitted

pytestmark = pytest.mark.django_db


def test_an_officer_may_act_within_their_own_institution(personas) -> None:
    ensure_can(personas.officer, "organisation.view_private", personas.org("institution"))


def test_an_officer_of_another_institution_is_refused(personas) -> None:
    with pytest.raises(NotPermitted) as raised:
        ensure_can(personas.other_officer, "organisation.view_private", personas.org("institution"))
    assert raised.value.status == 403
    assert raised.value.details == {"permission": "organisation.view_private"}


def test_a_permission_the_role_lacks_is_refused_even_in_its_own_organisation(personas) -> None:
    assert not can(personas.staff, "organisation.view_audit", personas.org("institution"))
    assert can(personas.officer, "organisation.view_audit", personas.org("institution"))


def test_a_regulator_holds_its_permissions_nationwide(personas) -> None:
    for key in ("institution", "other_institution", "committee", "holder"):
        assert can(personas.regulator, "organisation.view_audit", personas.org(key))
    assert organisation_ids_with(personas.regulator, "organisation.view_audit") is None


def test_selector_scope_lists_only_the_actors_organisations(personas) -> None:
    assert organisation_ids_with(personas.officer, "organisation.view_private") == {
        personas.org("institution").pk
    }
    assert organisation_ids_with(AnonymousUser(), "organisation.view_private") == set()


def test_anonymous_and_inactive_users_hold_nothing(personas) -> None:
    assert not can(AnonymousUser(), "organisation.view_private", personas.org("institution"))
    assert not can(None, "organisation.view_private")
    officer = personas.officer
    officer.is_active = False
    assert not can(officer, "organisation.view_private", personas.org("institution"))


def test_a_deactivated_membership_grants_nothing(personas) -> None:
    officer = personas.officer
    Membership.objects.filter(user=officer).update(is_active=False)
    forget_grants(officer)
    assert not can(officer, "organisation.view_private", personas.org("institution"))


def test_a_role_cannot_be_granted_in_the_wrong_kind_of_organisation(personas) -> None:
    with pytest.raises(DomainError) as raised:
        membership_grant(
            user=personas.officer,
            organisation=personas.org("committee"),
            role=Role.INSTITUTION_OFFICER,
            actor=None,
            system="test",
        )
    assert raised.value.code == "invalid_input"
    assert not Membership.objects.filter(
        user=personas.officer, organisation=personas.org("committee")
    ).exists()


def test_every_role_has_an_organisation_kind_and_permissions() -> None:
    assert set(ROLE_ORGANISATION_KIND) == set(Role.values)
    assert set(ROLE_PERMISSIONS) == set(Role.values)
