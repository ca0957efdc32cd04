from django.urls import path

from saisei.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("tokens/", views.token_new, name="token_new"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
]
