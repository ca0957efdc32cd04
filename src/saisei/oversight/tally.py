"""Keeping the duty tally (saisei.oversight.models.DutyTally): the triggers, a rebuild, a check.

Each duty that is not waived counts once in the tally, under its key: its place (the prefecture
of the institution whose organisation owes it; for a duty owed by no organisation on a
facility, the facility's prefecture; else ""), its rule, its month due, its month met (0: not
met) and whether it was met by its due date. The triggers keep that true for every way a duty,
an institution or a facility changes, raw SQL and bulk loads included:

- a duty inserted, deleted, or updated in a column of its key: its old key counts one less,
  its new key one more;
- an institution inserted, deleted, or moved to another prefecture or organisation: the duties
  of the organisations it had and has leave the place they had for the place they now have;
- a facility inserted, deleted, or moved: likewise for the duties owed by no organisation on it.

Every statement is one `INSERT … SELECT … ON CONFLICT DO UPDATE` adding a count (negative to
take one away), so that SQLite and PostgreSQL run the same statements (their triggers differ
only in how they are declared). A row left at 0 stays: it counts nothing.

The facility tally (saisei.oversight.models.FacilityTally) is kept the same way: each current
link of a plan that depends on its facilities (DEPENDENT_STATUSES, from its first submission)
counts once under (facility, the plan's institution), with the institution's prefecture beside
it. The triggers follow a link added, retired, moved or deleted; a plan that starts or stops
depending, or moves to another institution; an institution that moves (its rows take the new
prefecture). A plan names a facility at most once at a time (the constraint
`planfacility_current_once`), so links counted are plans counted.

The event tally (saisei.oversight.models.EventTally) counts each adverse event once under (its
place, its category, its month learned), its place being the prefecture of its plan's
institution once the plan has been submitted ("" before, which no event can be in practice:
one is recorded only on a filed plan). The triggers follow an event added, deleted, or changed
in its category, day learned or plan; a plan that moves to another institution (or is first
submitted); an institution that moves (its plans' events take the new prefecture).

A change of DEPENDENT_STATUSES needs a migration that calls `install` again: the triggers hold
the statuses as they were when made. `flush` empties tables in no set order, so
OversightConfig counts every tally again after it (and after `migrate`).
"""

# Every statement is built from this module's constants and column names; none holds a value.
# ruff: noqa: S608
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection as default_connection

from saisei.plans.lifecycle import IN_FORCE, PlanStatus

TALLY = "oversight_dutytally"
DUTY = "obligations_obligation"
INSTITUTION = "registry_institution"
FACILITY_TABLE = "registry_processingfacility"
FACILITY = "registry.processingfacility"
KEY = "place, rule, due_month, met_month, on_time"

FACILITY_TALLY = "oversight_facilitytally"
PLAN = "plans_plan"
LINK = "plans_planfacility"
FACILITY_KEY = "facility_id, institution_id"

EVENT_TALLY = "oversight_eventtally"
EVENT_TABLE = "reporting_adverseevent"
EVENT_KEY = "place, category, learned_month"
# Plans that still depend on their committee and facilities: in force, or suspended by order.
DEPENDENT_STATUSES: frozenset[str] = frozenset({*IN_FORCE, PlanStatus.SUSPENDED})
# The duty columns a key is made of (a change of another column leaves the tally alone).
KEYED = ("organisation_id", "subject_type", "subject_id", "rule", "due_on", "met_on", "status")


class _Dialect:
    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.pg = vendor == "postgresql"

    def month(self, column: str) -> str:
        if self.pg:
            return (
                f"(CAST(EXTRACT(YEAR FROM {column}) AS INTEGER) * 12"
                f" + CAST(EXTRACT(MONTH FROM {column}) AS INTEGER) - 1)"
            )
        return (
            f"(CAST(substr({column}, 1, 4) AS INTEGER) * 12"
            f" + CAST(substr({column}, 6, 2) AS INTEGER) - 1)"
        )

    def facility_id(self, column: str) -> str:
        """A subject id as a facility's id, or NULL where it is not a number."""
        if self.pg:
            return f"CASE WHEN {column} ~ '^[0-9]{{1,18}}$' THEN CAST({column} AS BIGINT) END"
        return (
            f"CASE WHEN {column} <> '' AND {column} NOT GLOB '*[^0-9]*' AND length({column}) <= 18"
            f" THEN CAST({column} AS INTEGER) END"
        )

    def distinct(self, a: str, b: str) -> str:
        return f"{a} IS DISTINCT FROM {b}" if self.pg else f"{a} IS NOT {b}"

    def place(self, d: str) -> str:
        """The place of duty `d` (a row alias: NEW, OLD or a table's), from the tables as they
        are now."""
        return (
            f"COALESCE((SELECT i.prefecture FROM {INSTITUTION} i"
            f" WHERE i.organisation_id = {d}.organisation_id),"
            f" (SELECT f.prefecture FROM {FACILITY_TABLE} f WHERE {d}.organisation_id IS NULL"
            f" AND {d}.subject_type = '{FACILITY}'"
            f" AND f.id = {self.facility_id(d + '.subject_id')}),"
            " '')"
        )

    def columns(self, d: str, place: str) -> str:
        return (
            f"{place}, {d}.rule, {self.month(d + '.due_on')},"
            f" COALESCE({self.month(d + '.met_on')}, 0),"
            f" CASE WHEN {d}.met_on IS NOT NULL AND {d}.met_on <= {d}.due_on THEN 1 ELSE 0 END"
        )

    @staticmethod
    def upsert(select: str) -> str:
        return (
            f"INSERT INTO {TALLY} ({KEY}, duties) {select}"
            f" ON CONFLICT ({KEY}) DO UPDATE SET duties = {TALLY}.duties + excluded.duties"
        )

    def one(self, d: str, sign: str) -> str:
        """Count duty `d` (NEW or OLD) once more (+) or once less (-)."""
        return self.upsert(
            f"SELECT {self.columns(d, self.place(d))}, {sign}1 WHERE {d}.status <> 'waived'"
        )

    def many(self, where: str, sign: str, place: str | None = None) -> str:
        """Count the duties `where` once more or once less, at `place` (an SQL expression) or
        at their place now."""
        return self.upsert(
            f"SELECT {self.columns('o', place or self.place('o'))}, {sign}COUNT(*)"
            f" FROM {DUTY} o WHERE ({where}) AND o.status <> 'waived' GROUP BY 1, 2, 3, 4, 5"
        )

    def moved(self, where: str, before: str) -> list[str]:
        """The duties `where` leave the place `before` for the place they now have."""
        return [self.many(where, "-", before), self.many(where, "")]

    def loose(self, facility: str) -> str:
        return (
            f"o.organisation_id IS NULL AND o.subject_type = '{FACILITY}'"
            f" AND o.subject_id = CAST({facility}.id AS TEXT)"
        )


def _bodies(d: _Dialect) -> dict[tuple[str, str], tuple[list[str], str]]:
    """Per (table, event): the statements of its trigger, and a WHEN condition ("" for none)."""
    duty_changed = " OR ".join(d.distinct(f"OLD.{c}", f"NEW.{c}") for c in KEYED)
    institution_changed = " OR ".join(
        d.distinct(f"OLD.{c}", f"NEW.{c}") for c in ("prefecture", "organisation_id")
    )
    of_old = "o.organisation_id = OLD.organisation_id"
    of_new = "o.organisation_id = NEW.organisation_id"
    new_org_other = f"{of_new} AND {d.distinct('NEW.organisation_id', 'OLD.organisation_id')}"
    return {
        (DUTY, "INSERT"): ([d.one("NEW", "")], ""),
        (DUTY, "DELETE"): ([d.one("OLD", "-")], ""),
        (DUTY, "UPDATE"): ([d.one("OLD", "-"), d.one("NEW", "")], duty_changed),
        # An organisation with no institution has its duties at "" (it is one-to-one).
        (INSTITUTION, "INSERT"): (d.moved(of_new, "''"), ""),
        (INSTITUTION, "DELETE"): (d.moved(of_old, "OLD.prefecture"), ""),
        (INSTITUTION, "UPDATE"): (
            [*d.moved(of_old, "OLD.prefecture"), *d.moved(new_org_other, "''")],
            institution_changed,
        ),
        (FACILITY_TABLE, "INSERT"): (d.moved(d.loose("NEW"), "''"), ""),
        (FACILITY_TABLE, "DELETE"): (d.moved(d.loose("OLD"), "COALESCE(OLD.prefecture, '')"), ""),
        (FACILITY_TABLE, "UPDATE"): (
            d.moved(d.loose("NEW"), "COALESCE(OLD.prefecture, '')"),
            d.distinct("OLD.prefecture", "NEW.prefecture"),
        ),
    }


def _dependent(p: str) -> str:
    """Whether plan `p` (a row alias) depends on its facilities."""
    statuses = ", ".join(f"'{s}'" for s in sorted(DEPENDENT_STATUSES))
    return f"{p}.first_submitted_at IS NOT NULL AND {p}.status IN ({statuses})"


def _institution_place(institution: str) -> str:
    return f"COALESCE((SELECT i.prefecture FROM {INSTITUTION} i WHERE i.id = {institution}), '')"


def _links(select: str) -> str:
    return (
        f"INSERT INTO {FACILITY_TALLY} ({FACILITY_KEY}, place, plans) {select}"
        f" ON CONFLICT ({FACILITY_KEY}) DO UPDATE"
        f" SET plans = {FACILITY_TALLY}.plans + excluded.plans"
    )


def _link(link: str, sign: str) -> str:
    """Count link `link` (NEW or OLD) once more or once less, if current and its plan depends."""
    return _links(
        f"SELECT {link}.facility_id, p.institution_id, {_institution_place('p.institution_id')},"
        f" {sign}1 FROM {PLAN} p WHERE p.id = {link}.plan_id AND {link}.is_current"
        f" AND {_dependent('p')}"
    )


def _plan_links(plan: str, sign: str) -> str:
    """Count the current links of plan `plan` (NEW or OLD) once more or once less, if it
    depends (as it was, for OLD; as it is, for NEW)."""
    return _links(
        f"SELECT pf.facility_id, {plan}.institution_id,"
        f" {_institution_place(plan + '.institution_id')}, {sign}COUNT(*) FROM {LINK} pf"
        f" WHERE pf.plan_id = {plan}.id AND pf.is_current AND {_dependent(plan)}"
        " GROUP BY pf.facility_id"
    )


def _facility_bodies(d: _Dialect) -> dict[tuple[str, str], tuple[list[str], str]]:
    link_changed = " OR ".join(
        d.distinct(f"OLD.{c}", f"NEW.{c}") for c in ("plan_id", "facility_id", "is_current")
    )
    plan_changed = " OR ".join(
        d.distinct(f"OLD.{c}", f"NEW.{c}")
        for c in ("status", "first_submitted_at", "institution_id")
    )

    def placed(institution: str, place: str) -> str:
        return f"UPDATE {FACILITY_TALLY} SET place = {place} WHERE institution_id = {institution}"

    return {
        (LINK, "INSERT"): ([_link("NEW", "")], ""),
        (LINK, "DELETE"): ([_link("OLD", "-")], ""),
        (LINK, "UPDATE"): ([_link("OLD", "-"), _link("NEW", "")], link_changed),
        (PLAN, "INSERT"): ([_plan_links("NEW", "")], ""),
        (PLAN, "DELETE"): ([_plan_links("OLD", "-")], ""),
        (PLAN, "UPDATE"): ([_plan_links("OLD", "-"), _plan_links("NEW", "")], plan_changed),
        (INSTITUTION, "INSERT"): ([placed("NEW.id", "NEW.prefecture")], ""),
        (INSTITUTION, "DELETE"): ([placed("OLD.id", "''")], ""),
        (INSTITUTION, "UPDATE"): (
            [placed("NEW.id", "NEW.prefecture")],
            d.distinct("OLD.prefecture", "NEW.prefecture"),
        ),
    }


def _plan_place(plan: str) -> str:
    """The place of the events of plan `plan` (a row alias): its institution's prefecture once
    it has been submitted, else ""."""
    return (
        f"COALESCE((SELECT i.prefecture FROM {INSTITUTION} i WHERE i.id = {plan}.institution_id"
        f" AND {plan}.first_submitted_at IS NOT NULL), '')"
    )


def _events(select: str) -> str:
    return (
        f"INSERT INTO {EVENT_TALLY} ({EVENT_KEY}, events) {select}"
        f" ON CONFLICT ({EVENT_KEY}) DO UPDATE SET events = {EVENT_TALLY}.events + excluded.events"
    )


def _event_bodies(d: _Dialect) -> dict[tuple[str, str], tuple[list[str], str]]:
    def one(e: str, sign: str) -> str:
        """Count event `e` (NEW or OLD) once more or once less, at its plan's place now."""
        return _events(
            f"SELECT {_plan_place('p')}, {e}.category, {d.month(e + '.learned_on')}, {sign}1"
            f" FROM {PLAN} p WHERE p.id = {e}.plan_id"
        )

    def of_plan(plan: str, place: str, sign: str) -> str:
        """Count the events of plan `plan` once more or once less, at `place`."""
        return _events(
            f"SELECT {place}, e.category, {d.month('e.learned_on')}, {sign}COUNT(*)"
            f" FROM {EVENT_TABLE} e WHERE e.plan_id = {plan}.id GROUP BY 1, 2, 3"
        )

    def of_institution(institution: str, place: str, sign: str) -> str:
        """Count the events of the submitted plans of `institution` once more or less, at
        `place`."""
        return _events(
            f"SELECT {place}, e.category, {d.month('e.learned_on')}, {sign}COUNT(*)"
            f" FROM {EVENT_TABLE} e JOIN {PLAN} p ON p.id = e.plan_id"
            f" WHERE p.institution_id = {institution}.id AND p.first_submitted_at IS NOT NULL"
            " GROUP BY 1, 2, 3"
        )

    event_changed = " OR ".join(
        d.distinct(f"OLD.{c}", f"NEW.{c}") for c in ("category", "learned_on", "plan_id")
    )
    plan_changed = " OR ".join(
        d.distinct(f"OLD.{c}", f"NEW.{c}") for c in ("institution_id", "first_submitted_at")
    )
    old_place = (
        f"COALESCE((SELECT i.prefecture FROM {INSTITUTION} i WHERE i.id = OLD.institution_id"
        " AND OLD.first_submitted_at IS NOT NULL), '')"
    )
    return {
        (EVENT_TABLE, "INSERT"): ([one("NEW", "")], ""),
        (EVENT_TABLE, "DELETE"): ([one("OLD", "-")], ""),
        (EVENT_TABLE, "UPDATE"): ([one("OLD", "-"), one("NEW", "")], event_changed),
        # A plan is deleted only without events (PROTECT), and inserted without them.
        (PLAN, "UPDATE"): (
            [of_plan("NEW", old_place, "-"), of_plan("NEW", _plan_place("NEW"), "")],
            plan_changed,
        ),
        (INSTITUTION, "UPDATE"): (
            [
                of_institution("NEW", "OLD.prefecture", "-"),
                of_institution("NEW", "NEW.prefecture", ""),
            ],
            d.distinct("OLD.prefecture", "NEW.prefecture"),
        ),
    }


# The tallies, by the table each fills: a part of install, rebuild, check.
DUTIES, FACILITIES, EVENTS = TALLY, FACILITY_TALLY, EVENT_TALLY
PARTS = (DUTIES, FACILITIES, EVENTS)


def _triggers(d: _Dialect, parts: tuple[str, ...]) -> dict[str, tuple[str, str, list[str], str]]:
    """Every trigger of `parts` by name: its table, event, statements and WHEN condition."""
    out = {}
    for part, prefix, bodies in (
        (DUTIES, "tally", _bodies),
        (FACILITIES, "facilities", _facility_bodies),
        (EVENTS, "events", _event_bodies),
    ):
        if part not in parts:
            continue
        for (table, event), (statements, when) in bodies(d).items():
            out[f"oversight_{prefix}_{table}_{event.lower()}"] = (table, event, statements, when)
    return out


def create_sql(vendor: str, parts: tuple[str, ...] = PARTS) -> list[str]:
    d = _Dialect(vendor)
    out: list[str] = []
    for name, (table, event, statements, when) in _triggers(d, parts).items():
        if d.pg:
            body = ";\n  ".join(statements)
            out.append(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n  {body};\n  RETURN NULL;\nEND $$"
            )
            condition = f" WHEN ({when})" if when else ""
            out.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{condition}"
                f" EXECUTE FUNCTION {name}()"
            )
        else:
            condition = f" WHEN {when}" if when else ""
            body = ";\n  ".join(statements)
            out.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{condition}\n"
                f"BEGIN\n  {body};\nEND"
            )
    return out


def drop_sql(vendor: str, parts: tuple[str, ...] = PARTS) -> list[str]:
    d = _Dialect(vendor)
    out = []
    for name, (table, _event, _statements, _when) in _triggers(d, parts).items():
        out.append(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if d.pg else ""))
        if d.pg:
            out.append(f"DROP FUNCTION IF EXISTS {name}()")
    return out


def _count_sql(d: _Dialect) -> str:
    """Every duty that is not waived, counted by its key (joins, not a lookup per duty)."""
    place = "COALESCE(i.prefecture, f.prefecture, '')"
    return (
        f"SELECT {d.columns('o', place)}, COUNT(*) FROM {DUTY} o"
        f" LEFT JOIN {INSTITUTION} i ON i.organisation_id = o.organisation_id"
        f" LEFT JOIN {FACILITY_TABLE} f ON o.organisation_id IS NULL"
        f" AND o.subject_type = '{FACILITY}' AND f.id = {d.facility_id('o.subject_id')}"
        " WHERE o.status <> 'waived' GROUP BY 1, 2, 3, 4, 5"
    )


def _run(statements: list[str], connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: Any = None, parts: tuple[str, ...] = PARTS) -> None:
    """Create the triggers and count again (a migration's step, and the rebuild's)."""
    connection = connection or default_connection
    _run([*drop_sql(connection.vendor, parts), *create_sql(connection.vendor, parts)], connection)
    rebuild(connection, parts)


def uninstall(connection: Any = None, parts: tuple[str, ...] = PARTS) -> None:
    connection = connection or default_connection
    _run(drop_sql(connection.vendor, parts), connection)


_FACILITY_COUNT = (
    f"SELECT pf.facility_id, p.institution_id, COALESCE(i.prefecture, ''), COUNT(*)"
    f" FROM {LINK} pf JOIN {PLAN} p ON p.id = pf.plan_id"
    f" LEFT JOIN {INSTITUTION} i ON i.id = p.institution_id"
    f" WHERE pf.is_current AND {_dependent('p')} GROUP BY 1, 2, 3"
)


def _event_count_sql(d: _Dialect) -> str:
    """Every adverse event counted by its key (a join, not a lookup per event)."""
    return (
        f"SELECT CASE WHEN p.first_submitted_at IS NOT NULL THEN COALESCE(i.prefecture, '')"
        f" ELSE '' END, e.category, {d.month('e.learned_on')}, COUNT(*) FROM {EVENT_TABLE} e"
        f" JOIN {PLAN} p ON p.id = e.plan_id LEFT JOIN {INSTITUTION} i ON i.id = p.institution_id"
        " GROUP BY 1, 2, 3"
    )


def rebuild(connection: Any = None, parts: tuple[str, ...] = PARTS) -> dict[str, int]:
    """Count the duties, the facilities' dependent plans and the adverse events again (`parts`
    of them); the number of rows of each tally counted."""
    connection = connection or default_connection
    d = _Dialect(connection.vendor)
    counts = {
        DUTIES: f"INSERT INTO {TALLY} ({KEY}, duties) {_count_sql(d)}",
        FACILITIES: (
            f"INSERT INTO {FACILITY_TALLY} ({FACILITY_KEY}, place, plans) {_FACILITY_COUNT}"
        ),
        EVENTS: f"INSERT INTO {EVENT_TALLY} ({EVENT_KEY}, events) {_event_count_sql(d)}",
    }
    out = {}
    with connection.cursor() as cursor:
        for part in parts:
            cursor.execute(f"DELETE FROM {part}")
            cursor.execute(counts[part])
            cursor.execute(f"SELECT COUNT(*) FROM {part}")
            out[part] = int(cursor.fetchone()[0])
    return out


Key = tuple[str, str, int, int, int]


def differences(connection: Any = None) -> dict[Key, tuple[int, int]]:
    """Where the tally and a count of the duties themselves differ: key → (tally, duties)."""
    connection = connection or default_connection
    d = _Dialect(connection.vendor)

    def read(sql: str) -> dict[Key, int]:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return {tuple(row[:5]): int(row[5]) for row in cursor.fetchall() if row[5]}

    kept = read(f"SELECT {KEY}, duties FROM {TALLY}")
    counted = read(_count_sql(d))
    return {
        key: (kept.get(key, 0), counted.get(key, 0))
        for key in kept.keys() | counted.keys()
        if kept.get(key, 0) != counted.get(key, 0)
    }


FacilityKey = tuple[int, int, str]


def facility_differences(connection: Any = None) -> dict[FacilityKey, tuple[int, int]]:
    """Where the facility tally and a count of the links themselves differ:
    (facility, institution, place) → (tally, links)."""
    connection = connection or default_connection

    def read(sql: str) -> dict[FacilityKey, int]:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return {(int(r[0]), int(r[1]), r[2]): int(r[3]) for r in cursor.fetchall() if r[3]}

    kept = read(f"SELECT {FACILITY_KEY}, place, plans FROM {FACILITY_TALLY}")
    counted = read(_FACILITY_COUNT)
    return {
        key: (kept.get(key, 0), counted.get(key, 0))
        for key in kept.keys() | counted.keys()
        if kept.get(key, 0) != counted.get(key, 0)
    }


EventKey = tuple[str, str, int]


def event_differences(connection: Any = None) -> dict[EventKey, tuple[int, int]]:
    """Where the event tally and a count of the adverse events themselves differ:
    (place, category, month learned) → (tally, events)."""
    connection = connection or default_connection
    d = _Dialect(connection.vendor)

    def read(sql: str) -> dict[EventKey, int]:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return {(r[0], r[1], int(r[2])): int(r[3]) for r in cursor.fetchall() if r[3]}

    kept = read(f"SELECT {EVENT_KEY}, events FROM {EVENT_TALLY}")
    counted = read(_event_count_sql(d))
    return {
        key: (kept.get(key, 0), counted.get(key, 0))
        for key in kept.keys() | counted.keys()
        if kept.get(key, 0) != counted.get(key, 0)
    }


def migration_step(forward: bool, parts: tuple[str, ...]) -> Callable[[Any, Any], None]:
    def step(apps: Any, schema_editor: Any) -> None:
        (install if forward else uninstall)(schema_editor.connection, parts)

    return step
