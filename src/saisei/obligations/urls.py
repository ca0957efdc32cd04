from django.urls import path

from saisei.obligations import views

app_name = "obligations"

urlpatterns = [
    path("", views.due, name="due"),
]
