"""``saisei classify`` and ``saisei deadline``: the law engine on the command line.

These commands never touch Django or a database, so the ``saisei`` console script dispatches them
here before any Django setup. Contract: on success the result is printed to stdout as indented JSON
and the exit status is 0; on any invalid input nothing is printed to stdout, exactly one line naming
the offending field goes to stderr, and the exit status is 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

from saisei.law.classification import (
    ClassificationAnswers,
    Wording,
    classify,
    load_wording,
    parse_iso_date,
)
from saisei.law.deadlines import MAX_PERIOD, due_date
from saisei.law.errors import LawConfigError, LawInputError, describe_value
from saisei.law.legal_calendar import committee_closed_kinds
from saisei.law.obligations import OVERRIDES_ENV_VAR, load_overrides_file, rules_from_environment
from saisei.law.recipients import Recipient

__all__ = ["EXIT_INVALID", "EXIT_OK", "main"]

EXIT_OK = 0
EXIT_INVALID = 2

_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
# Names of the deadline inputs as the user typed them, for error messages.
_DEADLINE_FIELDS = {
    "rule": "RULE",
    "from": "--from",
    "period": "--period",
    "to": "--to",
    "committee_closed": "--committee-closed",
}


class _Failure(Exception):
    """One line for stderr; ``prog`` prefixes it."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.message = message


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that writes to injected streams and never calls ``sys.exit``.

    Stock argparse prints the usage block on errors; the contract here is a single line.
    """

    out: IO[str] = sys.stdout
    err: IO[str] = sys.stderr

    def error(self, message: str) -> NoReturn:
        raise _Failure(self.prog, message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self.err.write(message)
        raise _Exit(status)

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            (self.err if file is sys.stderr else self.out).write(message)


def _build_parser(out: IO[str], err: IO[str]) -> _Parser:
    parser = _Parser(
        prog="saisei",
        description="The law engine of Saisei: classification and legal due dates.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    classify_parser = commands.add_parser(
        "classify",
        help="classify a practice under the RM Act from flowchart answers (JSON)",
        description="Classify a practice from one JSON object of flowchart answers.",
    )
    classify_parser.add_argument("file", metavar="FILE", help="JSON file, or - for stdin")
    deadline_parser = commands.add_parser(
        "deadline",
        help="compute the due date of an obligation",
        description=(
            "Compute the due date of an obligation rule. Rule overrides are read from the JSON "
            f"file named by {OVERRIDES_ENV_VAR}, if set."
        ),
    )
    deadline_parser.add_argument("rule", metavar="RULE", help="rule id, e.g. ae_death")
    deadline_parser.add_argument(
        "--from", dest="start", metavar="YYYY-MM-DD", required=True, help="the day the clock starts"
    )
    deadline_parser.add_argument(
        "--period",
        metavar="N",
        help="which period (for committee_renewal: which three-year term), default 1",
    )
    deadline_parser.add_argument(
        "--to",
        metavar="RECIPIENT",
        help=(
            "who receives the report: "
            + ", ".join(r.value for r in Recipient)
            + " (one of the rule's recipients; default its first)"
        ),
    )
    deadline_parser.add_argument(
        "--committee-closed",
        metavar="KINDS",
        help=(
            "with --to committee: the kinds of day the committee's rules record it closed, "
            "comma-separated (sunday, saturday, national_holiday, year_end_closure)"
        ),
    )
    for each in (parser, classify_parser, deadline_parser):
        assert isinstance(each, _Parser)
        each.out, each.err = out, err
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run ``saisei classify FILE`` or ``saisei deadline RULE --from DATE [--period N]``."""
    in_ = sys.stdin if stdin is None else stdin
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    args = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser(out, err)
    try:
        namespace = parser.parse_args(args)
        if namespace.command == "classify":
            result = _classify(namespace.file, in_)
        else:
            result = _deadline(
                namespace.rule,
                namespace.start,
                namespace.period,
                namespace.to,
                namespace.committee_closed,
            )
    except _Exit as exit_:
        return exit_.status
    except _Failure as failure:
        line = " ".join(failure.message.split())
        err.write(f"{failure.prog}: {line}\n")
        return EXIT_INVALID
    out.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _classify(path: str, stdin: IO[str]) -> dict[str, object]:
    prog = "saisei classify"
    try:
        text = stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        # The whole path, not shortened: the user has to find the file.
        where = "stdin" if path == "-" else json.dumps(path, ensure_ascii=False)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise _Failure(prog, f"FILE: cannot read {where}: {reason}") from None
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as exc:
        raise _Failure(
            prog, f"input: invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except _DuplicateKeyError as exc:
        raise _Failure(prog, f"input: duplicate key {describe_value(exc.key)}") from None
    try:
        wording = _wording_from_environment()
    except LawConfigError as exc:
        raise _Failure(prog, f"{OVERRIDES_ENV_VAR}: {exc}") from None
    try:
        return classify(ClassificationAnswers.from_mapping(data), wording=wording).to_dict()
    except LawInputError as exc:
        raise _Failure(prog, str(exc)) from None


def _wording_from_environment() -> Mapping[str, Wording] | None:
    path = os.environ.get(OVERRIDES_ENV_VAR, "")
    if not path:
        return None
    return load_wording(load_overrides_file(path), source=path)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # The JSON standard leaves duplicate keys undefined; taking the last silently could flip a
    # classification answer.
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _deadline(
    rule_id: str,
    start_text: str,
    period_text: str | None,
    to_text: str | None,
    closed_text: str | None,
) -> dict[str, object]:
    prog = "saisei deadline"
    try:
        rules = rules_from_environment()
    except LawConfigError as exc:
        raise _Failure(prog, f"{OVERRIDES_ENV_VAR}: {exc}") from None
    try:
        spec = rules.rule(rule_id)
        start = parse_iso_date(start_text, "from")
        period: int | None = None
        if period_text is not None:
            if not spec.kind.periodic:
                raise LawInputError(
                    "period", f"not allowed for {rule_id}, which is not a periodic rule"
                )
            if (
                not _INTEGER.fullmatch(period_text)
                or len(period_text) > 6
                or not 1 <= int(period_text) <= MAX_PERIOD
            ):
                raise LawInputError(
                    "period",
                    f"must be an integer from 1 to {MAX_PERIOD} "
                    f"(got {describe_value(period_text)})",
                )
            period = int(period_text)
        if to_text is not None and to_text not in {r.value for r in Recipient}:
            raise LawInputError(
                "to",
                f"must be one of {', '.join(r.value for r in Recipient)} "
                f"(got {describe_value(to_text)})",
            )
        closed = None
        if closed_text is not None:
            names = [part.strip() for part in closed_text.split(",") if part.strip()]
            closed = committee_closed_kinds(names)
        return due_date(
            rule_id, start, period=period, to=to_text, committee_closed=closed, rules=rules
        ).to_dict()
    except LawInputError as exc:
        name = _DEADLINE_FIELDS.get(exc.field, exc.field)
        raise _Failure(prog, f"{name}: {exc.message}") from None
