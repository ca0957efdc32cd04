from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from saisei.accounts.roles import OrganisationKind, Role


class User(AbstractUser):
    """A person who signs in. Patients never have accounts: the registry holds no patient names."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username


class Organisation(models.Model):
    """Any body a user acts for: an institution, a committee, a regulator office, a holder.

    The registry's institutions and committees and the products' holders each point to
    one Organisation, so that memberships and permission scopes work the same for all.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "slug"]
        indexes = [models.Index(fields=["kind", "slug"])]

    def __str__(self) -> str:
        return self.name

    def scope_organisation_ids(self) -> set[int]:
        return {self.pk}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.organisation}"


class ApiToken(models.Model):
    """A bearer token for programs. Only its SHA-256 digest is stored.

    The secret is 256 random bits, so a fast digest is as safe as a slow password hash
    and keeps per-request authentication cheap. The prefix lets a person tell tokens
    apart without the secret.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LoginThrottle(models.Model):
    """Sign-in attempts in the current window for one username or one client address.

    Every attempt is counted here before its password is checked, by one UPDATE that holds
    the row's lock until it commits, so parallel guesses cannot all pass the check and
    then all be counted. A successful sign-in gives its count back.
    """

    class Scope(models.TextChoices):
        USERNAME = "username", _("per username")
        ADDRESS = "address", _("per client address")

    scope = models.CharField(max_length=10, choices=Scope.choices)
    # The username folded to lower case, or the client's IP address as text.
    key = models.CharField(max_length=150)
    window_started_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.attempts} since {self.window_started_at:%H:%M}"
