"""Reads of accounts, scoped to the actor: a user's API tokens are their own alone."""

from __future__ import annotations

from django.db.models import QuerySet

from saisei.accounts.models import ApiToken, User
from saisei.core.errors import NotFound


def tokens_for(actor: User) -> QuerySet[ApiToken]:
    """The actor's own tokens, newest first."""
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


def token_get_for(actor: User, pk: int) -> ApiToken:
    """One of the actor's own tokens; another user's is "not found", as a missing one is."""
    token = ApiToken.objects.filter(user=actor, pk=pk).first()
    if token is None:
        raise NotFound("token")
    return token
