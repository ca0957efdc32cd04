from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    """Each test has its own checkpoint location and key, never the developer's var/."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    settings.AUDIT_CHECKPOINT_KEY = "test-audit-checkpoint-key-0123456789abcdef"
    return settings.AUDIT_CHECKPOINT_DIR
