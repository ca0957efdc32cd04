"""The world the API fuzzing runs in: a throwaway SQLite database with the demo data set.

`make fuzz` points DATABASE_URL at a fresh file in a temporary directory; this conftest refuses
any other database, so fuzzing never writes its random records into a real one. It migrates,
loads the demo (`saisei demo`), runs the day's tick so every duty exists, and creates a bearer
token for each persona that sends one.
"""

from __future__ import annotations

import logging
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The personas: anonymous (no credential), an institution's officer, the regulator.
PERSONAS = ("anonymous", "officer", "regulator")

# (persona, status class) -> requests sent, for the summary at the end of the run.
SENT: Counter[tuple[str, str]] = Counter()


def _throwaway_sqlite() -> Path:
    from django.conf import settings

    database = settings.DATABASES["default"]
    name = Path(str(database.get("NAME") or "")).resolve()
    temporary = Path(tempfile.gettempdir()).resolve()
    if database["ENGINE"] != "django.db.backends.sqlite3" or temporary not in name.parents:
        pytest.fail(
            "API fuzzing writes random records: run it with `make fuzz`, which gives it a "
            f"throwaway SQLite database under {temporary} (DATABASE_URL is {name})"
        )
    return name


@pytest.fixture(scope="session")
def fuzz_tokens(django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """Load the demo into the throwaway database; the bearer token of each signed-in persona."""
    from django.core.management import call_command

    from saisei.accounts.models import User
    from saisei.accounts.services import token_create

    _throwaway_sqlite()
    # Thousands of refused requests are the point; log only server errors.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    with django_db_blocker.unblock():
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load-reference", verbosity=0)
        call_command("demo", "--quiet")
        call_command("obligations", "tick", verbosity=0)
        tokens = {}
        for name in PERSONAS[1:]:
            user = User.objects.get(username=name)
            tokens[name] = token_create(user=user, name="fuzz", actor=user).secret
        yield tokens


@pytest.fixture
def fuzz_database(fuzz_tokens: dict[str, str], django_db_blocker: Any) -> Iterator[None]:
    """Open the throwaway database to the requests of one test.

    Each request opens and closes its own transaction as in production (no test transaction
    around it), so a server error that only a commit or a constraint raises is seen.
    """
    with django_db_blocker.unblock():
        yield


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Collect the fuzzing only when asked for (`-m fuzz`): building its schema and importing
    Schemathesis is not for every `make test`."""
    if collection_path.name.startswith("test_") and config.getoption("markexpr") != "fuzz":
        return True
    return None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not SENT:
        return
    terminalreporter.section("API fuzzing: requests sent")
    for persona in PERSONAS:
        counts = {k[1]: v for k, v in SENT.items() if k[0] == persona}
        line = ", ".join(f"{status}: {counts[status]}" for status in sorted(counts))
        terminalreporter.write_line(f"{persona}: {sum(counts.values())} ({line})")
    terminalreporter.write_line(f"total: {sum(SENT.values())}")
