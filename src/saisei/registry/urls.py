from django.urls import path

from saisei.registry import views

app_name = "registry"

urlpatterns = [
    path("institutions/<int:pk>/", views.institution_public, name="institution"),
    path("committees/", views.committee_list, name="committees"),
    path("committees/<int:pk>/", views.committee_page, name="committee"),
    path(
        "committees/<int:pk>/closed-days/",
        views.committee_closed_days,
        name="committee_closed_days",
    ),
    path("committees/<int:pk>/renewals/", views.committee_renewal_apply, name="committee_renewal"),
    path(
        "committees/<int:pk>/renewals/<int:renewal_pk>/decision/",
        views.committee_renewal_decide,
        name="committee_renewal_decision",
    ),
    path("facilities/", views.facility_list, name="facilities"),
    path("facilities/<int:pk>/", views.facility_page, name="facility"),
    path("facilities/<int:pk>/notices/", views.facility_notice, name="facility_notice"),
]
