from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from saisei.accounts.services import (
    login_failure_record,
    login_failures_clear,
    login_throttled,
)


def client_ip(request: Any) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is set by the client and cannot be trusted here.
    return request.META.get("REMOTE_ADDR") if request is not None else None


class ThrottledAuthenticationForm(AuthenticationForm):
    """Sign-in that refuses attempts after repeated failures, before checking the password."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed sign-in attempts. Wait 15 minutes before trying again."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        if username and login_throttled(username=username, ip_address=ip):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            if username:
                login_failure_record(username=username, ip_address=ip)
            raise
        login_failures_clear(username=username)
        return cleaned


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, for example “nightly export”."),
    )
