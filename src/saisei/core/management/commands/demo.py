from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from saisei.core.demo import STEPS, DemoContext, demo_loaded


class Command(BaseCommand):
    help = (
        "Load a small, clearly fictional demo data set and an account for each persona. "
        "Does nothing if the demo data is already loaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print only a summary line.")

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_loaded():
            self.stdout.write("demo data already loaded; nothing to do")
            return
        context = DemoContext()
        with transaction.atomic():
            for _order, name, step in STEPS:
                step(context)
                context.lines.append(f"loaded: {name}")
        if not options["quiet"]:
            for line in context.lines:
                self.stdout.write(line)
        self.stdout.write(
            f"demo data loaded: {len(context.users)} persona accounts, "
            f"password {context.password!r} "
            "(fictional data; never use these accounts outside a demo)"
        )
