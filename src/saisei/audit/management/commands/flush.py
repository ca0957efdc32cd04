"""`flush` that still works on SQLite now that the audit table refuses DELETE.

Emptying the whole database is the one operation that may remove audit events: Django's test
runner does it between transactional tests, and on PostgreSQL it does so with TRUNCATE, which
the row trigger does not see. On SQLite the flush is DELETE, so the refusing trigger is lifted
inside the flush's own transaction and created again before it commits: no other statement can
ever see the table without it. A flushed database no longer matches its audit checkpoints, and
`saisei audit verify` says so.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from saisei.audit.triggers import SQLITE_NO_DELETE_CREATE, SQLITE_NO_DELETE_DROP


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        if options["interactive"]:
            # Asked before the transaction opens: SQLite's write lock must not wait on a person.
            name = connection.settings_dict["NAME"]
            confirm = input(
                "You have requested a flush of the database.\n"
                f'This will IRREVERSIBLY DESTROY all data currently in the "{name}" database,\n'
                "the audit log included, and return each table to an empty state.\n"
                "Are you sure you want to do this?\n\n"
                "    Type 'yes' to continue, or 'no' to cancel: "
            )
            if confirm != "yes":
                self.stdout.write("Flush cancelled.")
                return
            options = {**options, "interactive": False}
        with transaction.atomic(using=options["database"]):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                    ["audit_event_no_delete"],
                )
                guarded = cursor.fetchone() is not None
                if guarded:
                    cursor.execute(SQLITE_NO_DELETE_DROP)
            super().handle(**options)
            if guarded:
                with connection.cursor() as cursor:
                    cursor.execute(SQLITE_NO_DELETE_CREATE)
