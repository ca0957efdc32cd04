"""The Content-Security-Policy of the interactive API documentation at /api/v1/docs.

django-ninja serves Swagger UI from its own static files (no CDN); the settings come as a
`<script type="application/json">` data block that the bundled init script reads, so no inline
script runs. What the strict site-wide policy still lacks for Swagger UI is added here, on
these two views only (the docs page and openapi.json).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from csp.decorators import csp_update

# Swagger UI's stylesheet draws its icons (an operation's expand arrow, the schema toggles) as
# data: URI SVG images; without this they are blocked and the expanded panels lose their icons.
DOCS_CSP_UPDATE: dict[str, list[str]] = {"img-src": ["data:"]}


def docs_csp(view: Callable[..., Any]) -> Callable[..., Any]:
    return csp_update(DOCS_CSP_UPDATE)(view)
