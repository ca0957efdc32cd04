from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from saisei.core.reference import LOADERS


class Command(BaseCommand):
    help = (
        "Load the real reference data shipped with Saisei (approved products and their events). "
        "Idempotent: a second run changes nothing; changed files update their rows."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not LOADERS:
            self.stdout.write("no reference data sets are registered")
            return
        for name, loader in LOADERS.items():
            summary = loader()
            self.stdout.write(f"{name}: {summary}")
