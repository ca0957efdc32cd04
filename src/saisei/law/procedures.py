"""What each risk class requires before the first provision (domain.md §1.3)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from saisei.law.errors import LawInputError, describe_value

__all__ = [
    "CLASS1_RESTRICTION_DAYS",
    "CommitteeKind",
    "FiledWith",
    "Procedure",
    "RiskClass",
    "procedure_for",
]

# Class I may not be provided until the 91st day counting the filing day as day 1; the same number
# drives the `class1_restriction` obligation rule.
CLASS1_RESTRICTION_DAYS = 90


class RiskClass(StrEnum):
    I = "I"  # noqa: E741 - the statute's own name for the class
    II = "II"
    III = "III"


class CommitteeKind(StrEnum):
    SPECIALLY_CERTIFIED = "specially_certified"
    CERTIFIED = "certified"


class FiledWith(StrEnum):
    MINISTER = "minister"
    REGIONAL_BUREAU = "regional_bureau"


@dataclass(frozen=True, slots=True)
class Procedure:
    """The review and filing a class needs.

    ``committee`` is the *minimum* kind of committee required: a Class III plan may be reviewed by a
    certified committee, and a specially certified one may review it too.
    """

    risk_class: RiskClass
    committee: CommitteeKind
    filed_with: FiledWith
    restriction_days: int
    basis: str

    def to_dict(self) -> dict[str, object]:
        return {
            "committee": self.committee.value,
            "filed_with": self.filed_with.value,
            "restriction_days": self.restriction_days,
        }


_PROCEDURES: dict[RiskClass, Procedure] = {
    RiskClass.I: Procedure(
        risk_class=RiskClass.I,
        committee=CommitteeKind.SPECIALLY_CERTIFIED,
        filed_with=FiledWith.MINISTER,
        restriction_days=CLASS1_RESTRICTION_DAYS,
        basis=(
            "RM Act (Class I: specially certified committee, plan filed with the Minister, "
            "90-day provision restriction from filing; Art 10 for a non-minor change)"
        ),
    ),
    RiskClass.II: Procedure(
        risk_class=RiskClass.II,
        committee=CommitteeKind.SPECIALLY_CERTIFIED,
        filed_with=FiledWith.REGIONAL_BUREAU,
        restriction_days=0,
        basis=(
            "RM Act (Class II: specially certified committee, plan filed with the Regional Bureau "
            "of Health and Welfare)"
        ),
    ),
    RiskClass.III: Procedure(
        risk_class=RiskClass.III,
        committee=CommitteeKind.CERTIFIED,
        filed_with=FiledWith.REGIONAL_BUREAU,
        restriction_days=0,
        basis=(
            "RM Act (Class III: certified committee or a specially certified one, plan filed with "
            "the Regional Bureau of Health and Welfare)"
        ),
    ),
}


def procedure_for(risk_class: RiskClass | str) -> Procedure:
    """The procedure for a risk class (``RiskClass`` or its text, ``"I"``/``"II"``/``"III"``)."""
    try:
        key = RiskClass(risk_class)
    except ValueError:
        raise LawInputError(
            "risk_class", f"must be one of I, II, III (got {describe_value(risk_class)})"
        ) from None
    return _PROCEDURES[key]
