"""Keyset (cursor) pagination: a page costs what it shows, at page 1 as at page 500.

An offset page makes the database walk past every row before it (OFFSET 25,000 reads 25,000
index entries); a keyset page starts where the previous one ended, with a row-value comparison
on the list's own ordering, `(sort_key, id) > (%s, %s)`, which SQLite (3.15+) and PostgreSQL
serve as one range of the index that matches the ordering.

The list's queryset keeps its own `order_by` (or its model's Meta ordering): plain columns of the
queried model, all ascending or all descending, ending in a unique column; the primary key is
added when it is missing. The cursor carries the ordering's values of the last (or first) row
shown, and whether it points forward or back; it is opaque to the client, and a forged one only
moves within what the queryset already allows, so it is not signed.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import BooleanField, Expression, Field, QuerySet
from django.utils.translation import gettext_lazy as _

from saisei.core.errors import ErrorCode, invalid

T = TypeVar("T")

# A cursor is a short JSON array in base64: far below this, and the bound keeps a query string
# from carrying a megabyte into the decoder.
MAX_CURSOR_LENGTH = 512

BAD_CURSOR = _(
    "This page link is not valid for this list (it may be out of date): "
    "start again from the first page."
)


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    """One page: its rows, and the cursors of the pages after and before it (None at an end)."""

    items: list[T]
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class RowCompare(Expression):
    """`(col_1, ..., col_n) > (%s, ..., %s)` (or `<`), usable in `.filter()`.

    Django's own tuple lookup writes the comparison out as ORs on SQLite; the row value keeps
    it one index range on both databases."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, columns: Sequence[Field[Any, Any]], op: str, values: Sequence[Any]) -> None:
        super().__init__()
        if op not in (">", "<"):
            raise ValueError(op)
        self.columns = list(columns)
        self.op = op
        self.values = list(values)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        alias = compiler.query.get_initial_alias()
        quote = compiler.quote_name_unless_alias
        cols = ", ".join(f"{quote(alias)}.{quote(field.column)}" for field in self.columns)
        params = [
            field.get_db_prep_value(value, connection, prepared=False)
            for field, value in zip(self.columns, self.values, strict=True)
        ]
        marks = ", ".join(["%s"] * len(params))
        return f"({cols}) {self.op} ({marks})", tuple(params)


def _ordering(qs: QuerySet[Any]) -> tuple[QuerySet[Any], list[Field[Any, Any]], bool]:
    """The queryset ordered for keysets, its ordering's fields and whether it is descending."""
    names = list(qs.query.order_by or qs.model._meta.ordering)
    if not names or not all(isinstance(name, str) for name in names):
        raise TypeError(f"keyset pagination needs an ordering of column names, not {names!r}")
    descending = {name.startswith("-") for name in names}
    if len(descending) != 1:
        raise TypeError(f"keyset pagination needs one direction for every column: {names!r}")
    desc = descending.pop()
    meta = qs.model._meta
    fields: list[Field[Any, Any]] = []
    for name in names:
        bare = name.lstrip("-")
        if "__" in bare:
            raise TypeError(f"keyset pagination orders by the model's own columns: {bare!r}")
        fields.append(meta.pk if bare == "pk" else meta.get_field(bare))
    if not any(field.primary_key or field.unique for field in fields[-1:]):
        fields.append(meta.pk)
        qs = qs.order_by(*names, "-pk" if desc else "pk")
    return qs, fields, desc


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _key(item: Any, fields: Sequence[Field[Any, Any]]) -> list[Any]:
    if isinstance(item, dict):
        return [
            _plain(item[field.attname if field.attname in item else field.name]) for field in fields
        ]
    return [_plain(getattr(item, field.attname)) for field in fields]


def encode_cursor(direction: str, key: Sequence[Any]) -> str:
    raw = json.dumps([direction, list(key)], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _no_constant(name: str) -> Any:
    raise ValueError(f"not a JSON value: {name}")


# Ordering values are text or whole numbers within a 64-bit column.
_INT_RANGE = range(-(2**63), 2**63)


def decode_cursor(
    cursor: str, fields: Sequence[Field[Any, Any]], connection: Any
) -> tuple[str, list[Any]]:
    """The direction ("n" or "p") and the key values; a translated 400 for anything else.

    A cursor comes from the client, so each value is checked as far as the database: its type
    (text or a whole number within 64 bits: cursors carry nothing else), the column's own
    conversion, and the conversion for `connection` (a date-time at the edge of the calendar
    cannot be moved to UTC, a number beyond SQLite's integers cannot be bound)."""
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, values = json.loads(raw.decode(), parse_constant=_no_constant)
        if direction not in ("n", "p") or not isinstance(values, list):
            raise ValueError("shape")
        if len(values) != len(fields):
            raise ValueError("length")
        key = []
        for field, value in zip(fields, values, strict=True):
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise ValueError("type")
            if isinstance(value, int) and value not in _INT_RANGE:
                raise ValueError("range")
            python = field.to_python(value)
            field.get_db_prep_value(python, connection, prepared=False)
            key.append(python)
    except (
        ValueError,
        TypeError,
        OverflowError,
        UnicodeDecodeError,
        binascii.Error,
        ValidationError,
        FieldDoesNotExist,
    ):
        raise invalid("cursor", BAD_CURSOR, ErrorCode.INVALID_INPUT, status=400) from None
    return direction, key


def keyset_page(qs: QuerySet[Any], *, cursor: str | None, limit: int) -> KeysetPage[Any]:
    """The page of `qs` that `cursor` points at (the first page without one), `limit` rows.

    One query per page (limit + 1 rows, to know whether another page follows); the queryset's
    columns, joins and filters are its own."""
    qs, fields, desc = _ordering(qs)
    if not cursor:
        rows, next_cursor = keyset_offset_page(qs, offset=0, limit=limit)
        return KeysetPage(rows, next_cursor, None)
    direction, key = decode_cursor(cursor, fields, connections[qs.db])
    forward = direction == "n"
    # Forward from the key in the list's direction; back from it in the opposite one.
    op = (">" if forward else "<") if not desc else ("<" if forward else ">")
    window = qs.filter(RowCompare(fields, op, key))
    if not forward:
        window = window.reverse()
    rows = list(window[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not forward:
        rows.reverse()
    if not rows:
        return KeysetPage([], None, None)
    first, last = _key(rows[0], fields), _key(rows[-1], fields)
    if forward:
        return KeysetPage(
            rows, encode_cursor("n", last) if more else None, encode_cursor("p", first)
        )
    return KeysetPage(rows, encode_cursor("n", last), encode_cursor("p", first) if more else None)


def keyset_supported(qs: QuerySet[Any]) -> bool:
    """Whether the queryset's ordering can carry a cursor (its own columns, one direction)."""
    try:
        _ordering(qs)
    except (TypeError, FieldDoesNotExist):
        return False
    return True


def keyset_offset_page(
    qs: QuerySet[Any], *, offset: int, limit: int
) -> tuple[list[Any], str | None]:
    """A page by offset, with the cursor of the page after it (None on the last page)."""
    qs, fields, _desc = _ordering(qs)
    rows = list(qs[offset : offset + limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor("n", _key(rows[-1], fields)) if more else None
