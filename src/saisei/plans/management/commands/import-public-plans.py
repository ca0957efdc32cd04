"""Import MHLW's public list of filed provision plans (e-再生医療), in the shape of
../shared/reference/mhlw_published_plans_sample.tsv (saisei.plans.services.public_list).

All or nothing: a file with any row in error is refused whole, each error with its line.
Idempotent: the same file again changes nothing. Prints what the list changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saisei.core.errors import DomainError
from saisei.plans.management import public_lists
from saisei.plans.services.public_list import DEFAULT_SOURCE, public_plans_import

SYSTEM = "import-public-plans"


class Command(BaseCommand):
    help = "Import MHLW's public list of filed provision plans (tab-separated, UTF-8)."

    def add_arguments(self, parser: CommandParser) -> None:
        public_lists.add_arguments(parser, DEFAULT_SOURCE)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        day, precision = public_lists.listed_on(options["listed_on"])
        try:
            summary = public_plans_import(
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
        for line in public_lists.describe(summary, "plans"):
            self.stdout.write(line)
