from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saisei.accounts.forms import ThrottledAuthenticationForm, TokenCreateForm
from saisei.accounts.models import ApiToken
from saisei.accounts.services import token_create, token_revoke
from saisei.core.errors import DomainError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def account(request: HttpRequest) -> HttpResponse:
    memberships = (
        request.user.memberships.filter(is_active=True)  # type: ignore[union-attr]
        .select_related("organisation")
        .order_by("organisation__name")
    )
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "accounts/account.html",
        {"memberships": memberships, "tokens": tokens, "form": TokenCreateForm()},
    )


@login_required
@require_POST
def token_new(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            issued = token_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except DomainError as exc:
            form.add_error("name", str(exc.message))
        else:
            return render(request, "accounts/token_created.html", {"issued": issued})
    tokens = ApiToken.objects.filter(user=request.user)
    memberships = request.user.memberships.filter(is_active=True).select_related("organisation")  # type: ignore[union-attr]
    return render(
        request,
        "accounts/account.html",
        {"memberships": memberships, "tokens": tokens, "form": form},
        status=400,
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    # Another user's token is "not found", not "forbidden": its existence is not disclosed.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("The token is revoked. Programs using it can no longer sign in.")
        )
    return redirect("accounts:account")
