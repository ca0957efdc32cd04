from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from saisei.oversight import tally


class Command(BaseCommand):
    help = (
        "The national view's duty tally. `saisei oversight check` compares it with a count of "
        "the duties; `saisei oversight rebuild` counts them again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "check",
            help="Count the duties and compare the count with the tally; exit 1 where they differ.",
        )
        sub.add_parser(
            "rebuild",
            help="Recreate the triggers and count every duty again (in one transaction).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rebuild":
            with transaction.atomic():
                tally.install()
            self.stdout.write("duty tally rebuilt: triggers recreated, every duty counted")
            return
        differences = tally.differences()
        if differences:
            shown = "; ".join(
                f"{place or '-'} {rule} due {due} met {met} on time {on_time}: "
                f"tally {kept}, duties {counted}"
                for (place, rule, due, met, on_time), (kept, counted) in sorted(
                    differences.items()
                )[:10]
            )
            raise CommandError(
                f"duty tally differs from the duties in {len(differences)} places: {shown} "
                "(run `saisei oversight rebuild`)"
            )
        self.stdout.write("duty tally matches the duties")
