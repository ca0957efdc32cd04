"""A bearer token's last use is recorded at most once a minute and never fails a read.

The record is bookkeeping riding on a read: a conditional UPDATE that skips a row another
transaction holds (PostgreSQL) and gives up while another writer holds the database (SQLite's
"database is locked"), leaving it to the next request.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connections, transaction
from django.test import Client

from saisei.accounts.models import ApiToken, LoginThrottle
from saisei.accounts.services import token_create, token_touch

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def _read(secret: str) -> int:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code


def _last_used(issued) -> dt.datetime | None:
    return ApiToken.objects.get(pk=issued.token.pk).last_used_at


@pytest.mark.django_db
def test_the_last_use_is_written_at_most_once_a_minute(personas) -> None:
    issued = token_create(user=personas.officer, name="p", actor=personas.officer)
    with time_machine.travel(START, tick=False) as clock:
        assert _read(issued.secret) == 200
        assert _last_used(issued) == START
        clock.shift(dt.timedelta(seconds=59))
        assert _read(issued.secret) == 200
        assert _last_used(issued) == START  # within the minute: not written again
        clock.shift(dt.timedelta(seconds=2))
        assert _read(issued.secret) == 200
        assert _last_used(issued) == START + dt.timedelta(seconds=61)


@pytest.mark.django_db
def test_a_stale_copy_of_the_token_does_not_write_over_a_fresher_use(personas) -> None:
    issued = token_create(user=personas.officer, name="p", actor=personas.officer)
    stale = ApiToken.objects.get(pk=issued.token.pk)
    with time_machine.travel(START, tick=False):
        ApiToken.objects.filter(pk=stale.pk).update(last_used_at=START)
        # The copy still says "never used"; the row was written a moment ago by another request.
        assert token_touch(stale) is False
    assert _last_used(issued) == START


@pytest.mark.django_db(transaction=True)
def test_a_bearer_read_succeeds_while_another_writer_holds_the_database(personas) -> None:
    """Another transaction holds the token's row (PostgreSQL: FOR UPDATE) and the database's
    write lock (SQLite: a write in an open transaction). The read answers 200 at once and the
    last use is left for a later request."""
    issued = token_create(user=personas.officer, name="p", actor=personas.officer)
    holding = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                ApiToken.objects.select_for_update().get(pk=issued.token.pk)
                # Any write: a table the read itself does not touch.
                LoginThrottle.objects.create(
                    scope=LoginThrottle.Scope.USERNAME, key="held", window_started_at=START
                )
                holding.set()
                assert release.wait(timeout=30)
                transaction.set_rollback(True)
        except BaseException as exc:
            errors.append(exc)
        finally:
            holding.set()
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=30)
        assert errors == []
        assert _read(issued.secret) == 200
        assert _last_used(issued) is None
    finally:
        release.set()
        holder.join(timeout=30)
    assert errors == []
    assert _read(issued.secret) == 200
    assert _last_used(issued) is not None
