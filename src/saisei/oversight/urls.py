from django.urls import path

from saisei.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("plans/", views.plan_list, name="plans"),
    path("duties/", views.duty_list, name="duties"),
    path("adverse-events/", views.event_list, name="events"),
    path("committees/", views.committee_list, name="committees"),
    path("facilities/", views.facility_list, name="facilities"),
]
