from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from saisei.accounts.models import ApiToken
from saisei.accounts.services import token_authenticate, token_create, token_digest, token_revoke
from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError, NotPermitted

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def officer_with_password(personas):
    officer = personas.officer
    officer.set_password(PASSWORD)
    officer.save()
    return officer


def test_passwords_are_hashed_with_argon2(officer_with_password) -> None:
    assert identify_hasher(officer_with_password.password).algorithm == "argon2"


# Signing in, out and the throttle: tests/accounts/test_sign_in.py.


def test_a_token_is_stored_only_as_its_digest(personas) -> None:
    issued = token_create(user=personas.officer, name="export", actor=personas.officer)
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert stored.digest == token_digest(issued.secret)
    assert issued.secret not in {stored.digest, stored.prefix, stored.name}
    assert issued.secret.startswith(f"saisei_{stored.prefix}_")
    assert AuditEvent.objects.filter(
        action="accounts.token.created", target_id=str(stored.pk)
    ).exists()


def test_a_token_authenticates_and_records_its_last_use(personas) -> None:
    issued = token_create(user=personas.officer, name="export", actor=personas.officer)
    user = token_authenticate(issued.secret)
    assert user == personas.officer
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at is not None


def test_a_wrong_or_revoked_token_authenticates_no_one(personas) -> None:
    issued = token_create(user=personas.officer, name="export", actor=personas.officer)
    assert token_authenticate(issued.secret + "x") is None
    assert token_authenticate("not-a-token") is None
    token_revoke(token=issued.token, actor=personas.officer)
    assert token_authenticate(issued.secret) is None
    with pytest.raises(DomainError) as raised:
        token_revoke(token=issued.token, actor=personas.officer)
    assert raised.value.code == "token_revoked"


def test_no_one_revokes_or_mints_another_users_token(personas) -> None:
    issued = token_create(user=personas.officer, name="export", actor=personas.officer)
    with pytest.raises(NotPermitted):
        token_revoke(token=issued.token, actor=personas.other_officer)
    with pytest.raises(NotPermitted):
        token_create(user=personas.officer, name="x", actor=personas.other_officer)
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None


def test_the_account_page_shows_a_new_token_once(client_for) -> None:
    client = client_for("officer")
    response = client.post(reverse("accounts:token_new"), {"name": "nightly export"})
    assert response.status_code == 200
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    page = client.get(reverse("accounts:account")).content.decode()
    assert "nightly export" in page
    assert secret not in page


def test_another_users_token_cannot_be_revoked_through_the_page(personas, client_for) -> None:
    issued = token_create(user=personas.officer, name="export", actor=personas.officer)
    response = client_for("other-officer").post(
        reverse("accounts:token_revoke", args=[issued.token.pk])
    )
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None
