"""Named personas for every test: the people the permission rules are about.

`personas` builds the same organisations and accounts as the demo, with unusable
passwords (tests sign in with force_login; Argon2 hashing would slow every test).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from saisei.core.demo import DemoContext
from saisei.core.personas import create_personas


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


@pytest.fixture
def personas(db: None) -> Personas:
    from django.db import transaction

    context = DemoContext()
    with transaction.atomic():
        create_personas(context, password=None)
    return Personas(context)


@pytest.fixture
def client_for(personas: Personas) -> Callable[[str | None], Client]:
    """A browser-like client signed in as the named persona (None: anonymous)."""

    def make(name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(personas.user(name))
        return client

    return make
