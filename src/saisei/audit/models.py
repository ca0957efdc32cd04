from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditChainHead(models.Model):
    """The chain's last sequence number and hash: one row, locked by every append.

    Locking this row serialises appends, so sequence numbers have no gaps and each
    event's previous hash is the true previous event. A gap, or a head that does not
    match the last event, means an event went missing.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"audit chain head #{self.seq}"


class AuditEvent(models.Model):
    """One write to the system: who did what, when, to what. Append-only.

    The database refuses UPDATE and DELETE on this table (triggers in the migration);
    the hash chain makes any change that bypasses that visible to `saisei audit verify`.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_token = models.ForeignKey(
        "accounts.ApiToken", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who acted, as text, kept even for system actions with no user ("system:demo").
    actor_label = models.CharField(max_length=200)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=100, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    # Organisations the event concerns, so an institution can read its own trail.
    scope = models.JSONField(default=list)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only; they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Audit events are append-only; they cannot be deleted.")
