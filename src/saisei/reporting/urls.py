from django.urls import path

from saisei.reporting import views

app_name = "reporting"

urlpatterns = [
    path("plans/<int:pk>/", views.plan_reporting, name="plan"),
    path("adverse-events/<int:pk>/report/", views.adverse_event_report, name="event_report"),
    path("periodic/<int:pk>/", views.periodic_report, name="periodic"),
    path("periodic/<int:pk>/csv/", views.periodic_report_csv, name="periodic_csv"),
    path("reviews/", views.reviews, name="reviews"),
    path("ae-reports/<int:pk>/review/", views.ae_report_review, name="ae_report_review"),
]
