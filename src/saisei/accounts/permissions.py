"""The one permission check used everywhere: `ensure_can(actor, permission, obj)`.

An object says which organisations it belongs to through `scope_organisation_ids()`
(a plan belongs to its institution and to the committee reviewing it, for example).
A membership grants its role's permissions within its organisation; a regulator
office's membership grants them nationwide. With no object, holding the permission
through any active membership is enough (listing one's own data, for example).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, cast

from saisei.accounts.roles import NATIONWIDE_KINDS, permissions_of_role
from saisei.core.errors import NotPermitted

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from saisei.accounts.models import User

    # Whoever a check is asked about: a signed-in user, the anonymous visitor, or no one.
    Actor = User | AnonymousUser | None


class Scoped(Protocol):
    def scope_organisation_ids(self) -> Iterable[int]: ...


_CACHE_ATTR = "_saisei_grants"


def _grants(actor: User) -> list[tuple[int, str, frozenset[str]]]:
    """(organisation id, kind, permissions) per active membership, cached on the user."""
    cached: list[tuple[int, str, frozenset[str]]] | None = getattr(actor, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from saisei.accounts.models import Membership

    grants = [
        (m.organisation_id, m.organisation.kind, permissions_of_role(m.role))
        for m in Membership.objects.filter(user=actor, is_active=True).select_related(
            "organisation"
        )
    ]
    setattr(actor, _CACHE_ATTR, grants)
    return grants


def forget_grants(actor: User) -> None:
    """Drop the cached grants, after a membership of this user changed."""
    if hasattr(actor, _CACHE_ATTR):
        delattr(actor, _CACHE_ATTR)


def _signed_in(actor: Actor) -> User | None:
    """The actor when it is a signed-in user; the anonymous visitor and no one hold nothing."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return cast("User", actor)


def can(actor: Actor, permission: str, obj: Scoped | None = None) -> bool:
    user = _signed_in(actor)
    if user is None:
        return False
    if not getattr(user, "is_active", False):
        return False
    holding = [(org, kind) for org, kind, perms in _grants(user) if permission in perms]
    if not holding:
        return False
    if obj is None:
        return True
    if any(kind in NATIONWIDE_KINDS for _, kind in holding):
        return True
    scope = set(obj.scope_organisation_ids())
    return any(org in scope for org, _ in holding)


def ensure_can(actor: Actor, permission: str, obj: Scoped | None = None) -> None:
    if not can(actor, permission, obj):
        raise NotPermitted(permission)


def organisation_ids_with(actor: Actor, permission: str) -> set[int] | None:
    """The organisations in which the actor holds a permission; None means nationwide.

    Selectors use this to start every query from what the actor may see.
    """
    user = _signed_in(actor)
    if user is None:
        return set()
    ids: set[int] = set()
    for org, kind, perms in _grants(user):
        if permission in perms:
            if kind in NATIONWIDE_KINDS:
                return None
            ids.add(org)
    return ids
