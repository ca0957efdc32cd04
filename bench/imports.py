"""The CSV import of 20,000 treatments, against raw `executemany` of the same rows.

Runs on a throwaway database made the way the test runner makes one (`test_…` on PostgreSQL
when DATABASE_URL names it; otherwise an SQLite file in a temporary directory, in WAL mode as
the app runs it), loaded with the demo data; nothing touches the configured database.

Timed, each on the same 20,000 rows:
- the floor: one transaction with one `executemany` INSERT of the rows, as a hand-written
  loader would do it (then rolled back);
- the import as the API runs it, end to end: reading and checking every row with no
  transaction open (`treatments_import_check`), then the short write transaction with the
  bulk insert and its audit event (`treatments_import_write`).
The write transaction is what holds SQLite's write lock, so it has its own target.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta

ROWS = 20_000
# Targets, as multiples of the raw executemany of the same rows in the same run.
IMPORT_TARGET_RATIO = 12.0  # the whole import: parse, validate, write, audit
WRITE_TARGET_RATIO = 8.0  # the write transaction alone (the time the write lock is held)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saisei.config.settings")
    import django
    from django.conf import settings

    django.setup()
    # As in production: no query log kept in memory for every statement.
    settings.DEBUG = False


def _ratio_line(label: str, seconds: float, floor: float, target: float) -> bool:
    ratio = seconds / floor if floor > 0 else float("inf")
    ok = ratio <= target
    verdict = "ok" if ok else "TOO SLOW"
    print(
        f"{label:<55} {ROWS:>7} in {seconds:6.2f}s "
        f"({ratio:5.1f}x the floor; target {target:.0f}x) {verdict}"
    )
    return ok


def _best_of(times: int, work: Callable[[], float]) -> float:
    return min(work() for _ in range(times))


def bench_imports() -> list[bool]:
    _setup_django()
    from django.db import connection

    tmp = tempfile.TemporaryDirectory(prefix="saisei-bench-")
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = os.path.join(tmp.name, "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
        return _run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        tmp.cleanup()


def _run() -> list[bool]:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from saisei.accounts.models import User
    from saisei.core.time import legal_today
    from saisei.plans.models import Plan
    from saisei.reporting.models import Treatment
    from saisei.reporting.services import treatments_import_check, treatments_import_write

    call_command("demo", quiet=True, stdout=io.StringIO())
    plan = Plan.objects.get(plan_number="DEMO-R001")
    staff = User.objects.get(username="staff")
    facility = plan.plan_facilities.get(is_current=True).facility
    today = legal_today()
    start = plan.provision_allowed_from
    assert start is not None
    span = (today - start).days
    rows = [
        (f"BN-{n:06d}", start + timedelta(days=n % span), f"LOT-{n % 97:03d}") for n in range(ROWS)
    ]
    csv_bytes = (
        "patient_code,treated_on,facility_number,lot\n"
        + "".join(f"{code},{day.isoformat()},{facility.number},{lot}\n" for code, day, lot in rows)
    ).encode()

    table = Treatment._meta.db_table
    sql = (
        f"INSERT INTO {table} (plan_id, patient_code, treated_on, facility_id, lot, "
        "recorded_by_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )

    def raw() -> float:
        now = timezone.now()
        params = [(plan.pk, code, day, facility.pk, lot, staff.pk, now) for code, day, lot in rows]
        began = time.perf_counter()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.executemany(sql, params)
            elapsed = time.perf_counter() - began
            transaction.set_rollback(True)
        return elapsed

    best: dict[str, float] = {}

    def imported() -> float:
        began = time.perf_counter()
        batch = treatments_import_check(plan=plan, source=csv_bytes, actor=staff, today=today)
        checked = time.perf_counter()
        result = treatments_import_write(batch=batch)
        done = time.perf_counter()
        assert result.created == ROWS
        Treatment.objects.filter(plan=plan, patient_code__startswith="BN-").delete()
        if not best or done - began < best["total"]:
            best.update(check=checked - began, write=done - checked, total=done - began)
        return done - began

    floor = _best_of(3, raw)
    _best_of(3, imported)
    timings = best
    floor_label = f"floor: raw executemany of {ROWS:,} treatments ({connection.vendor})"
    print(f"{floor_label:<55} {ROWS:>7} in {floor:6.2f}s")
    check_label = "  import: reading and checking, no transaction open"
    print(f"{check_label:<55} {ROWS:>7} in {timings['check']:6.2f}s")
    return [
        _ratio_line(
            "  import: write transaction (bulk insert + audit)",
            timings["write"],
            floor,
            WRITE_TARGET_RATIO,
        ),
        _ratio_line(
            f"import {ROWS:,} treatments from CSV, end to end",
            timings["total"],
            floor,
            IMPORT_TARGET_RATIO,
        ),
    ]
