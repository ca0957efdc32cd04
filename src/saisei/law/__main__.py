"""``python -m saisei.law classify FILE`` / ``python -m saisei.law deadline RULE --from DATE``."""

from saisei.law.cli import main

raise SystemExit(main())
