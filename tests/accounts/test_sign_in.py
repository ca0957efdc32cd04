"""Sign-in, sign-out and the throttle: each attempt is counted before its password is checked.

The threaded test needs PostgreSQL: SQLite's shared in-memory test database refuses a second
writer ("table is locked") instead of making it wait, so it cannot show parallel sign-ins
queueing on the counter. CI runs the suite on PostgreSQL too, where it runs.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connections
from django.test import Client
from django.urls import reverse

from saisei.accounts.models import LoginThrottle, User
from saisei.audit.models import AuditEvent
from saisei.audit.services import audit_verify
from tests.support import needs_postgresql

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 42"
SIGNED_IN = "accounts.user.signed_in"
SIGNED_OUT = "accounts.user.signed_out"
REFUSED = "accounts.user.sign_in_refused"


@pytest.fixture
def officer_with_password(personas):
    officer = personas.officer
    officer.set_password(PASSWORD)
    officer.save()
    return officer


class PasswordChecks:
    """How many times a password was actually compared with a stored hash."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def record(self) -> None:
        with self._lock:
            self.count += 1


@pytest.fixture
def checks(monkeypatch) -> Iterator[PasswordChecks]:
    counter = PasswordChecks()
    original = User.check_password

    def counting(self: User, raw_password: str | None) -> bool:
        counter.record()
        return original(self, raw_password)

    monkeypatch.setattr(User, "check_password", counting)
    yield counter


def _login(client: Client, password: str, username: str = "officer"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_a_correct_password_signs_in_and_one_event_records_it(
    officer_with_password, checks
) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    response = _login(client, PASSWORD)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(officer_with_password.pk)
    assert checks.count == 1
    [event] = _events(SIGNED_IN)
    assert event.actor_id == officer_with_password.pk
    assert (event.target_type, event.target_id) == ("accounts.user", str(officer_with_password.pk))
    assert event.data == {"ip_address": "198.51.100.7"}
    assert event.scope == [
        m.organisation_id for m in officer_with_password.memberships.filter(is_active=True)
    ]
    assert _events(REFUSED) == []
    assert audit_verify().ok


def test_a_wrong_password_is_refused_and_one_event_records_it(
    officer_with_password, checks
) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_ACCEPT_LANGUAGE="en")
    response = _login(client, "wrong password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert checks.count == 1
    [event] = _events(REFUSED)
    assert event.actor_id is None
    assert event.actor_label == "system:sign-in"
    assert event.target_id == str(officer_with_password.pk)
    assert event.data == {
        "username": "officer",
        "ip_address": "198.51.100.7",
        "reason": "invalid_login",
    }
    assert _events(SIGNED_IN) == []


def test_a_refused_sign_in_as_no_one_is_recorded_without_a_target(personas) -> None:
    _login(Client(), "whatever it is", username="nobody-here")
    [event] = _events(REFUSED)
    assert (event.target_type, event.target_id) == ("", "")
    assert event.data["username"] == "nobody-here"


def test_signing_out_writes_one_event(officer_with_password) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert _login(client, PASSWORD).status_code == 302
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    [event] = _events(SIGNED_OUT)
    assert event.actor_id == officer_with_password.pk
    assert event.data == {"ip_address": "198.51.100.7"}
    # Signing out when not signed in records nothing.
    client.post(reverse("accounts:logout"))
    assert len(_events(SIGNED_OUT)) == 1
    assert audit_verify().ok


def test_after_the_limit_even_the_correct_password_is_refused_unchecked(
    officer_with_password, checks, settings
) -> None:
    settings.LOGIN_THROTTLE_MAX_FAILURES = 3
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(3):
        assert _login(client, "wrong password").status_code == 200
    assert checks.count == 3
    response = _login(client, PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= settings.LOGIN_THROTTLE_WINDOW_SECONDS
    page = response.content.decode()
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in page
    assert "Traceback" not in page
    assert "_auth_user_id" not in client.session
    assert checks.count == 3  # the password was not compared
    reasons = [e.data["reason"] for e in _events(REFUSED)]
    assert reasons == ["invalid_login"] * 3 + ["throttled"]
    assert _events(SIGNED_IN) == []


def test_the_refusal_page_is_translated(officer_with_password, settings) -> None:
    settings.LOGIN_THROTTLE_MAX_FAILURES = 1
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    _login(client, "wrong password")
    response = _login(client, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "ログインの失敗が多すぎます" in page
    assert "Too many failed" not in page


def test_the_throttle_lifts_when_the_window_has_passed(officer_with_password, settings) -> None:
    client = Client()
    limit = settings.LOGIN_THROTTLE_MAX_FAILURES
    window = dt.timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    start = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(limit):
            _login(client, "wrong password")
        assert _login(client, PASSWORD).status_code == 429
    with time_machine.travel(start + window - dt.timedelta(seconds=1), tick=False):
        assert _login(client, PASSWORD).status_code == 429
    with time_machine.travel(start + window, tick=False):
        assert _login(client, PASSWORD).status_code == 302
    # A sign-in clears the username's count.
    assert LoginThrottle.objects.get(scope="username", key="officer").attempts == 0


def test_failures_below_the_limit_do_not_block(officer_with_password, settings) -> None:
    client = Client()
    for _ in range(settings.LOGIN_THROTTLE_MAX_FAILURES - 1):
        _login(client, "wrong password")
    assert _login(client, PASSWORD).status_code == 302


def test_the_username_is_counted_whatever_its_case(officer_with_password, settings) -> None:
    settings.LOGIN_THROTTLE_MAX_FAILURES = 2
    client = Client()
    _login(client, "wrong password", username="Officer")
    _login(client, "wrong password", username="OFFICER")
    assert _login(client, PASSWORD).status_code == 429


def test_one_address_guessing_across_usernames_is_throttled(
    officer_with_password, personas, checks, settings
) -> None:
    settings.LOGIN_THROTTLE_MAX_FAILURES = 5
    settings.LOGIN_THROTTLE_MAX_FAILURES_PER_IP = 3
    guesser = Client(REMOTE_ADDR="198.51.100.7")
    for username in ("staff", "regulator", "no-such-user"):
        assert _login(guesser, "wrong password", username=username).status_code == 200
    checked = checks.count
    assert _login(guesser, PASSWORD).status_code == 429
    assert checks.count == checked
    assert "_auth_user_id" not in guesser.session
    # The account itself is not locked: the same person from elsewhere signs in.
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert _login(elsewhere, PASSWORD).status_code == 302


def test_a_successful_sign_in_gives_the_address_its_count_back(
    officer_with_password, settings
) -> None:
    settings.LOGIN_THROTTLE_MAX_FAILURES_PER_IP = 3
    office = Client(REMOTE_ADDR="198.51.100.7")
    _login(office, "wrong password", username="staff")
    _login(office, "wrong password", username="staff")
    assert _login(office, PASSWORD).status_code == 302
    # Two failures counted, the sign-in given back: one more attempt is still checked.
    assert _login(Client(REMOTE_ADDR="198.51.100.7"), "wrong", username="staff").status_code == 200
    assert _login(Client(REMOTE_ADDR="198.51.100.7"), "wrong", username="staff").status_code == 429


def test_an_incomplete_form_is_not_counted(officer_with_password) -> None:
    response = Client().post(reverse("accounts:login"), {"username": "officer", "password": ""})
    assert response.status_code == 200
    assert not LoginThrottle.objects.exists()
    assert _events(REFUSED) == []


@pytest.mark.django_db(transaction=True)
def test_forty_parallel_guesses_at_one_account_check_only_the_limit(
    officer_with_password, checks, settings
) -> None:
    needs_postgresql("parallel sign-ins need PostgreSQL (set DATABASE_URL)")
    settings.LOGIN_THROTTLE_MAX_FAILURES = 5
    guesses = 40
    barrier = threading.Barrier(guesses)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def guess(n: int) -> None:
        try:
            # A different address each: the username's own counter is what must hold.
            client = Client(REMOTE_ADDR=f"192.0.2.{n + 1}")
            barrier.wait(timeout=30)
            statuses.append(_login(client, f"wrong password {n}").status_code)
        except BaseException as exc:  # a deadlock, an IntegrityError: the test reports it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(guesses)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a sign-in did not finish"
    assert errors == []
    assert checks.count == 5
    assert sorted(statuses) == [200] * 5 + [429] * 35

    client = Client(REMOTE_ADDR="192.0.2.200")
    assert _login(client, PASSWORD).status_code == 429
    assert checks.count == 5
    assert "_auth_user_id" not in client.session
    reasons = [e.data["reason"] for e in _events(REFUSED)]
    assert sorted(reasons) == ["invalid_login"] * 5 + ["throttled"] * 36
    assert _events(SIGNED_IN) == []
    assert audit_verify().ok
