from django.urls import path

from saisei.registry import manage, views

app_name = "registry"

urlpatterns = [
    path("institutions/new/", manage.institution_new, name="institution_new"),
    path("committees/new/", manage.committee_new, name="committee_new"),
    path("committees/<int:pk>/rules/", manage.committee_rules, name="committee_rules"),
    path("committees/<int:pk>/members/", manage.committee_member_new, name="committee_member"),
    path("committees/<int:pk>/edit/", manage.committee_edit, name="committee_edit"),
    path(
        "committees/<int:pk>/members/<int:member_pk>/deactivate/",
        views.committee_member_deactivate,
        name="committee_member_deactivate",
    ),
    path(
        "committees/<int:pk>/members/<int:member_pk>/reactivate/",
        views.committee_member_reactivate,
        name="committee_member_reactivate",
    ),
    path("facilities/new/", manage.facility_new, name="facility_new"),
    path("institutions/<int:pk>/edit/", manage.institution_edit, name="institution_edit"),
    path("facilities/<int:pk>/edit/", manage.facility_edit, name="facility_edit"),
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
