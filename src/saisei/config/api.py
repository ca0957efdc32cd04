"""The API at /api/v1/: built by saisei.api and with each app's router mounted, one line each.

Only the URLconf imports this module (an import contract in pyproject.toml holds it): an app
builds its router from saisei.api's building blocks (schemas, idempotency, the FHIR router)
and never imports the module that imports every app. The order of the mounts is the order of
the OpenAPI document's paths.
"""

from __future__ import annotations

from saisei.accounts.api import router as accounts_router
from saisei.api.api import build_api
from saisei.api.fhir import fhir_router
from saisei.obligations.api import router as obligations_router
from saisei.plans.api import router as plans_router
from saisei.products.api import router as products_router
from saisei.registry.api import router as registry_router
from saisei.reporting.api import router as reporting_router

api = build_api()
api.add_router("/me", accounts_router)
api.add_router("/products", products_router)
api.add_router("/fhir", fhir_router)
api.add_router("", registry_router)
api.add_router("", plans_router)
api.add_router("/obligations", obligations_router)
api.add_router("/reporting", reporting_router)
