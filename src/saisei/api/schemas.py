"""Shared API schemas: the one error body, the bounded input types and the one pagination.

Every input type carries its bound in the schema, so that OpenAPI shows it and a request
outside it is refused with a 422 field error before any service runs (see saisei.core.bounds
for why each bound is what it is). The HTML forms hold the same bounds through
saisei.core.bounds.BoundedFormMixin.

A sized bound is written as metadata of its type, `name: Annotated[str, line(200)]`, so that
mypy reads the field as a `str`; a call such as `Line(200)` is no type to mypy. `Line`, `Text`
and `DecimalValue` give the same bound as a whole annotation, for the schemas not yet typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.schema import DjangoGetter
from pydantic import AfterValidator, BaseModel, BeforeValidator, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from saisei.core.bounds import (
    DEFAULT_LIMIT,
    FIRST_DAY,
    LAST_DAY,
    LINE_PATTERN,
    MAX_ID,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_PERIOD,
    PATIENT_CODE_PATTERN,
    RM_ACT_FIRST_DAY,
    SEARCH_MAX,
    TEXT_PATTERN,
    control_character,
    control_character_message,
    decimal_bound,
    patient_code_validator,
)
from saisei.core.errors import invalid
from saisei.core.keyset import (
    MAX_CURSOR_LENGTH,
    keyset_offset_page,
    keyset_page,
    keyset_supported,
)


class BodyIn(Schema):
    """A request body that is a JSON object. Ninja's Schema reads its input by attribute when it
    is not a mapping, so a body whose every field is optional would take `[null, null]` or `7`
    as an empty object; this one refuses anything but an object (422)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # Ninja hands the input over wrapped in its DjangoGetter.
        raw = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(raw, dict):
            raise PydanticCustomError("model_type", _("Send a JSON object."))
        return data


class ErrorOut(Schema):
    """The one error body every endpoint answers with."""

    code: str
    message: str
    details: dict[str, Any] = {}


class Out(BaseModel):
    """A response the endpoint builds as plain dicts: pydantic's core checks it alone. A ninja
    Schema wraps every nested object in a Python getter first, which a page of fifty plans with
    their facilities and criteria paid some 350 times."""


# Responses every authenticated endpoint may give besides its own.
AUTH_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
# Responses of an operation that writes: a refusal (400), no or a bad credential (401), no
# permission (403), nothing to write to (404), a conflict with the current state (409), input
# outside its schema (422). Declared once, for every app's writes.
WRITE_ERRORS: dict[int, type[Schema]] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)


# --- text ----------------------------------------------------------------------------------------


def _refuse_control(multiline: bool) -> Callable[[str], str]:
    def check(value: str) -> str:
        found = control_character(value, multiline=multiline)
        if found is not None:
            raise PydanticCustomError("control_character", control_character_message(found))
        return value

    return check


_LINE_CHECK = AfterValidator(_refuse_control(multiline=False))
_TEXT_CHECK = AfterValidator(_refuse_control(multiline=True))


def line(max_length: int, *, min_length: int = 0, description: str | None = None) -> FieldInfo:
    """The bound of one line of text of at most `max_length` characters (the column's), no
    control character: `name: Annotated[str, line(200)]`."""
    field: FieldInfo = Field(
        min_length=min_length,
        max_length=max_length,
        description=description,
        json_schema_extra={"pattern": LINE_PATTERN},
    )
    field.metadata.append(_LINE_CHECK)
    return field


def text(max_length: int, *, min_length: int = 0, description: str | None = None) -> FieldInfo:
    """The bound of a text of at most `max_length` characters that may hold tabs and line
    breaks, no other control character: `detail: Annotated[str, text(2000)]`."""
    field: FieldInfo = Field(
        min_length=min_length,
        max_length=max_length,
        description=description,
        json_schema_extra={"pattern": TEXT_PATTERN},
    )
    field.metadata.append(_TEXT_CHECK)
    return field


def Line(max_length: int, *, min_length: int = 0, description: str | None = None) -> Any:
    """`Annotated[str, line(...)]` as one annotation (not a type to mypy: see the module)."""
    return Annotated[str, line(max_length, min_length=min_length, description=description)]


def Text(max_length: int, *, min_length: int = 0, description: str | None = None) -> Any:
    """`Annotated[str, text(...)]` as one annotation (not a type to mypy: see the module)."""
    return Annotated[str, text(max_length, min_length=min_length, description=description)]


# Columns without a length of their own (TextField) are held to this.
LONG_TEXT_MAX = 4000

# A search text for the lists' `q`.
Search = Annotated[
    str, line(SEARCH_MAX, description=f"search text, at most {SEARCH_MAX} characters")
]


def _patient_code(value: str) -> str:
    from django.core.exceptions import ValidationError

    try:
        patient_code_validator(value)
    except ValidationError:
        raise PydanticCustomError(
            "invalid_patient_code", str(patient_code_validator.message)
        ) from None
    return value


# The institution's own pseudonymous code: ASCII letters, digits, '-' and '_', never a name.
PatientCode = Annotated[
    str,
    Field(
        min_length=1,
        max_length=40,
        description="the institution's pseudonymous patient code: 1 to 40 ASCII letters, "
        "digits, '-' or '_', starting with a letter or digit",
        json_schema_extra={"pattern": PATIENT_CODE_PATTERN},
    ),
    AfterValidator(_patient_code),
]

# A product's or an organisation's identifier (SlugField(max_length=80)).
Slug = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")]


# --- numbers -------------------------------------------------------------------------------------

# A row's identifier (BigAutoField).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A period of a periodic duty, as the law engine counts them (1 = the first).
Period = Annotated[int, Field(ge=1, le=MAX_PERIOD, description=f"1 to {MAX_PERIOD}")]
# PositiveIntegerField (PostgreSQL integer) and PositiveSmallIntegerField (smallint).
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
SmallCount = Annotated[int, Field(ge=0, le=2**15 - 1)]


def decimal(max_digits: int, decimal_places: int) -> FieldInfo:
    """The bound of a decimal the column DecimalField(max_digits, decimal_places) can hold:
    `value: Annotated[Decimal, decimal(14, 4)]`."""
    bound = decimal_bound(max_digits, decimal_places)
    field: FieldInfo = Field(
        max_digits=max_digits,
        decimal_places=decimal_places,
        gt=-bound,
        lt=bound,
        description=f"at most {max_digits} digits, {decimal_places} after the point",
    )
    return field


def DecimalValue(max_digits: int, decimal_places: int) -> Any:
    """`Annotated[Decimal, decimal(...)]` as one annotation (not a type to mypy: see the
    module)."""
    return Annotated[Decimal, decimal(max_digits, decimal_places)]


# --- dates ---------------------------------------------------------------------------------------


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    """Only a day written YYYY-MM-DD (or a date): pydantic would also read a number as a Unix
    time, so `0` would silently be 1970-01-01."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise PydanticCustomError("date_format", str(_("Enter a date as YYYY-MM-DD.")))


def _day_field(first: date, description: str) -> Any:
    return Field(
        ge=first,
        le=LAST_DAY,
        description=description,
        json_schema_extra={
            "formatMinimum": first.isoformat(),
            "formatMaximum": LAST_DAY.isoformat(),
        },
    )


# Any day the legal calendar knows (due dates roll over its national holidays).
Day = Annotated[
    date,
    BeforeValidator(_iso_day),
    _day_field(FIRST_DAY, f"a day from {FIRST_DAY} to {LAST_DAY} (the legal calendar)"),
]
# A day on which the RM Act applies: from its entry into force.
RmActDay = Annotated[
    date,
    BeforeValidator(_iso_day),
    _day_field(
        RM_ACT_FIRST_DAY,
        f"a day from {RM_ACT_FIRST_DAY} (the RM Act's entry into force) to {LAST_DAY}",
    ),
]


# --- pagination ----------------------------------------------------------------------------------


class Pagination(LimitOffsetPagination):
    """The one pagination of every list: `limit` 1 to MAX_LIMIT, and either `offset` 0 to
    MAX_OFFSET or `cursor`, the `next` of the page before (saisei.core.keyset).

    A page by offset makes the database walk past every row before it; a page by cursor starts
    where the last one ended and costs the same at any depth. Every page whose list is ordered
    by its own columns answers `next`, so a client can start by offset and go on by cursor.
    `serialise` (given to @paginate) turns each item of the page, and only of the page, into
    what the response schema reads (`serialise_page` the whole page at once, for what is the
    same for each row: labels in the page's language, a route's address); with `columns`, the
    items are those columns' values (a page reads no whole model instance, and the count joins
    no table the columns need).
    """

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="items per page")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="items to skip")
        cursor: str | None = Field(
            None,
            max_length=MAX_CURSOR_LENGTH,
            pattern=r"^[A-Za-z0-9_-]+$",
            description="the `next` of the page before; with it, `offset` must be 0",
        )

    class Output(Schema):
        items: list[Any]
        count: int
        next: str | None = Field(
            None, description="the cursor of the page after this one; null on the last page"
        )

    def __init__(
        self,
        *,
        serialise: Callable[[Any], Any] | None = None,
        serialise_page: Callable[[list[Any]], list[Any]] | None = None,
        columns: tuple[str, ...] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
        self.serialise = serialise
        self.serialise_page = serialise_page
        self.columns = columns

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any) -> Any:
        limit = min(pagination.limit, self.max_limit)
        counted = queryset
        if self.columns is not None:
            # The page's rows as values of these columns (joins included); the count is of the
            # list's own rows, without the joins the columns need.
            queryset = queryset.values(*self.columns)
        keyed = isinstance(queryset, QuerySet) and keyset_supported(queryset)
        if pagination.cursor:
            if not keyed:
                raise invalid(
                    "cursor", _("This list does not take a cursor: use offset."), status=400
                )
            if pagination.offset:
                raise invalid("offset", _("Give either offset or cursor, not both."), status=400)
            page = keyset_page(queryset, cursor=pagination.cursor, limit=limit)
            items: list[Any] = page.items
            next_cursor = page.next_cursor
        elif keyed:
            items, next_cursor = keyset_offset_page(queryset, offset=pagination.offset, limit=limit)
        else:
            items = list(queryset[pagination.offset : pagination.offset + limit])
            next_cursor = None
        if self.serialise_page is not None:
            items = self.serialise_page(items)
        elif self.serialise is not None:
            items = [self.serialise(item) for item in items]
        return {
            self.items_attribute: items,
            "count": self._items_count(counted),
            "next": next_cursor,
        }
