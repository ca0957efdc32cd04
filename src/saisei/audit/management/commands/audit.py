from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saisei.audit.checkpoint import CheckpointRefused, checkpoint_verify, checkpoint_write
from saisei.audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Audit log tools. `saisei audit verify` checks the hash chain and the latest checkpoint; "
        "`saisei audit checkpoint` anchors the chain's head outside the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify",
            help="Check every event's hash and link, then the chain against the checkpoints; "
            "name the first broken one.",
        )
        verify.add_argument(
            "--require-checkpoint",
            action="store_true",
            help="Fail (exit 1) when there is no checkpoint file, instead of only saying so.",
        )
        sub.add_parser(
            "checkpoint",
            help="Verify, then append a keyed checkpoint of the chain's head to the checkpoint "
            "file (run daily).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            self._checkpoint()
            return
        report = audit_verify()
        if not report.ok:
            raise CommandError(
                f"audit chain broken: {report.problem} "
                f"({report.checked} events before it are intact)"
            )
        self.stdout.write(f"audit chain intact: {report.checked} events")
        try:
            anchored = checkpoint_verify(report)
        except OSError as exc:
            raise CommandError(f"audit checkpoint file cannot be read: {exc}") from None
        if anchored.problem is not None:
            raise CommandError(f"audit checkpoint check failed: {anchored.problem}")
        if anchored.latest is None:
            message = (
                f"no audit checkpoint in {anchored.path}: the chain was checked on its own "
                "(run `saisei audit checkpoint` daily)"
            )
            if options["require_checkpoint"]:
                raise CommandError(message)
            self.stdout.write(message)
            return
        cp = anchored.latest
        self.stdout.write(
            f"audit checkpoint matches: #{cp.seq} of {cp.at} "
            f"({anchored.lines} checkpoints in {anchored.path}; "
            f"{report.checked - cp.seq} events since, not yet anchored)"
        )

    def _checkpoint(self) -> None:
        try:
            cp = checkpoint_write()
        except CheckpointRefused as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"audit checkpoint cannot be written: {exc}") from None
        self.stdout.write(
            f"audit checkpoint written: #{cp.seq} at {cp.at} "
            f"({len(cp.fingerprints)} events since the previous one)"
        )
