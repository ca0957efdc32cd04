"""Production refuses to start without a proper audit checkpoint key, as it does for SECRET_KEY."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SECRET = "k9" * 20 + "-production-test-key-with-enough-entropy-0123456789"


def _check(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:
    dropped = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "SAISEI_AUDIT_CHECKPOINT_KEY"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    base.update(
        {
            "SAISEI_DATA_DIR": str(tmp_path),
            "SAISEI_ENV": "production",
            "ALLOWED_HOSTS": "saisei.example",
            "SECRET_KEY": SECRET,
        }
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "saisei", "check"],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "key",
    [None, "too-short-0123456789", SECRET],
    ids=["missing", "short", "same-as-secret-key"],
)
def test_production_refuses_a_missing_short_or_reused_key(key, tmp_path) -> None:
    result = _check({"SAISEI_AUDIT_CHECKPOINT_KEY": key} if key else {}, tmp_path)
    assert result.returncode != 0
    assert "SAISEI_AUDIT_CHECKPOINT_KEY must be set to at least 32 characters" in result.stderr


def test_production_starts_with_a_proper_key(tmp_path) -> None:
    result = _check({"SAISEI_AUDIT_CHECKPOINT_KEY": "c7" * 16 + "-audit-key"}, tmp_path)
    assert result.returncode == 0, result.stderr
