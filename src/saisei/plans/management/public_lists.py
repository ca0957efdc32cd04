"""What the commands that import MHLW's public lists share: their arguments, the list's date,
the refusal and the summary as printed, and the command itself (ImportListCommand)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saisei.core.errors import DomainError
from saisei.plans.services.public_list import MAX_BYTES, ImportSummary


def add_arguments(parser: CommandParser, source: str) -> None:
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--listed-on",
        required=True,
        help="the date of the list (YYYY-MM-DD), or its month (YYYY-MM) if its day is unknown",
    )
    parser.add_argument("--source", default=source, help="where it was published")


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


def read(path: Path) -> bytes:
    """The file's bytes; one larger than a list may be is refused before it is read."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB")
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from None


def refusal(exc: DomainError) -> str:
    lines = [str(exc.message)]
    for error in exc.errors:
        where = f"line {error['line']}" if "line" in error else "file"
        lines.append(f"  {where}, {error['field'] or '-'}: {error['message']}")
    return "\n".join(lines)


def describe(summary: ImportSummary, what: str) -> list[str]:
    if summary.already_imported:
        return [f"this file was already imported (the list of {summary.listed_on}): no change"]
    lines = [
        f"the list of {summary.listed_on}: {summary.rows} {what}; "
        f"{summary.listed} new, {summary.changed} changed, {summary.unchanged} unchanged, "
        f"{summary.relisted} back on the list, {summary.delisted} no longer listed; "
        f"{summary.linked} linked to Saisei's own records",
    ]
    if what == "plans":
        lines.append(
            f"institutions: {summary.institutions_matched} already known, "
            f"{summary.institutions_new} registered from the list"
        )
    for note in summary.notes:
        number = note.get("plan_number") or note.get("number")
        lines.append(f"  note, line {note['line']}, {number}: {note['detail']}")
    return lines


class ImportListCommand(BaseCommand):
    """An import of one of MHLW's lists: all or nothing (a refused file is named error by
    error, each with its line), idempotent, printing what the list changed. A command sets the
    service, its default source, the audit's system name and what the list holds."""

    importer: Callable[..., ImportSummary]
    default_source: str
    system: str
    what: str

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser, self.default_source)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        day, precision = listed_on(options["listed_on"])
        try:
            summary = type(self).importer(
                data=read(path),
                file_name=path.name,
                listed_on=day,
                listed_precision=precision,
                source=options["source"],
                actor=None,
                system=self.system,
            )
        except DomainError as exc:
            raise CommandError(refusal(exc)) from None
        for line in describe(summary, self.what):
            self.stdout.write(line)
