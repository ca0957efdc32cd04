"""The named personas (the demo's organisations and accounts) as a test fixture's value.

Unusable passwords: tests sign in with force_login, and Argon2 hashing would slow every test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from saisei.accounts.personas import create_personas
from saisei.core.demo import DemoContext


@dataclass
class Personas:
    context: DemoContext

    def user(self, name: str) -> Any:
        return self.context.users[name]

    def org(self, key: str) -> Any:
        return self.context.organisations[key]

    @property
    def officer(self) -> Any:
        return self.user("officer")

    @property
    def staff(self) -> Any:
        return self.user("staff")

    @property
    def other_officer(self) -> Any:
        return self.user("other-officer")

    @property
    def secretariat(self) -> Any:
        return self.user("secretariat")

    @property
    def member(self) -> Any:
        return self.user("member")

    @property
    def regulator(self) -> Any:
        return self.user("regulator")

    @property
    def holder(self) -> Any:
        return self.user("holder")


def build_personas() -> Personas:
    context = DemoContext()
    with transaction.atomic():
        create_personas(context, password=None)
    return Personas(context)
