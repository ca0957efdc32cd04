from django.urls import path

from saisei.registry import views

app_name = "registry"

urlpatterns = [
    path("institutions/<int:pk>/", views.institution_public, name="institution"),
]
