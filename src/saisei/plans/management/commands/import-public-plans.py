"""Import MHLW's public list of filed provision plans (e-再生医療), in the shape of
../shared/reference/mhlw_published_plans_sample.tsv (saisei.plans.services.public_list).

All or nothing: a file with any row in error is refused whole, each error with its line.
Idempotent: the same file again changes nothing. Prints what the list changed.
"""

from __future__ import annotations

from saisei.plans.management.public_lists import ImportListCommand
from saisei.plans.services.public_list import DEFAULT_SOURCE, public_plans_import


class Command(ImportListCommand):
    help = "Import MHLW's public list of filed provision plans (tab-separated, UTF-8)."
    importer = public_plans_import
    default_source = DEFAULT_SOURCE
    system = "import-public-plans"
    what = "plans"
