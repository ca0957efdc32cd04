from django.urls import path

from saisei.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("guide/", views.guide, name="guide"),
]
