from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from saisei.accounts.services import LoginAttempt, login_attempt_begin, login_refused_record
from saisei.core.bounds import BoundedFormMixin


def client_ip(request: Any) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is set by the client and cannot be trusted here.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


class ThrottledAuthenticationForm(AuthenticationForm):
    """Sign-in that counts each attempt before checking the password, and refuses past the limit.

    A refused attempt (throttled or a wrong password) is audited here; a successful one is
    audited by the view, in the transaction that signs the person in.
    """

    attempt: LoginAttempt | None = None
    retry_after: int | None = None  # seconds, when the attempt was throttled

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            # A missing field is a field error; no password is checked, so nothing is counted.
            return super().clean()
        attempt = login_attempt_begin(username=username, ip_address=client_ip(self.request))
        if attempt.refused_until is not None:
            login_refused_record(attempt=attempt, reason="throttled")
            seconds = (attempt.refused_until - timezone.now()).total_seconds()
            minutes = max(1, math.ceil(seconds / 60))
            self.retry_after = max(1, math.ceil(seconds))
            raise ValidationError(
                ngettext(
                    "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
                    "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            login_refused_record(attempt=attempt, reason=exc.code or "invalid_login")
            raise
        self.attempt = attempt
        return cleaned


class TokenCreateForm(BoundedFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, for example “nightly export”."),
    )
