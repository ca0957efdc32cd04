"""The API's JSON: written by pydantic's serialiser (in Rust) rather than Python's json module.

A page of fifty plans is some 28 KB of JSON; the json module with Django's encoder took a tenth
of the request to write it, pydantic_core a sixth of that. What each type becomes is the same as
before (dates and times in ISO 8601, decimals and UUIDs as text, an enumeration as its value)
but for two things: a date-time keeps its microseconds (Django's encoder cut them to
milliseconds), and text outside ASCII is written as UTF-8 rather than as \\u escapes. Anything
else (a lazy translation, a pydantic URL) is turned into JSON by ninja's own encoder.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from pydantic_core import to_json

_ENCODER = NinjaJSONEncoder()


def _fallback(value: Any) -> Any:
    return _ENCODER.default(value)


class FastJSONRenderer(JSONRenderer):
    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return to_json(data, fallback=_fallback)
