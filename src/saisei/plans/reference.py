"""The real sample of MHLW's public list of filed plans that Saisei ships, loaded by
`saisei load-reference` (a copy, byte for byte, of ../shared/reference/: see data/README.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from saisei.plans.services.public_list import DEFAULT_SOURCE, public_plans_import

SAMPLE = Path(__file__).parent / "data" / "mhlw_published_plans_sample.tsv"
# "As published in September 2026" (the shared reference's README); the day is not known.
SAMPLE_LISTED_ON = date(2026, 9, 1)


def load() -> str:
    summary = public_plans_import(
        data=SAMPLE.read_bytes(),
        file_name=SAMPLE.name,
        listed_on=SAMPLE_LISTED_ON,
        listed_precision="month",
        source=DEFAULT_SOURCE,
        actor=None,
        system="load-reference",
    )
    if summary.already_imported:
        return f"MHLW's list of filed plans ({SAMPLE.name}): already loaded"
    return (
        f"MHLW's list of filed plans ({SAMPLE.name}, September 2026): {summary.rows} plans, "
        f"{summary.institutions_new} institutions registered from it, "
        f"{summary.institutions_matched} matched"
    )
