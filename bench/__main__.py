"""`make bench` (`python -m bench`): Saisei's hot paths on a national data set, beside floors.

    python -m bench [--scale S] [--seed N] [--explain] [--json FILE] [--only TEXT]
                    [--no-growth] [--reuse DIR] [--report-only]

Generates a national-scale data set (bench/national: scale 1 is Japan, 10,000 plans, 2M
treatments, 6M outcomes) into a throwaway database (an SQLite file in a temporary directory; a
new database on the PostgreSQL server DATABASE_URL names, dropped afterwards), times every hot
path registered in bench/paths beside its floor, and prints one table (and the same as JSON
with --json). With growth on (the default) it first runs everything at a third of the scale,
so that the table can show how each cost grows from 1x to 3x: page reads may not grow, whole-
data jobs at most linearly. A target missed exits 1 (--report-only prints and exits 0).
--explain prints each hot path's query plan (EXPLAIN QUERY PLAN / EXPLAIN).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import importlib
import json
import logging
import os
import pkgutil
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

SEED = 20261201


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = Japan's data (default 1)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--explain", action="store_true", help="print each hot path's query plan")
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--only", action="append", default=[], help="measures whose name has this")
    parser.add_argument(
        "--no-growth", action="store_true", help="skip the run at a third of the scale"
    )
    parser.add_argument(
        "--reuse", type=Path, help="SQLite: keep generated data sets here and reuse them"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="exit 0 even when a target is missed"
    )
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 10:
        parser.error("--scale must be above 0 and at most 10")
    return args


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saisei.config.settings")
    import django
    from django.conf import settings

    django.setup()
    # As in production: no query log kept in memory for every statement.
    settings.DEBUG = False
    # The bare page is a 404 by design: not a warning worth a log line per request.
    logging.getLogger("django.request").setLevel(logging.ERROR)


def _generator_digest() -> str:
    """Changes when the generator does, so that a reused data set is never a stale one."""
    digest = hashlib.sha256()
    for path in sorted((Path(__file__).parent / "national").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


@contextmanager
def throwaway_database(scale: float, seed: int, today: date, reuse: Path | None) -> Iterator[Any]:
    """A fresh database holding the generated data set at `scale`; gone afterwards."""
    from django.core.management import call_command
    from django.db import connection

    from bench.national.generate import generate

    started = time.perf_counter()
    if connection.vendor == "sqlite":
        tmp = tempfile.mkdtemp(prefix="saisei-bench-")
        path = os.path.join(tmp, "bench.sqlite3")
        cached = None
        if reuse is not None:
            reuse.mkdir(parents=True, exist_ok=True)
            cached = reuse / f"national-{scale:.3g}x-{seed}-{today}-{_generator_digest()}.sqlite3"
        connection.close()
        original = connection.settings_dict["NAME"]
        if cached is not None and cached.exists():
            shutil.copyfile(cached, path)
            print(f"reusing {cached}")
        connection.settings_dict["NAME"] = path
        try:
            call_command("migrate", verbosity=0)
            _analyze()
            if cached is None or not cached.exists():
                generated = generate(scale=scale, seed=seed, today=today, log=print)
                _save_sample(generated)
                if cached is not None:
                    with connection.cursor() as cursor:
                        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    connection.close()
                    shutil.copyfile(path, cached)
            print(f"data set ready in {time.perf_counter() - started:.0f} s (SQLite {path})")
            yield _load_sample()
        finally:
            connection.close()
            connection.settings_dict["NAME"] = original
            shutil.rmtree(tmp, ignore_errors=True)
        return
    name = f"saisei_bench_{os.getpid()}"
    # With --reuse, the generated set stays on the server as a template database; a later run
    # copies it (CREATE DATABASE ... TEMPLATE, a file copy) instead of generating it again.
    template = None
    if reuse is not None:
        key = f"{scale:g}x_{seed}_{today:%Y%m%d}_{_generator_digest()}".replace(".", "_")
        template = f"saisei_bench_cache_{key}"
    original = connection.settings_dict["NAME"]

    def admin(*statements: str) -> bool:
        """Run statements on the server's own database; whether the template exists."""
        connection.close()
        connection.settings_dict["NAME"] = original
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template or ""])
            found = cursor.fetchone() is not None
        connection.close()
        return found

    cached = admin(f'DROP DATABASE IF EXISTS "{name}"')
    if cached:
        admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        print(f"reusing the template database {template}")
    else:
        admin(f'CREATE DATABASE "{name}"')
    connection.settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0)
        _analyze()
        if not cached:
            _save_sample(generate(scale=scale, seed=seed, today=today, log=print))
            _analyze()
            if template is not None:
                admin(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
                connection.settings_dict["NAME"] = name
        print(f"data set ready in {time.perf_counter() - started:.0f} s (PostgreSQL {name})")
        yield _load_sample()
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}"')


def _analyze() -> None:
    """Statistics for the planner after the migrations, as a running database has them (a
    migration that rebuilt a column, such as a generated one, leaves it with none, and
    PostgreSQL then guesses a third of the table for any range on it); on PostgreSQL also the
    visibility map autovacuum keeps on a running server, without which a query answered from an
    index alone (verify's screen) still reads every row it finds there."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# The generated set's named rows live in the database itself, so that a reused file carries them.
_SAMPLE_TABLE = "bench_sample"


def _save_sample(generated: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {_SAMPLE_TABLE} (body TEXT NOT NULL)")
        cursor.execute(
            f"INSERT INTO {_SAMPLE_TABLE} (body) VALUES (%s)",
            [
                json.dumps(
                    {
                        "counts": generated.counts,
                        "sample": generated.sample,
                        "users": generated.users,
                    }
                )
            ],
        )


def _load_sample() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {_SAMPLE_TABLE}")
        return json.loads(cursor.fetchone()[0])


def _load_measures(only: list[str]) -> list[Any]:
    import bench.paths
    from bench.harness import MEASURES

    for module in sorted(pkgutil.iter_modules(bench.paths.__path__), key=lambda m: m.name):
        importlib.import_module(f"bench.paths.{module.name}")
    if only:
        return [m for m in MEASURES if any(text in m.name for text in only)]
    return list(MEASURES)


def _run_all(
    measures: list[Any], data: dict[str, Any], scale: float, today: date, explain: bool
) -> list[Any]:
    from bench.harness import Context, compare_same, measure

    ctx = Context(scale=scale, today=today, users=data["users"], sample=data["sample"])
    # As the app server does once a worker has loaded Django (saisei.config.gunicorn).
    gc.freeze()
    results = []
    for m in measures:
        try:
            result = measure(m, ctx)
        except Exception as exc:
            from bench.harness import Result

            result = Result(m.name, m.kind, scale, 0, 0, None, None, None, None, None, area=m.area)
            result.misses.append(f"failed: {type(exc).__name__}: {exc}"[:300])
        results.append(result)
        print(
            f"  {result.name}: {result.median_ms:.2f} ms"
            + ("" if result.ok else f"  {result.misses}"),
            flush=True,
        )
        if explain and m.explain is not None:
            _explain(m, ctx)
    compare_same(results, measures)
    return results


def _explain(m: Any, ctx: Any) -> None:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    for sql, params in m.explain(ctx):
        print(f"    -- {m.name}\n    {sql}")
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            for row in cursor.fetchall():
                print("      " + " ".join(str(col) for col in row))


def _machine() -> dict[str, Any]:
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        db_version = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "python": platform.python_version(),
        "database": f"{connection.vendor} {db_version}",
        "os": platform.platform(),
    }


def main(argv: list[str]) -> int:
    args = _args(argv)
    _setup_django()
    from bench.harness import compare_growth, table
    from saisei.core.time import legal_today

    today = legal_today()
    measures = _load_measures(args.only)
    scales = [args.scale] if args.no_growth else [args.scale / 3, args.scale]
    runs: list[list[Any]] = []
    machine: dict[str, Any] = {}
    counts: dict[str, Any] = {}
    for scale in scales:
        print(
            f"\n== generating the national data set at {scale:.3g}x (seed {args.seed})", flush=True
        )
        with throwaway_database(scale, args.seed, today, args.reuse) as data:
            counts[f"{scale:g}"] = data["counts"]
            print(", ".join(f"{k} {v:,}" for k, v in data["counts"].items()))
            machine = machine or _machine()
            print(f"== timing {len(measures)} hot paths at {scale:.3g}x", flush=True)
            runs.append(
                _run_all(measures, data, scale, today, args.explain and scale == args.scale)
            )
    final = runs[-1]
    growth = compare_growth(runs[0], final) if len(runs) == 2 else []
    print()
    print(
        f"machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB; "
        f"Python {machine['python']}; {machine['database']}"
    )
    if len(runs) == 2:
        print(f"\nat {scales[0]:.3g}x")
        print(table(runs[0]))
        print(f"\nat {scales[1]:.3g}x")
    print(table(final))
    if growth:
        print(
            f"\ngrowth from {scales[0]:.3g}x to {scales[1]:.3g}x (a page read may not grow, "
            "beyond noise and what its floor grows; a whole-data job at most linearly)"
        )
        for row in growth:
            floor = f"floor {row['floor_growth']:5.2f}x" if row["floor_growth"] else " " * 12
            print(
                f"  {row['name'][:52]:<52} {row['from_ms']:9.2f} -> {row['to_ms']:9.2f} ms  "
                f"{row['growth']:5.2f}x  {floor}  (limit {row['limit']:.2f}x) "
                f"{'ok' if row['ok'] else 'MISSED'}"
            )
    missed = [r for r in final if not r.ok]
    print(
        f"\n{len(final) - len(missed)} of {len(final)} targets met"
        + (": MISSED " + ", ".join(r.name for r in missed) if missed else "")
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "scale": args.scale,
                    "seed": args.seed,
                    "today": today.isoformat(),
                    "machine": machine,
                    "counts": counts,
                    "results": [r.__dict__ | {"ok": r.ok} for run in runs for r in run],
                    "growth": growth,
                },
                indent=2,
                ensure_ascii=False,
                default=str,
            )
        )
        print(f"results written to {args.json}")
    return 0 if args.report_only or not missed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
