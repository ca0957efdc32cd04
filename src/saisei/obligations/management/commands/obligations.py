from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saisei.core.time import legal_today
from saisei.obligations.services import obligations_remind, obligations_tick, obligations_verify


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = (
        "Obligations: `tick` creates the next periodic obligations and marks overdue ones "
        "(idempotent); `verify` recomputes every obligation from the recorded events and lists "
        "each difference (exit 1 if any); `remind` e-mails duties due soon and overdue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("tick", "verify", "remind"):
            p = sub.add_parser(name)
            p.add_argument("--today", help="the legal date to act as of (default: today in Japan)")
            if name == "verify":
                p.add_argument(
                    "--thorough",
                    action="store_true",
                    help="compare every stored row in Python, without first checking the yearly "
                    "reports in the database (slower; the same findings)",
                )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["today"]) if options.get("today") else legal_today()
        action = options["action"]
        if action in ("tick", "remind") and today > legal_today():
            # A duty is overdue once its date has passed, not before: marking it (or reminding
            # of it) for a day to come would say what is not yet so. Verify only reads.
            raise CommandError(
                f"--today {today} is after today in Japan ({legal_today()}): "
                f"{action} acts only as of a day that has come"
            )
        if action == "tick":
            result = obligations_tick(today=today)
            self.stdout.write(
                f"obligations tick {today}: {result.created} created, "
                f"{result.marked_overdue} marked overdue"
            )
        elif action == "verify":
            differences = obligations_verify(today=today, thorough=options["thorough"])
            for difference in differences:
                self.stdout.write(str(difference))
            if differences:
                raise CommandError(
                    f"{len(differences)} obligation(s) differ from the recorded events"
                )
            self.stdout.write(f"obligations verify {today}: no differences")
        else:
            sent = obligations_remind(today=today)
            self.stdout.write(f"obligations remind {today}: {sent} reminder(s)")
