"""What every registry service shares: who may act, and the checks on a day.

`actor=None` with `system=` is for the demo loader and commands run by an operator.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.core.errors import ErrorCode, errors_from_validation, invalid, invalid_fields


def authorise(actor: User | None, permission: str, obj: Any, system: str | None) -> None:
    """Actors are checked; a system action (no actor) must say which system it is."""
    if actor is None:
        if not system:
            raise RuntimeError("a service called without an actor must name the system")
        return
    ensure_can(actor, permission, obj)


def not_future(field: str, day: date, today: date) -> None:
    if day > today:
        raise invalid(field, _("This date is in the future."), ErrorCode.DATE_IN_FUTURE)


def full_clean(obj: Model, exclude: list[str] | None = None) -> None:
    """Run the model's own validation; what it refuses is one refusal naming each field."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        raise invalid_fields(errors_from_validation(exc.message_dict)) from None
