"""The route-coverage matrix: every route of the URLconf and every operation of the API, with
what each persona gets (permissions.txt), and how a row becomes a real request.

A row is `kind method route fill` then one outcome per persona, in the order of PERSONAS:
`page` rows name a URL pattern (`namespace:name`), `api` rows an OpenAPI operation (its path).
`fill` names the demo object whose id fills the path parameters (`-` for none). An outcome is a
status code, or `login` for a redirect to the sign-in page.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from saisei.core.time import legal_today
from tests.security.conftest import PERSONAS, PatientWorld
from tests.security.test_patient_fields import api_body

MATRIX = Path(__file__).with_name("permissions.txt")
COLUMNS = [persona or "anonymous" for persona in PERSONAS]
_CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_PARAMETER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Row:
    kind: str  # "page" or "api"
    method: str
    route: str  # a URL pattern's name, or an API operation's path
    fill: str
    outcomes: dict[str, str]

    @property
    def id(self) -> str:
        return f"{self.kind} {self.method} {self.route}"


def read_matrix(path: Path = MATRIX) -> list[Row]:
    rows = []
    header: list[str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        cells = text.split()
        if header is None:
            header = cells
            assert header[4:] == COLUMNS, f"{path.name}:{number}: the columns are {COLUMNS}"
            continue
        assert len(cells) == len(header), (
            f"{path.name}:{number}: {len(cells)} cells, not {len(header)}"
        )
        kind, method, route, fill, *outcomes = cells
        assert kind in ("page", "api"), f"{path.name}:{number}: kind {kind}"
        rows.append(
            Row(kind, method.lower(), route, fill, dict(zip(COLUMNS, outcomes, strict=True)))
        )
    return rows


# --- what there is to cover -------------------------------------------------------------------


@functools.cache
def api_operations() -> frozenset[tuple[str, str]]:
    """(method, path) of every operation of the OpenAPI document."""
    from saisei.config.api import api

    schema = api.get_openapi_schema()
    return frozenset(
        (method, path) for path, methods in schema["paths"].items() for method in methods
    )


@functools.cache
def page_routes() -> dict[str, str]:
    """Every URL pattern of the URLconf by name, with its path: the API's own patterns too
    (its documentation), but not those that serve an OpenAPI operation (an `api` row each)."""
    operation_paths = {path for _method, path in api_operations()}
    routes: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                if not isinstance(p.pattern, RoutePattern):
                    # The API's catch-all regex: any /api/ path no route matched.
                    routes[f"{namespace}{p.name or 'api-catch-all'}"] = "/api/matrix-unknown"
                    continue
                path = "/" + prefix + str(p.pattern)
                if _CONVERTER.sub(r"{\g<name>}", path) not in operation_paths:
                    routes[f"{namespace}{p.name}"] = path

    walk(get_resolver().url_patterns, "", "")
    return routes


# --- a row as a request -----------------------------------------------------------------------


def _value(fill: str, parameter: str, objects: dict[str, Any]) -> Any:
    if fill == "renewal":  # a renewal's routes name its committee too
        return (
            objects["renewal"] if parameter in ("renewal_id", "renewal_pk") else objects["minato"]
        )
    if fill == "member":  # a member's routes name its committee too
        return objects["member"] if parameter in ("member_id", "member_pk") else objects["kasumi"]
    return objects[fill]


def url_for(row: Row, route: str, objects: dict[str, Any]) -> str:
    if row.kind == "page":
        return _CONVERTER.sub(lambda m: str(_value(row.fill, m.group("name"), objects)), route)
    return _PARAMETER.sub(lambda m: str(_value(row.fill, m.group(1), objects)), route)


def body_for(
    row: Row, url: str, persona: str | None, world: PatientWorld, schema: dict[str, Any]
) -> Any:
    """A body that passes the operation's schema, so that the request reaches the permission
    check: the security walk's valid bodies where it has one, else the schema's smallest
    instance (the request then fails, if it does, on the service's own rules)."""
    if row.kind == "page":
        return {}
    body = api_body(row.method, row.route, url, persona, world) or BODIES.get(
        (row.method, row.route)
    )
    if body:
        return body
    operation = schema["paths"][row.route][row.method]
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        found = example(content["application/json"]["schema"], schema["components"]["schemas"])
        if isinstance(found, dict) and "institution_id" in found:
            # The demo institution the matrix is about, not whichever has the smallest id (on
            # PostgreSQL an earlier module's rolled-back rows have used the first ids).
            found["institution_id"] = world.hinata_plan.institution_id
        return found
    return {}


# Where the schema's smallest instance is refused by the schema itself (a choice among
# several shapes), a body that passes it.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/v1/reviews/{review_id}/opinion"): {
        "meeting_id": 1,
        "decision": "approve",
        "reasons": "matrix (fictional)",
        "scientific_validity": "matrix (fictional)",
    },
}

_TEXT_CANDIDATES = ("matrix", "M1", "MATRIX-1", "a", "1", "NA0000001", "FA0000001", "ab")


def example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """The smallest instance of a JSON schema: its required properties only, each the first
    value its type, enum, format, bounds and pattern allow."""
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[1]], components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return example(options[0], components) if options else None
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: example(properties[name], components) for name in schema.get("required", [])}
    if kind == "array":
        return [example(schema["items"], components) for _ in range(schema.get("minItems", 0))]
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        return max(low, 1) if "maximum" not in schema else min(max(low, 1), schema["maximum"])
    if kind == "string":
        if schema.get("format") == "date":
            return (legal_today() - timedelta(days=1)).isoformat()
        if schema.get("format") == "date-time":
            return f"{legal_today().isoformat()}T00:00:00+09:00"
        low, high = schema.get("minLength", 0), schema.get("maxLength", 10**6)
        pattern = schema.get("pattern")
        for text in _TEXT_CANDIDATES:
            if low <= len(text) <= high and (pattern is None or re.search(pattern, text)):
                return text
        return "m" * max(low, 1)
    return None
