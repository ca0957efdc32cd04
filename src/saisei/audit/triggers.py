"""SQL of the SQLite trigger that refuses DELETE on the audit table.

Kept here rather than only in the migration because the flush command needs the same text to
put the trigger back.
"""

SQLITE_NO_DELETE_CREATE = (
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
)
SQLITE_NO_DELETE_DROP = "DROP TRIGGER IF EXISTS audit_event_no_delete;"
