"""The one adapter from a service's refusal to a Django form (pages call services, not models)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.utils.translation import gettext as _

from saisei.core.errors import DomainError, ErrorCode, NotPermitted

T = TypeVar("T")


def attach_errors(
    form: forms.Form,
    exc: DomainError,
    *,
    field_name: Callable[[str], str] = lambda field: field,
) -> None:
    """Put a refusal on the fields it names (`field_name` maps a service's dotted field path to
    the form's field), and its message at the top of the form when no field of the form is named
    or the refusal is more than bad input. Errors of a file name their line."""
    placed = False
    lines: list[str] = []
    for error in exc.errors:
        if "line" in error:
            lines.append(
                _("line %(line)s: %(message)s")
                % {"line": error["line"], "message": error["message"]}
            )
            continue
        name = field_name(str(error.get("field", "")))
        if name in form.fields:
            form.add_error(name, str(error.get("message", "")))
            placed = True
    if lines:
        form.add_error(None, " ".join([str(exc.message), *lines]))
    elif not placed or exc.code != ErrorCode.INVALID_INPUT:
        form.add_error(None, str(exc.message))


def apply(
    form: forms.Form,
    call: Callable[[], T],
    *,
    field_name: Callable[[str], str] = lambda field: field,
) -> T | None:
    """Run a service for a valid form; on refusal put it on the form and return None. A
    permission refusal is not a form error: it propagates to a 403 page."""
    try:
        return call()
    except NotPermitted:
        raise
    except DomainError as exc:
        attach_errors(form, exc, field_name=field_name)
        return None


__all__ = ["apply", "attach_errors"]
