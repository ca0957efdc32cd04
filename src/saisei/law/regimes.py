"""Legal regimes of the RM Act by effective date.

The Act on the Safety of Regenerative Medicine (Act No. 85 of 2013) came into force on 2014-11-25
and was amended by Act No. 51 of 2024 with effect from 2025-05-31. The regime that applies to a
question is the one in force on the date asked about (for a plan: the date it is filed), so that
re-running a classification years later reproduces the answer given at the time.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date

from saisei.law.errors import LawInputError

__all__ = [
    "AMENDED_2025",
    "ORIGINAL_2014",
    "REGIMES",
    "RM_ACT_IN_FORCE",
    "Regime",
    "regime_on",
]


@dataclass(frozen=True, slots=True)
class Regime:
    """One version of the RM Act, in force from ``effective_from`` until the next one."""

    effective_from: date
    label: str
    citation: str
    # True from the 2025 amendment on: in vivo gene therapy (nucleic acids, 核酸等) is regulated.
    covers_nucleic_acids: bool

    @property
    def key(self) -> str:
        """The stable identifier used in outputs: the effective date as ISO text."""
        return self.effective_from.isoformat()


ORIGINAL_2014 = Regime(
    effective_from=date(2014, 11, 25),
    label="RM Act as in force from 2014-11-25",
    citation="Act No. 85 of 2013 (e-Gov law id 425AC0000000085), in force 2014-11-25",
    covers_nucleic_acids=False,
)

AMENDED_2025 = Regime(
    effective_from=date(2025, 5, 31),
    label="RM Act as amended from 2025-05-31",
    citation="Act No. 85 of 2013 as amended by Act No. 51 of 2024, in force 2025-05-31",
    covers_nucleic_acids=True,
)

# Oldest first; regime_on() relies on this order.
REGIMES: tuple[Regime, ...] = (ORIGINAL_2014, AMENDED_2025)
RM_ACT_IN_FORCE: date = ORIGINAL_2014.effective_from

_STARTS = [regime.effective_from for regime in REGIMES]


def regime_on(on: date, *, field: str = "date") -> Regime:
    """The regime in force on ``on``.

    Raises ``LawInputError`` (naming ``field``) for a date before the Act came into force: there is
    no RM Act answer to give for such a date.
    """
    index = bisect.bisect_right(_STARTS, on) - 1
    if index < 0:
        raise LawInputError(
            field,
            f"must be on or after {RM_ACT_IN_FORCE.isoformat()}, when the RM Act came into force "
            f'(got "{on.isoformat()}")',
        )
    return REGIMES[index]
