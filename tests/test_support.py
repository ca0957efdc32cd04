"""The suite's own rules: what may skip where, and that CI (SAISEI_REQUIRE_ALL=1) turns every other
skip into a failure, with and without pytest-xdist."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import support
from tests.products import test_reference

REPOSITORY = Path(__file__).resolve().parents[1]

PROBE = """
import pytest

from tests.support import skip_on_sqlite, unavailable


def test_passes():
    pass


def test_skips_bare():
    pytest.skip("no reason given")


@pytest.mark.skip(reason="marked")
def test_skipped_by_a_mark():
    pass


def test_lacks_something():
    unavailable("needs a thing")


def test_needs_postgresql():
    skip_on_sqlite("needs PostgreSQL")
"""


def test_unavailable_skips_on_a_developers_machine_and_fails_in_ci(monkeypatch) -> None:
    monkeypatch.setattr(support, "REQUIRE_ALL", False)
    with pytest.raises(pytest.skip.Exception, match="needs a thing"):
        support.unavailable("needs a thing")
    monkeypatch.setattr(support, "REQUIRE_ALL", True)
    with pytest.raises(pytest.fail.Exception, match="SAISEI_REQUIRE_ALL=1"):
        support.unavailable("needs a thing")


def test_a_postgresql_test_skips_in_ci_only_on_the_run_without_database_url(monkeypatch) -> None:
    monkeypatch.setattr(support, "REQUIRE_ALL", True)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(pytest.skip.Exception, match="needs PostgreSQL") as skipped:
        support.skip_on_sqlite("needs PostgreSQL")
    assert support.skipped_on_sqlite_run(skipped.value)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///elsewhere.sqlite3")
    with pytest.raises(pytest.fail.Exception, match="DATABASE_URL does not name one"):
        support.skip_on_sqlite("needs PostgreSQL")


def test_the_reference_data_test_reads_the_shared_directory_beside_the_checkout() -> None:
    assert Path(os.path.relpath(test_reference.SHARED, REPOSITORY)) == Path("../shared/reference")


def test_the_reference_data_test_fails_in_ci_when_the_shared_directory_is_missing(
    monkeypatch, tmp_path
) -> None:
    monkeypatch.setattr(test_reference, "SHARED", tmp_path / "shared" / "reference")
    check = test_reference.test_the_shipped_files_are_copies_of_the_shared_reference
    monkeypatch.setattr(support, "REQUIRE_ALL", False)
    with pytest.raises(pytest.skip.Exception, match="is not on this machine"):
        check()
    monkeypatch.setattr(support, "REQUIRE_ALL", True)
    with pytest.raises(pytest.fail.Exception, match="SAISEI_REQUIRE_ALL=1"):
        check()


def _run_probe(tmp_path: Path, *args: str, require_all: bool) -> tuple[dict[str, int], str]:
    (tmp_path / "test_probe.py").write_text(PROBE, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    env.pop("DATABASE_URL", None)
    env.pop("SAISEI_REQUIRE_ALL", None)
    if require_all:
        env["SAISEI_REQUIRE_ALL"] = "1"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *("-c", str(tmp_path / "pytest.ini"), "--rootdir", str(tmp_path)),
            *("-p", "no:django", "-p", "no:cacheprovider", "-p", "tests.support.require_all"),
            *("-q", "-rA", *args, str(tmp_path / "test_probe.py")),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = result.stdout.strip().splitlines()[-1]
    counts = {
        word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|skipped|error)", summary)
    }
    return counts, result.stdout


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_ci_turns_every_skip_but_the_sqlite_runs_into_a_failure(tmp_path, workers) -> None:
    counts, out = _run_probe(tmp_path, *workers, require_all=True)
    # A skip mark acts in the test's setup, where a failure is reported as an error.
    assert counts == {"passed": 1, "failed": 2, "error": 1, "skipped": 1}, out
    for name in ("test_skips_bare", "test_skipped_by_a_mark", "test_lacks_something"):
        assert re.search(rf"(FAILED|ERROR) \S*test_probe.py::{name}", out), out
    assert "no reason given (SAISEI_REQUIRE_ALL=1: CI must not skip this test)" in out, out
    assert re.search(r"SKIPPED \[1\] \S*test_probe.py:\d+: needs PostgreSQL", out), out
