"""The bounds every input is held to, shared by the API schemas and the HTML forms.

Each bound is what the storage or the law engine can take, so that an input outside it is
refused with a field error instead of failing later: a text longer than its column (PostgreSQL
refuses it, SQLite stores it), a control character (PostgreSQL cannot store NUL; none belongs in
a record), a decimal wider than its column (SQLite stores it and every later read fails), a
period past the law engine's arithmetic, a date outside the legal calendar, an offset or an
identifier past the database's integers.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from saisei.law import MAX_PERIOD, RM_ACT_IN_FORCE
from saisei.law.legal_calendar import HOLIDAY_CALENDAR_YEARS

# The legal calendar knows Japan's national holidays for these years only; a date outside them
# cannot be rolled forward past closed days, so no input date may leave them.
FIRST_DAY = date(HOLIDAY_CALENDAR_YEARS[0], 1, 1)
LAST_DAY = date(HOLIDAY_CALENDAR_YEARS[1], 12, 31)
# Nothing done under the RM Act (a plan, a treatment, an adverse event, a notice) predates it.
RM_ACT_FIRST_DAY = RM_ACT_IN_FORCE

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "MAX_ID",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "MAX_PERIOD",
    "PATIENT_CODE_PATTERN",
    "RM_ACT_FIRST_DAY",
    "SEARCH_MAX",
    "BoundedFormMixin",
    "NoControlCharacters",
    "RmActFormMixin",
    "control_character",
    "decimal_bound",
    "patient_code_validator",
]

# Primary keys are BigAutoField: a larger integer cannot name a row on either database.
MAX_ID = 2**63 - 1
# Pagination: a page holds at most MAX_LIMIT items; an offset past MAX_OFFSET is refused (a
# list that deep is read by narrowing the filter, not by paging).
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 100_000
# A search text: longer than any name it could match, far shorter than SQLite's LIKE limit.
SEARCH_MAX = 200

# C0 and C1 control characters and DEL, and lone surrogates (which cannot be encoded to UTF-8
# for either database). Multi-line text keeps tab, line feed and carriage return.
_CONTROL_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# The same sets as JSON Schema patterns (surrogates left out: a JSON Schema regex cannot name
# them), so that OpenAPI shows which characters are refused.
LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"

# A patient is named only by the institution's own pseudonymous code: ASCII letters, digits,
# hyphen and underscore only, a code, never a name. A Japanese name or an e-mail address cannot
# pass, which keeps identifying text out of the registry by construction. Here, below every app,
# so that the API's PatientCode type and the reporting models hold codes to the one rule.
PATIENT_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"
patient_code_validator = RegexValidator(
    PATIENT_CODE_PATTERN,
    _(
        "A patient code is 1 to 40 letters, digits, hyphens or underscores: the institution's "
        "own pseudonymous code, never a name."
    ),
    code="invalid_patient_code",
)


def control_character(value: str, *, multiline: bool) -> str | None:
    """The first control character in `value` as U+XXXX, or None when there is none."""
    match = (_CONTROL_TEXT if multiline else _CONTROL_LINE).search(value)
    return None if match is None else f"U+{ord(match.group()):04X}"


def control_character_message(found: str) -> str:
    return str(
        _("Control characters are not allowed (found %(character)s).") % {"character": found}
    )


@deconstructible
class NoControlCharacters:
    """A form validator: refuse control characters (multi-line text keeps tab and newlines)."""

    def __init__(self, *, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if isinstance(value, str):
            found = control_character(value, multiline=self.multiline)
            if found is not None:
                raise ValidationError(control_character_message(found), code="control_character")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash(("NoControlCharacters", self.multiline))


def decimal_bound(max_digits: int, decimal_places: int) -> Decimal:
    """The smallest magnitude a DecimalField(max_digits, decimal_places) cannot hold."""
    return Decimal(10) ** (max_digits - decimal_places)


class BoundedFormMixin:
    """Hold every field of a Django form to the shared bounds.

    Text fields refuse control characters (a textarea keeps tab and newlines), date fields
    refuse days outside the legal calendar (and show the range to the browser as min/max),
    integer fields without an upper bound get the identifier's. Put it before forms.Form.
    """

    first_day: date = FIRST_DAY
    last_day: date = LAST_DAY

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_form_fields(self.fields, first_day=self.first_day, last_day=self.last_day)  # type: ignore[attr-defined]


def bound_form_fields(fields: dict[str, Any], *, first_day: date, last_day: date) -> None:
    from django import forms

    for field in fields.values():
        if isinstance(field, forms.DateField):
            field.validators += [MinValueValidator(first_day), MaxValueValidator(last_day)]
            field.widget.attrs.setdefault("min", first_day.isoformat())
            field.widget.attrs.setdefault("max", last_day.isoformat())
        elif isinstance(field, forms.CharField):
            multiline = isinstance(field.widget, forms.Textarea)
            field.validators.append(NoControlCharacters(multiline=multiline))
        elif (
            isinstance(field, forms.IntegerField)
            and not isinstance(field, forms.DecimalField | forms.FloatField)
            and field.max_value is None
        ):
            field.max_value = MAX_ID
            field.validators.append(MaxValueValidator(MAX_ID))
            field.widget.attrs.setdefault("max", str(MAX_ID))


class RmActFormMixin(BoundedFormMixin):
    """BoundedFormMixin for a form whose dates are all under the RM Act (from its entry into
    force)."""

    first_day = RM_ACT_FIRST_DAY
