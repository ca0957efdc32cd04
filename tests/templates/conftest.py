"""The security walks' demo world (both institutions with patient data), for the page checks."""

from tests.security.conftest import patient_world, world

__all__ = ["patient_world", "world"]
