"""Who receives a report, and how that decides whether its last day moves (domain.md §1.8-1.9).

One event can owe several reports, one per recipient, each a separate duty with its own legal
basis, due date and status. The recipient also decides the roll-forward: a filing with a national
authority moves past 行政機関の休日 (Act on Holidays of Administrative Organs Art 2); a report to a
certified committee is not a filing with a government office and moves only where the committee's
own rules record that it does not transact on that day (Civil Code Art 142); a publication on jRCT
is not a filing with an office at all.
"""

from __future__ import annotations

from enum import StrEnum

from saisei.law.errors import LawInputError, describe_value
from saisei.law.procedures import FiledWith, RiskClass, procedure_for

__all__ = ["RECIPIENT_LABELS_JA", "Recipient", "RollPolicy", "authority_for", "roll_policy_for"]


class Recipient(StrEnum):
    """Recipient ids used in data, the API and ``saisei deadline --to``."""

    COMMITTEE = "committee"  # the plan's certified committee
    MINISTER = "minister"  # MHLW itself
    REGIONAL_BUREAU = "regional_bureau"  # for the Minister (Ordinance Art 118)
    JRCT = "jrct"  # the Japan Registry of Clinical Trials (publication)

    @property
    def national_authority(self) -> bool:
        return self in (Recipient.MINISTER, Recipient.REGIONAL_BUREAU)

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def label_ja(self) -> str:
        return RECIPIENT_LABELS_JA[self]


_LABELS: dict[Recipient, str] = {
    Recipient.COMMITTEE: "the certified committee",
    Recipient.MINISTER: "the Minister of Health, Labour and Welfare",
    Recipient.REGIONAL_BUREAU: "the Regional Bureau of Health and Welfare (for the Minister)",
    Recipient.JRCT: "jRCT",
}

RECIPIENT_LABELS_JA: dict[Recipient, str] = {
    Recipient.COMMITTEE: "認定再生医療等委員会",
    Recipient.MINISTER: "厚生労働大臣",
    Recipient.REGIONAL_BUREAU: "地方厚生局(厚生労働大臣の権限の委任)",
    Recipient.JRCT: "jRCT",
}


class RollPolicy(StrEnum):
    """How a last day that falls on a closed day is treated, by recipient."""

    ADMINISTRATIVE_HOLIDAYS = "administrative_holidays"  # Act on Holidays of Admin. Organs Art 2
    COMMITTEE_RULES = "committee_rules"  # Civil Code Art 142, the committee's recorded closed days
    NONE = "none"  # never moved (restrictions, validity, retention, jRCT publication)


def roll_policy_for(recipient: Recipient | None) -> RollPolicy:
    if recipient is None or recipient is Recipient.JRCT:
        return RollPolicy.NONE
    if recipient is Recipient.COMMITTEE:
        return RollPolicy.COMMITTEE_RULES
    return RollPolicy.ADMINISTRATIVE_HOLIDAYS


def authority_for(risk_class: RiskClass | str) -> Recipient:
    """The plan's authority: the one its filing goes to, and so the recipient of everything the
    Act addresses to the Minister about it (Class I: the Minister; Class II and III: the Regional
    Bureau, Ordinance Art 118(1)(i)-(v))."""
    try:
        filed_with = procedure_for(risk_class).filed_with
    except LawInputError:
        raise LawInputError(
            "risk_class", f"must be one of I, II, III (got {describe_value(risk_class)})"
        ) from None
    return Recipient.MINISTER if filed_with is FiledWith.MINISTER else Recipient.REGIONAL_BUREAU
