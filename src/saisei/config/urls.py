from django.urls import include, path

from saisei.api.api import api

urlpatterns = [
    path("", include("saisei.portal.urls")),
    path("accounts/", include("saisei.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
