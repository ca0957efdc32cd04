"""The real samples of MHLW's public lists that Saisei ships, loaded by `saisei load-reference`
(copies, byte for byte, of ../shared/reference/: see data/README.md)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from saisei.plans.models import PublicList, PublicListKind
from saisei.plans.services.public_list import (
    DEFAULT_COMMITTEE_SOURCE,
    DEFAULT_SOURCE,
    public_committees_import,
    public_plans_import,
)

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "mhlw_published_plans_sample.tsv"
COMMITTEES_SAMPLE = DATA / "mhlw_committees_sample.tsv"
# "As published in September 2026" (the shared reference's README); the day is not known. The
# committees' sample gives no date of its own: it is loaded as of the same month.
SAMPLE_LISTED_ON = date(2026, 9, 1)


def _other_list(kind: str, path: Path) -> bool:
    """Whether a list of this kind other than the sample was imported: the sample (a slice of
    thirty rows) is then not loaded over it, where it would mark the rest as no longer
    listed, or be refused as older."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return PublicList.objects.filter(kind=kind).exclude(sha256=digest).exists()


def load() -> str:
    said = []
    if _other_list(PublicListKind.PLANS, SAMPLE) or _other_list(
        PublicListKind.COMMITTEES, COMMITTEES_SAMPLE
    ):
        return "MHLW's public lists: a real list was imported; the samples are not loaded over it"
    plans = public_plans_import(
        data=SAMPLE.read_bytes(),
        file_name=SAMPLE.name,
        listed_on=SAMPLE_LISTED_ON,
        listed_precision="month",
        source=DEFAULT_SOURCE,
        actor=None,
        system="load-reference",
    )
    committees = public_committees_import(
        data=COMMITTEES_SAMPLE.read_bytes(),
        file_name=COMMITTEES_SAMPLE.name,
        listed_on=SAMPLE_LISTED_ON,
        listed_precision="month",
        source=DEFAULT_COMMITTEE_SOURCE,
        actor=None,
        system="load-reference",
    )
    if plans.already_imported:
        said.append(f"{SAMPLE.name} already loaded")
    else:
        said.append(
            f"{SAMPLE.name} (September 2026): {plans.rows} plans, "
            f"{plans.institutions_new} institutions registered from it, "
            f"{plans.institutions_matched} matched"
        )
    if committees.already_imported:
        said.append(f"{COMMITTEES_SAMPLE.name} already loaded")
    else:
        said.append(
            f"{COMMITTEES_SAMPLE.name}: {committees.rows} committees, "
            f"{committees.linked} registered in Saisei"
        )
    return "MHLW's public lists: " + "; ".join(said)
