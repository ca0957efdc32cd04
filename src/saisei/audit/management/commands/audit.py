from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saisei.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. `saisei audit verify` checks the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "verify", help="Check every event's hash and link; name the first broken one."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            report = audit_verify()
            if not report.ok:
                raise CommandError(
                    f"audit chain broken: {report.problem} "
                    f"({report.checked} events before it are intact)"
                )
            self.stdout.write(f"audit chain intact: {report.checked} events")
