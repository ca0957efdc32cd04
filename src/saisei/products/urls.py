from django.urls import path

from saisei.products import views

app_name = "products"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("<slug:slug>/", views.product_detail, name="detail"),
    path("approvals/<int:pk>/decision/", views.approval_decision, name="approval_decision"),
    path("approvals/<int:pk>/grant/", views.approval_grant, name="approval_grant"),
]
