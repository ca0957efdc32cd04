"""Writes to accounts: users, memberships, API tokens. Each is audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saisei.accounts.models import ApiToken, FailedLogin, Membership, Organisation, User
from saisei.accounts.permissions import forget_grants
from saisei.accounts.roles import ROLE_ORGANISATION_KIND, OrganisationKind, Role
from saisei.audit.services import audit_record
from saisei.core.errors import DomainError, ErrorCode, NotPermitted

TOKEN_PREFIX = "saisei_"  # noqa: S105 - a public marker, not a secret


@transaction.atomic
def organisation_create(
    *,
    kind: str,
    slug: str,
    name: str,
    name_en: str = "",
    actor: User | None,
    system: str | None = None,
) -> Organisation:
    if kind not in OrganisationKind.values:
        raise DomainError(
            ErrorCode.INVALID_INPUT, _("Unknown organisation kind."), details={"kind": kind}
        )
    if Organisation.objects.filter(slug=slug).exists():
        raise DomainError(
            ErrorCode.CONFLICT,
            _("An organisation with this identifier exists."),
            details={"slug": slug},
            status=409,
        )
    org = Organisation.objects.create(kind=kind, slug=slug, name=name, name_en=name_en)
    audit_record(
        action="accounts.organisation.created",
        actor=actor,
        target=org,
        data={"kind": kind, "slug": slug, "name": name, "name_en": name_en},
        system=system,
    )
    return org


@transaction.atomic
def membership_grant(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    actor: User | None,
    system: str | None = None,
) -> Membership:
    if role not in Role.values:
        raise DomainError(ErrorCode.INVALID_INPUT, _("Unknown role."), details={"role": role})
    if ROLE_ORGANISATION_KIND[role] != organisation.kind:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            _("This role does not belong to this kind of organisation."),
            details={"role": role, "organisation_kind": organisation.kind},
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"is_active": True}
    )
    if not created and not membership.is_active:
        Membership.objects.filter(pk=membership.pk).update(is_active=True)
        membership.is_active = True
    audit_record(
        action="accounts.membership.granted",
        actor=actor,
        target=organisation,
        data={"user_id": user.pk, "username": user.username, "role": role},
        system=system,
    )
    forget_grants(user)
    return membership


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    email: str = "",
    display_name: str = "",
    actor: User | None,
    system: str | None = None,
) -> User:
    if User.objects.filter(username=username).exists():
        raise DomainError(
            ErrorCode.CONFLICT,
            _("This username is taken."),
            details={"username": username},
            status=409,
        )
    user = User(username=username, email=email, display_name=display_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(
        action="accounts.user.created",
        actor=actor,
        target=user,
        data={"username": username, "email": email},
        system=system,
    )
    return user


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the person once; never stored


@transaction.atomic
def token_create(*, user: User, name: str, actor: User) -> IssuedToken:
    if actor.pk != user.pk:
        raise NotPermitted("accounts.token.create")
    name = name.strip()
    if not name or len(name) > 100:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            _("Give the token a name of 1 to 100 characters."),
            details={"field": "name"},
        )
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=token_digest(secret)
    )
    audit_record(
        action="accounts.token.created",
        actor=actor,
        target=token,
        data={"name": name, "prefix": prefix},
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.user_id != actor.pk:
        raise NotPermitted("accounts.token.revoke")
    now = timezone.now()
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if not changed:
        raise DomainError(ErrorCode.TOKEN_REVOKED, _("This token is already revoked."), status=409)
    token.revoked_at = now
    audit_record(
        action="accounts.token.revoked", actor=actor, target=token, data={"prefix": token.prefix}
    )
    return token


def token_authenticate(secret: str) -> User | None:
    """The active user a bearer token belongs to, or None. Records the token's last use.

    The token is looked up by its digest, so no comparison of secrets happens in Python.
    """
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Written at most once a minute per token, so reads do not turn into a write each.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    user = token.user
    user._saisei_token = token  # type: ignore[attr-defined]
    return user


# Throttling of failed sign-ins ------------------------------------------------------------


def login_throttled(*, username: str, ip_address: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    recent = FailedLogin.objects.filter(at__gte=since)
    if recent.filter(username__iexact=username).count() >= settings.LOGIN_THROTTLE_MAX_FAILURES:
        return True
    return (
        ip_address is not None
        and recent.filter(ip_address=ip_address).count()
        >= settings.LOGIN_THROTTLE_MAX_FAILURES_PER_IP
    )


def login_failure_record(*, username: str, ip_address: str | None) -> None:
    FailedLogin.objects.create(username=username[:150], ip_address=ip_address, at=timezone.now())


def login_failures_clear(*, username: str) -> None:
    FailedLogin.objects.filter(username__iexact=username).delete()
