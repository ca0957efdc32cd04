"""Every API schema class has its own name.

django-ninja names a component of the OpenAPI document after its class; two classes of one name
(plans' `NoticeOut` and the registry's) become one component, so the document describes one
operation's body or answer with the other's fields, and clients and the fuzzer follow it.
"""

from __future__ import annotations

from collections import defaultdict

import pydantic

from saisei.config.api import api


def _saisei_models(base: type) -> list[type]:
    found: list[type] = []
    for cls in base.__subclasses__():
        if cls.__module__.startswith("saisei."):
            found.append(cls)
        found += _saisei_models(cls)
    return found


def test_no_two_api_schemas_share_a_name() -> None:
    document = api.get_openapi_schema()  # builds every schema the routes use
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _saisei_models(pydantic.BaseModel):
        by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert len(by_name) > 50, "the walk found the project's schemas"
    assert "PlanOut" in document["components"]["schemas"]
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}
