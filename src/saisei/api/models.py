"""The stored answers of idempotent creating requests (saisei.api.idempotency)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

KEY_MAX_LENGTH = 255


class IdempotencyKey(models.Model):
    """One actor's Idempotency-Key and the answer its first request got.

    A row becomes visible to other requests only when the request that claimed it commits,
    and it commits with the record it created and the stored answer, or not at all.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=KEY_MAX_LENGTH)
    # SHA-256 of the method, the path with its query and the body: the same key with another
    # request is refused, not answered with this one's result.
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    # The answer's body (the API's JSON), or empty for a page, whose answer is a redirect to
    # `location` or, when it was a page of its own, not kept.
    body = models.TextField(blank=True)
    location = models.CharField(max_length=2000, blank=True)
    # The answer held a secret (a new token's) that is shown once and never stored: a repeat
    # is told the record exists instead of getting the answer again.
    withheld = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "key"], name="one_idempotency_key_per_actor")
        ]
        indexes = [models.Index(fields=["actor", "created_at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.status})"
