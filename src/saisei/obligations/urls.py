from django.urls import path

from saisei.obligations import views

app_name = "obligations"

urlpatterns = [
    path("", views.due, name="due"),
    path("<int:pk>/filing/", views.record_filing, name="record_filing"),
    path("<int:pk>/waive/", views.waive, name="waive"),
]
