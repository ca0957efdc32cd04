from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from saisei.oversight import tally


class Command(BaseCommand):
    help = (
        "The national view's tallies (duties; plans per facility; adverse events). "
        "`saisei oversight check` compares them with a count of the duties, links and events; "
        "`saisei oversight rebuild` counts them again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "check",
            help=(
                "Count the duties, links and events, compare with the tallies; exit 1 where "
                "they differ."
            ),
        )
        sub.add_parser(
            "rebuild",
            help="Recreate the triggers and count everything again (in one transaction).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rebuild":
            with transaction.atomic():
                tally.install()
            self.stdout.write(
                "tallies rebuilt: triggers recreated, every duty, every facility's plans and "
                "every adverse event counted"
            )
            return
        problems = []
        duties = tally.differences()
        if duties:
            shown = "; ".join(
                f"{place or '-'} {rule} due {due} met {met} on time {on_time}: "
                f"tally {kept}, duties {counted}"
                for (place, rule, due, met, on_time), (kept, counted) in sorted(duties.items())[:10]
            )
            problems.append(f"duty tally differs from the duties in {len(duties)} places: {shown}")
        facilities = tally.facility_differences()
        if facilities:
            shown = "; ".join(
                f"facility {facility} institution {institution} ({place or '-'}): "
                f"tally {kept}, plans {counted}"
                for (facility, institution, place), (kept, counted) in sorted(facilities.items())[
                    :10
                ]
            )
            problems.append(
                f"facility tally differs from the plans' links in {len(facilities)} places: {shown}"
            )
        events = tally.event_differences()
        if events:
            shown = "; ".join(
                f"{place or '-'} {category} month {month}: tally {kept}, events {counted}"
                for (place, category, month), (kept, counted) in sorted(events.items())[:10]
            )
            problems.append(f"event tally differs from the events in {len(events)} places: {shown}")
        if problems:
            raise CommandError(" / ".join(problems) + " (run `saisei oversight rebuild`)")
        self.stdout.write(
            "duty tally matches the duties; facility tally matches the plans' links; "
            "event tally matches the adverse events"
        )
