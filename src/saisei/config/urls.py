from django.urls import include, path

from saisei.api.api import api

urlpatterns = [
    path("", include("saisei.portal.urls")),
    path("accounts/", include("saisei.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("products/", include("saisei.products.urls")),
    path("registry/", include("saisei.registry.urls")),
    path("plans/", include("saisei.plans.urls")),
    path("obligations/", include("saisei.obligations.urls")),
    path("reporting/", include("saisei.reporting.urls")),
    path("api/v1/", api.urls),
]
