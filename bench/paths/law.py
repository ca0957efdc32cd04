"""The law engine alone, over a national workload (no database).

Every screen and every obligation sweep asks saisei.law, so classifying every plan in the
country and computing each plan's yearly due dates must take seconds, not minutes.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from bench.harness import JOB, Context, Measure, register


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


def _inputs(ctx: Context) -> tuple[list[Any], list[date]]:
    if "law.inputs" not in ctx.store:
        from saisei.law import ClassificationAnswers

        plans = max(1, round(10_000 * ctx.scale))
        rng = random.Random(20261125)
        answers = [ClassificationAnswers.from_mapping(_answers(rng)) for _ in range(plans)]
        filed = [date(2015, 1, 1) + timedelta(days=rng.randrange(0, 4000)) for _ in range(plans)]
        ctx.store["law.inputs"] = (answers, filed)
    return ctx.store["law.inputs"]


def classify_all(ctx: Context) -> None:
    from saisei.law import classify

    for answers in _inputs(ctx)[0]:
        classify(answers)


def periodic_all(ctx: Context) -> None:
    from saisei.law import due_date

    for day in _inputs(ctx)[1]:
        for period in range(1, 11):
            due_date("periodic_report", day, period=period)


def ae_all(ctx: Context) -> None:
    from saisei.law import due_date

    for day in _inputs(ctx)[1]:
        due_date("ae_death", day)
        due_date("ae_serious", day)


# Seconds per 10,000 plans (scaled with the data set); the median of three runs, as one run
# alone is at the mercy of whatever else the machine does for a second.
register(
    Measure(
        "law: classify every plan",
        JOB,
        classify_all,
        seconds=5,
        seconds_per_scale=True,
        repeat=3,
        area="law",
    ),
    Measure(
        "law: periodic due dates, 10 years of every plan",
        JOB,
        periodic_all,
        seconds=10,
        seconds_per_scale=True,
        repeat=3,
        area="law",
    ),
    Measure(
        "law: adverse-event due dates, two rules per plan",
        JOB,
        ae_all,
        seconds=5,
        seconds_per_scale=True,
        repeat=3,
        area="law",
    ),
)
