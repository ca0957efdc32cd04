"""Data built once for a module (or class) and shared by its tests, as Django's
`TestCase.setUpTestData` does: the scope's data is written inside a transaction that is rolled
back when the scope ends, and each test runs in its own savepoint inside it (pytest-django's `db`
fixture nests its atomic block there), so whatever a test writes is gone before the next one.

Model instances held across tests are refreshed from the database before each test (see
`refreshed`), so a change a test made to one in memory does not leak into the next test either.
Not for `transactional_db` tests: they flush tables instead of rolling back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models, transaction


@contextmanager
def rolled_back(django_db_blocker: Any) -> Iterator[None]:
    """A transaction open for the whole scope, rolled back at its end (on every database
    backend: SQLite and PostgreSQL both nest the tests' atomic blocks as savepoints).

    Build the scope's data inside it under `django_db_blocker.unblock()`; the tests between
    stay blocked from the database unless they ask for `db`.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        # Like TestCase's class-level block: a durable atomic inside a test is not refused
        # because of this outer one.
        atomic._from_testcase = True  # type: ignore[attr-defined]
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def refreshed(value: Any) -> Any:
    """Every model instance in `value` (nested in dicts, lists and tuples) re-read from the
    database, in place; returns `value`."""
    if isinstance(value, models.Model):
        value.refresh_from_db()
    elif isinstance(value, dict):
        for item in value.values():
            refreshed(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            refreshed(item)
    return value
