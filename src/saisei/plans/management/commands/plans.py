"""`saisei plans reindex`: write the public search's table (saisei.plans.search) afresh from the
plans. The services keep it in step as they go; run this after loading plans in bulk past them
(the national benchmark's generator does), or to repair it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saisei.plans import search


class Command(BaseCommand):
    help = "Plans: `reindex` rebuilds the public search's table and text index from the plans."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("reindex")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = search.rebuild(system="plans reindex")
        self.stdout.write(f"plans reindex: {rows} public plan(s) indexed")
