"""Legal dates are calendar dates in Japan time (domain.md §1.9)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def legal_today() -> date:
    """Today's date in Asia/Tokyo (TIME_ZONE), whatever the server's own zone."""
    return timezone.localdate()
