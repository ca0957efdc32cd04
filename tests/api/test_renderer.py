"""The API's JSON (saisei.api.renderers): every type the endpoints answer with, as JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

import pytest
from django.utils.translation import gettext_lazy, override

from saisei.api.renderers import FastJSONRenderer


class Colour(StrEnum):
    RED = "red"


def _render(data: object) -> object:
    return json.loads(FastJSONRenderer().render(None, data, response_status=200))  # type: ignore[arg-type]


def test_each_type_becomes_what_a_client_reads() -> None:
    jst = timezone(timedelta(hours=9))
    assert _render(
        {
            "day": date(2026, 12, 1),
            "at": datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=UTC),
            "at_jst": datetime(2026, 12, 1, 19, 0, tzinfo=jst),
            "time": time(9, 30),
            "amount": Decimal("1.50"),
            "id": UUID("12345678-1234-5678-1234-567812345678"),
            "colour": Colour.RED,
            "name": "再生医療 clinic",
            "none": None,
            "list": [1, 2.5, True],
        }
    ) == {
        "day": "2026-12-01",
        "at": "2026-12-01T10:00:00.123456Z",
        "at_jst": "2026-12-01T19:00:00+09:00",
        "time": "09:30:00",
        "amount": "1.50",
        "id": "12345678-1234-5678-1234-567812345678",
        "colour": "red",
        "name": "再生医療 clinic",
        "none": None,
        "list": [1, 2.5, True],
    }


def test_a_lazy_translation_is_written_in_the_active_language() -> None:
    message = gettext_lazy("Not found.")
    with override("ja"):
        japanese = _render({"message": message})
    with override("en"):
        english = _render({"message": message})
    assert english == {"message": "Not found."}
    assert japanese != english and isinstance(japanese["message"], str)


@pytest.mark.django_db
def test_an_answer_is_utf8_json_with_its_text_as_written(client) -> None:
    response = client.get("/api/v1/public/plans/999999", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content.decode("utf-8"))
    assert body["code"] == "not_found"
    # Japanese text is UTF-8 in the body, not \u escapes.
    assert body["message"].encode("utf-8") in response.content
    assert not body["message"].isascii()
