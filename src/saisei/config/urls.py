from django.urls import include, path, re_path

from saisei.config.api import api
from saisei.core import views as core_views

urlpatterns = [
    path("", include("saisei.portal.urls")),
    path("accounts/", include("saisei.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("products/", include("saisei.products.urls")),
    path("registry/", include("saisei.registry.urls")),
    path("plans/", include("saisei.plans.urls")),
    path("obligations/", include("saisei.obligations.urls")),
    path("reporting/", include("saisei.reporting.urls")),
    path("oversight/", include("saisei.oversight.urls")),
    path("api/v1/", api.urls),
    # Last: an /api/ path no route matched answers the error body, not an HTML 404 page.
    re_path(r"^api/(?P<rest>.*)$", core_views.api_not_found),
]

# Translated, styled pages (and the error body for API paths) when DEBUG is off.
handler400 = "saisei.core.views.bad_request"
handler403 = "saisei.core.views.permission_denied"
handler404 = "saisei.core.views.page_not_found"
handler500 = "saisei.core.views.server_error"
