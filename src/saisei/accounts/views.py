from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saisei.accounts.forms import ThrottledAuthenticationForm, TokenCreateForm, client_ip
from saisei.accounts.models import User
from saisei.accounts.selectors import token_get_for, tokens_for
from saisei.accounts.services import (
    login_succeeded_record,
    logout_record,
    token_create,
    token_revoke,
)
from saisei.api import idempotency
from saisei.core.errors import DomainError, NotFound


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        # The session, last_login and the audit event commit together or not at all.
        with transaction.atomic():
            response = super().form_valid(form)
            assert form.attempt is not None  # set by the form's clean() on success
            login_succeeded_record(attempt=form.attempt, user=form.get_user())
        return response

    def form_invalid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            # The same translated sign-in page, with the refusal, as 429 Too Many Requests.
            response.status_code = 429
            if form.retry_after is not None:
                response["Retry-After"] = str(form.retry_after)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        with transaction.atomic():
            response = super().post(request, *args, **kwargs)
            if user is not None:
                logout_record(user=user, ip_address=client_ip(request))
        return response


def _signed_in(request: HttpRequest) -> User:
    # Every page here is behind login_required, so its user is signed in.
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    memberships = (
        user.memberships.filter(is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    tokens = tokens_for(user)
    return render(
        request,
        "accounts/account.html",
        {"memberships": memberships, "tokens": tokens, "form": TokenCreateForm()},
    )


# The page shows the new secret once: a repeated form (same idempotency_key) creates nothing
# and is told so, since the secret is not kept to be shown again.
@idempotency.withholds()
@login_required
@require_POST
def token_new(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            issued = token_create(user=user, name=form.cleaned_data["name"], actor=user)
        except DomainError as exc:
            form.add_error("name", str(exc.message))
        else:
            return render(request, "accounts/token_created.html", {"issued": issued})
    tokens = tokens_for(user)
    memberships = user.memberships.filter(is_active=True).select_related("organisation")
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
    user = _signed_in(request)
    try:
        token = token_get_for(user, pk)
    except NotFound:
        raise Http404 from None
    try:
        token_revoke(token=token, actor=user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("The token is revoked. Programs using it can no longer sign in.")
        )
    return redirect("accounts:account")
