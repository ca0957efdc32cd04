from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from saisei.accounts.models import Membership, User
from saisei.audit.services import audit_verify
from saisei.cli import main

pytestmark = pytest.mark.django_db


def test_demo_loads_every_persona_once() -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "demo data loaded" in out.getvalue()
    assert set(User.objects.values_list("username", flat=True)) >= {
        "officer",
        "other-officer",
        "secretariat",
        "member",
        "regulator",
        "holder",
    }
    assert Membership.objects.count() == 7
    again = io.StringIO()
    call_command("demo", stdout=again)
    assert "already loaded" in again.getvalue()
    assert User.objects.count() == 7
    assert audit_verify().ok


def test_demo_names_are_marked_fictional() -> None:
    call_command("demo", stdout=io.StringIO())
    from saisei.accounts.models import Organisation

    organisations = list(Organisation.objects.filter(slug__startswith="demo-"))
    assert organisations
    for org in organisations:
        assert "架空" in org.name and "fictional" in org.name_en


def test_the_saisei_command_runs_django_management_commands(capsys, settings, tmp_path) -> None:
    # `audit verify` also reads the checkpoint file: never the developer's var/.
    settings.AUDIT_CHECKPOINT_DIR = tmp_path
    assert main(["audit", "verify"]) == 0
    assert "audit chain intact" in capsys.readouterr().out
