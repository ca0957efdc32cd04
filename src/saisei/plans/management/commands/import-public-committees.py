"""Import a list of certified committees in the shape of
../shared/reference/mhlw_committees_sample.tsv (saisei.plans.services.public_list).

All or nothing, idempotent, and it prints what the list changed, as import-public-plans does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saisei.core.errors import DomainError
from saisei.plans.management import public_lists
from saisei.plans.services.public_list import DEFAULT_COMMITTEE_SOURCE, public_committees_import

SYSTEM = "import-public-committees"


class Command(BaseCommand):
    help = "Import a list of certified committees (tab-separated, UTF-8)."

    def add_arguments(self, parser: CommandParser) -> None:
        public_lists.add_arguments(parser, DEFAULT_COMMITTEE_SOURCE)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        day, precision = public_lists.listed_on(options["listed_on"])
        try:
            summary = public_committees_import(
                data=public_lists.read(path),
                file_name=path.name,
                listed_on=day,
                listed_precision=precision,
                source=options["source"],
                actor=None,
                system=SYSTEM,
            )
        except DomainError as exc:
            raise CommandError(public_lists.refusal(exc)) from None
        for line in public_lists.describe(summary, "committees"):
            self.stdout.write(line)
