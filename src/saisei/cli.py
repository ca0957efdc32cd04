"""The `saisei` command: a thin front for Django's management commands.

`saisei classify` and `saisei deadline` are answered by saisei.law alone, without
starting Django or touching a database, so they work anywhere the package is installed.
Everything else (`saisei migrate`, `saisei runserver`, `saisei demo`, `saisei audit
verify`, …) is a Django management command run with Saisei's settings; DATABASE_URL
selects the database as it does for the web app.
"""

from __future__ import annotations

import os
import sys

# Subcommands that only ask the law engine: they never need settings or a database.
LAW_COMMANDS = frozenset({"classify", "deadline"})


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in LAW_COMMANDS:
        from saisei.law.cli import main as law_main

        return law_main(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saisei.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["saisei", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
