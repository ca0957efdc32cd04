"""`make bench`: time the law engine over a national-scale workload, and a large CSV import.

domain.md §1.10 plans for at least 10,000 plans nationally; every screen and every obligation
sweep asks saisei.law, so classifying every plan and computing every plan's yearly due dates
must take seconds, not minutes. A clinic imports a year of treatments at once (up to 20,000
rows), and the import must neither take minutes nor hold the database's write lock while it
reads the file. Targets are printed beside each timing; a miss exits non-zero. The import's
targets are ratios to a floor timed in the same run on the same database (raw `executemany`
of the same rows), so they hold on a slow machine as on a fast one.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

PLANS = 10_000


def _answers(rng: random.Random) -> dict[str, Any]:
    cells = None
    if rng.random() > 0.05:
        cells = {
            "species": rng.choice(["human", "human", "human", "animal"]),
            "source": rng.choice(["autologous", "autologous", "allogeneic"]),
            "kind": rng.choice(["es", "ips", "somatic_stem", "somatic", "somatic"]),
            "gene_modified": rng.random() < 0.05,
            "cultured": rng.random() < 0.5,
            "reconstructive": rng.random() < 0.3,
            "homologous": rng.random() < 0.5,
        }
    day = date(2014, 11, 25) + timedelta(days=rng.randrange(0, 4400))
    return {
        "date": day.isoformat(),
        "purpose": rng.choice(["treatment", "treatment", "prevention", "reconstruction", "other"]),
        "excluded_practice": rng.choice([None] * 20 + ["transfusion", "hsc_transplant"]),
        "pmd_act_clinical_trial": rng.random() < 0.02,
        "approved_product_on_label": rng.random() < 0.02,
        "nucleic_acids_in_vivo": rng.random() < 0.03,
        "cells": cells,
    }


def _timed(label: str, target_seconds: float, work: Callable[[], int]) -> bool:
    start = time.perf_counter()
    count = work()
    elapsed = time.perf_counter() - start
    ok = elapsed <= target_seconds
    verdict = "ok" if ok else "TOO SLOW"
    print(
        f"{label:<55} {count:>7} in {elapsed:6.2f}s "
        f"({elapsed / max(count, 1) * 1e6:7.1f} µs each; target {target_seconds:.0f}s) {verdict}"
    )
    return ok


def main() -> int:
    from saisei.law import ClassificationAnswers, classify, due_date

    rng = random.Random(20261125)
    inputs = [ClassificationAnswers.from_mapping(_answers(rng)) for _ in range(PLANS)]
    filed = [date(2015, 1, 1) + timedelta(days=rng.randrange(0, 4000)) for _ in range(PLANS)]

    def classify_all() -> int:
        for answers in inputs:
            classify(answers)
        return len(inputs)

    def periodic_all() -> int:
        n = 0
        for day in filed:
            for period in range(1, 11):
                due_date("periodic_report", day, period=period)
                n += 1
        return n

    def ae_all() -> int:
        for day in filed:
            due_date("ae_death", day)
            due_date("ae_serious", day)
        return 2 * len(filed)

    results = [
        _timed(f"classify {PLANS:,} plans", 5, classify_all),
        _timed(f"periodic-report due dates, 10 years x {PLANS:,} plans", 10, periodic_all),
        _timed(f"adverse-event due dates for {PLANS:,} events (two rules)", 5, ae_all),
    ]
    from bench.imports import bench_imports

    results.extend(bench_imports())
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
