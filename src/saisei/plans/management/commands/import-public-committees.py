"""Import a list of certified committees in the shape of
../shared/reference/mhlw_committees_sample.tsv (saisei.plans.services.public_list).

All or nothing, idempotent, and it prints what the list changed, as import-public-plans does.
"""

from __future__ import annotations

from saisei.plans.management.public_lists import ImportListCommand
from saisei.plans.services.public_list import DEFAULT_COMMITTEE_SOURCE, public_committees_import


class Command(ImportListCommand):
    help = "Import a list of certified committees (tab-separated, UTF-8)."
    importer = public_committees_import
    default_source = DEFAULT_COMMITTEE_SOURCE
    system = "import-public-committees"
    what = "committees"
