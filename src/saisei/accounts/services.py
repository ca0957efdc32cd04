"""Writes to accounts: users, memberships, API tokens. Each is audited."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from saisei.accounts.models import ApiToken, LoginThrottle, Membership, Organisation, User
from saisei.accounts.permissions import forget_grants
from saisei.accounts.roles import ROLE_ORGANISATION_KIND, OrganisationKind, Role
from saisei.audit.services import audit_record
from saisei.core.errors import DomainError, ErrorCode, NotPermitted, invalid

TOKEN_PREFIX = "saisei_"  # noqa: S105 - a public marker, not a secret

logger = logging.getLogger("saisei.accounts")


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
        raise invalid(
            "name",
            _("Give the token a name of 1 to 100 characters."),
            ErrorCode.INVALID_INPUT,
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
    token_touch(token)
    user = token.user
    user._saisei_token = token  # type: ignore[attr-defined]
    return user


TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def token_touch(token: ApiToken, *, now: datetime | None = None) -> bool:
    """Record a token's last use, at most once per TOKEN_TOUCH_INTERVAL; True if written.

    Bookkeeping, never a reason to refuse the request it rides on: one conditional UPDATE
    (a concurrent request that already wrote it makes this one change nothing), which skips a
    row another transaction has locked (PostgreSQL) and gives up when the database is locked
    by a writer (SQLite's "database is locked"); the next request after that writes it.
    """
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at <= TOKEN_TOUCH_INTERVAL:
        return False
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOKEN_TOUCH_INTERVAL)
    try:
        with transaction.atomic():
            unlocked = (
                ApiToken.objects.filter(stale, pk=token.pk)
                .select_for_update(skip_locked=True)
                .values("pk")
            )
            written = ApiToken.objects.filter(pk__in=unlocked).update(last_used_at=now)
    except OperationalError as exc:
        logger.info("Token %s last use not recorded: %s", token.prefix, exc)
        return False
    if written:
        token.last_used_at = now
    return bool(written)


# Sign-in: throttling and the audit trail -------------------------------------------------
#
# An attempt is counted before its password is checked: `login_attempt_begin` adds one to the
# counter of the client address and of the username in one short transaction (each an UPDATE
# that locks the row, in the same order every time) and refuses when either is past its limit.
# Parallel guesses therefore queue on the row lock and at most the limit of them reach the
# password check. The transaction commits before the check, so a slow Argon2 hash never holds a
# lock. The window is fixed: it starts with the first attempt after the previous one expired.


@dataclass(frozen=True)
class LoginAttempt:
    """One sign-in attempt, already counted. `refused_until` is set when it is throttled."""

    username: str
    ip_address: str | None
    # The window each counter was charged in, so a refund never lands in a later window.
    windows: dict[str, datetime]
    refused_until: datetime | None = None

    @property
    def refused(self) -> bool:
        return self.refused_until is not None


def _username_key(username: str) -> str:
    return username.strip().lower()[:150]


def _charge(scope: str, key: str, *, now: datetime, window: timedelta) -> tuple[int, datetime]:
    """Count one attempt for (scope, key); the count and window start after it."""
    LoginThrottle.objects.bulk_create(
        [LoginThrottle(scope=scope, key=key, window_started_at=now, attempts=0)],
        ignore_conflicts=True,
    )
    expired = Q(window_started_at__lte=now - window)
    LoginThrottle.objects.filter(scope=scope, key=key).update(
        attempts=Case(When(expired, then=Value(1)), default=F("attempts") + 1),
        window_started_at=Case(When(expired, then=Value(now)), default=F("window_started_at")),
    )
    attempts, started = (
        LoginThrottle.objects.filter(scope=scope, key=key)
        .values_list("attempts", "window_started_at")
        .get()
    )
    return attempts, started


def login_attempt_begin(*, username: str, ip_address: str | None) -> LoginAttempt:
    """Count a sign-in attempt and say whether it may go on to the password check."""
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    windows: dict[str, datetime] = {}
    with transaction.atomic():
        # The address first, always: one lock order for every attempt, so no deadlock.
        if ip_address:
            attempts, started = _charge(
                LoginThrottle.Scope.ADDRESS, ip_address, now=now, window=window
            )
            windows[LoginThrottle.Scope.ADDRESS] = started
            if attempts > settings.LOGIN_THROTTLE_MAX_FAILURES_PER_IP:
                return LoginAttempt(username, ip_address, windows, started + window)
        attempts, started = _charge(
            LoginThrottle.Scope.USERNAME, _username_key(username), now=now, window=window
        )
        windows[LoginThrottle.Scope.USERNAME] = started
        if attempts > settings.LOGIN_THROTTLE_MAX_FAILURES:
            return LoginAttempt(username, ip_address, windows, started + window)
    return LoginAttempt(username, ip_address, windows)


def _user_scope(user: User) -> list[int]:
    return list(user.memberships.filter(is_active=True).values_list("organisation_id", flat=True))


def login_refused_record(*, attempt: LoginAttempt, reason: str) -> None:
    """Audit a refused sign-in: `throttled` (the password was not checked) or `invalid_login`.

    The counters keep the attempt: a wrong password is a failure.
    """
    # The account the attempt named, matched as the authentication backend matches it.
    user = User.objects.filter(username=attempt.username).first()
    with transaction.atomic():
        audit_record(
            action="accounts.user.sign_in_refused",
            actor=None,
            system="sign-in",
            target=user,
            scope=_user_scope(user) if user is not None else [],
            data={
                "username": attempt.username[:150],
                "ip_address": attempt.ip_address,
                "reason": reason,
            },
        )


def login_succeeded_record(*, attempt: LoginAttempt, user: User) -> None:
    """Clear the username's counter, give the address back its count, and audit the sign-in.

    Runs inside the view's transaction around `login()`, so the event commits with the session.
    """
    LoginThrottle.objects.filter(
        scope=LoginThrottle.Scope.USERNAME, key=_username_key(attempt.username)
    ).update(attempts=0)
    started = attempt.windows.get(LoginThrottle.Scope.ADDRESS)
    if attempt.ip_address and started is not None:
        # Not cleared: one account's correct password must not reset guessing at others.
        LoginThrottle.objects.filter(
            scope=LoginThrottle.Scope.ADDRESS,
            key=attempt.ip_address,
            window_started_at=started,
            attempts__gt=0,
        ).update(attempts=F("attempts") - 1)
    audit_record(
        action="accounts.user.signed_in",
        actor=user,
        target=user,
        scope=_user_scope(user),
        data={"ip_address": attempt.ip_address},
    )


def logout_record(*, user: User, ip_address: str | None) -> None:
    """Audit a sign-out; runs inside the view's transaction around `logout()`."""
    audit_record(
        action="accounts.user.signed_out",
        actor=user,
        target=user,
        scope=_user_scope(user),
        data={"ip_address": ip_address},
    )
