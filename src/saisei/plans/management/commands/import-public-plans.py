"""Import MHLW's public list of filed provision plans (e-再生医療), in the shape of
../shared/reference/mhlw_published_plans_sample.tsv (saisei.plans.services.public_list).

All or nothing: a file with any row in error is refused whole, each error with its line.
Idempotent: the same file again changes nothing. Prints what the list changed.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saisei.core.errors import DomainError
from saisei.plans.services.public_list import DEFAULT_SOURCE, ImportSummary, public_plans_import

SYSTEM = "import-public-plans"


def listed_on(text: str) -> tuple[date, str]:
    """A list's date as given: YYYY-MM-DD, or YYYY-MM for a list known only to its month."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return date.fromisoformat(f"{text}-01"), "month"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text), "day"
    except ValueError:
        pass
    raise CommandError(f"--listed-on: {text!r} is not a date (YYYY-MM-DD) or a month (YYYY-MM)")


def describe(summary: ImportSummary) -> list[str]:
    if summary.already_imported:
        return [f"this file was already imported (the list of {summary.listed_on}): no change"]
    lines = [
        f"the list of {summary.listed_on}: {summary.rows} plans; "
        f"{summary.listed} new, {summary.changed} changed, {summary.unchanged} unchanged, "
        f"{summary.relisted} back on the list, {summary.delisted} no longer listed; "
        f"{summary.linked} linked to plans filed through Saisei",
        f"institutions: {summary.institutions_matched} already known, "
        f"{summary.institutions_new} registered from the list",
    ]
    lines += [f"  note, line {n['line']}, {n['plan_number']}: {n['detail']}" for n in summary.notes]
    return lines


class Command(BaseCommand):
    help = "Import MHLW's public list of filed provision plans (tab-separated, UTF-8)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--listed-on",
            required=True,
            help="the date of the list (YYYY-MM-DD), or its month (YYYY-MM) if its day is unknown",
        )
        parser.add_argument("--source", default=DEFAULT_SOURCE, help="where it was published")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        day, precision = listed_on(options["listed_on"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        try:
            summary = public_plans_import(
                data=data,
                file_name=path.name,
                listed_on=day,
                listed_precision=precision,
                source=options["source"],
                actor=None,
                system=SYSTEM,
            )
        except DomainError as exc:
            lines = [str(exc.message)]
            for error in exc.errors:
                where = f"line {error['line']}" if "line" in error else "file"
                lines.append(f"  {where}, {error['field'] or '-'}: {error['message']}")
            raise CommandError("\n".join(lines)) from None
        for line in describe(summary):
            self.stdout.write(line)
