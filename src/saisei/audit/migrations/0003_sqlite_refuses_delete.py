"""Refuse DELETE of audit events on SQLite too (PostgreSQL's trigger of 0002 already does).

Django's test flush empties SQLite tables with DELETE; `saisei flush` (saisei.audit's own
flush command) lifts this trigger inside the flush's transaction and puts it back before it
commits, so emptying the whole database still works and nothing else can delete an event.

SQLite drops a table's triggers when Django's schema editor rebuilds the table, so a future
migration that alters audit_auditevent must create both triggers again (see triggers.py).
"""

from django.db import migrations

from saisei.audit.triggers import SQLITE_NO_DELETE_CREATE, SQLITE_NO_DELETE_DROP


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_DELETE_CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_DELETE_DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(create, drop)]
