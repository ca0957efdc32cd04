"""The outcomes the classification flowchart can reach, in the order it tests them.

Data of saisei.law.classification (which re-exports every public name): the tracks, one
``ClassificationRule`` per outcome with its stable id, and the transitional window of the 2024
amendment. The order of ``CLASSIFICATION_RULES`` is the law's order (domain.md §1.1, then §1.2
rules 1-9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from saisei.law.procedures import RiskClass

__all__ = [
    "CLASSIFICATION_RULES",
    "RULES_BY_ID",
    "TRANSITIONAL_RULE",
    "TRANSITIONAL_WINDOW",
    "ClassificationRule",
    "Track",
]


class Track(StrEnum):
    RM_ACT = "rm_act"
    PMD_ACT = "pmd_act"
    OUTSIDE = "outside"


@dataclass(frozen=True, slots=True)
class ClassificationRule:
    """One outcome the flowchart can reach, listed in ``CLASSIFICATION_RULES`` in table order."""

    id: str
    track: Track
    risk_class: RiskClass | None
    summary: str


def _rule(
    rule_id: str, track: Track, risk_class: RiskClass | None, summary: str
) -> ClassificationRule:
    return ClassificationRule(rule_id, track, risk_class, summary)


TRANSITIONAL_RULE = "rm.class1.in_vivo_gene_therapy.transitional"

_R = Track.RM_ACT
# Every outcome, in the order the flowchart tests them (domain.md §1.1, then §1.2 rules 1-9).
CLASSIFICATION_RULES: tuple[ClassificationRule, ...] = (
    _rule("scope.excluded_practice.transfusion", Track.OUTSIDE, None, "blood transfusion"),
    _rule("scope.excluded_practice.hsc_transplant", Track.OUTSIDE, None, "HSC transplant"),
    _rule(
        "scope.excluded_practice.assisted_reproduction",
        Track.OUTSIDE,
        None,
        "assisted reproduction with gametes or embryos",
    ),
    _rule(
        "scope.excluded_practice.approved_device",
        Track.OUTSIDE,
        None,
        "only cells or nucleic acids made with an approved medical device, used as approved",
    ),
    _rule(
        "scope.excluded_practice.designated_vaccine",
        Track.OUTSIDE,
        None,
        "a designated nucleic-acid vaccine against an infectious disease",
    ),
    _rule("scope.pmd_act_clinical_trial", Track.PMD_ACT, None, "PMD Act clinical trial (治験)"),
    _rule(
        "scope.approved_product_on_label",
        Track.PMD_ACT,
        None,
        "only approved products, used as their approval says",
    ),
    _rule("scope.purpose_other", Track.OUTSIDE, None, "purpose outside the Act"),
    _rule(
        "scope.in_vivo_gene_therapy_before_2025_05_31",
        Track.OUTSIDE,
        None,
        "in vivo gene therapy without processed cells, before the 2025 amendment",
    ),
    _rule(
        "scope.no_processed_cells", Track.OUTSIDE, None, "no processed cells (before 2025-05-31)"
    ),
    _rule(
        "scope.no_processed_cells_or_nucleic_acids",
        Track.OUTSIDE,
        None,
        "neither processed cells nor nucleic acids (from 2025-05-31)",
    ),
    _rule("rm.class1.in_vivo_gene_therapy", _R, RiskClass.I, "rule 1: in vivo gene therapy"),
    _rule(
        TRANSITIONAL_RULE,
        _R,
        RiskClass.I,
        "rule 1: in vivo gene therapy provided before 2025-05-31, filed in the transitional "
        "window (no 90-day restriction)",
    ),
    _rule("rm.class1.es", _R, RiskClass.I, "rule 2: human ES cells"),
    _rule("rm.class1.ips", _R, RiskClass.I, "rule 2: human iPS or iPS-like cells"),
    _rule("rm.class1.gene_modified", _R, RiskClass.I, "rule 3: gene-introduced or modified cells"),
    _rule("rm.class1.xenogeneic", _R, RiskClass.I, "rule 4: animal cells"),
    _rule("rm.class1.allogeneic", _R, RiskClass.I, "rule 5: allogeneic cells"),
    _rule("rm.class2.cultured_stem", _R, RiskClass.II, "rule 6: cultured stem cells"),
    _rule(
        "rm.class2.cultured_reconstructive",
        _R,
        RiskClass.II,
        "rule 7: cultured cells for reconstruction, repair or formation",
    ),
    _rule("rm.class2.non_homologous", _R, RiskClass.II, "rule 8: non-homologous use"),
    _rule("rm.class3.other", _R, RiskClass.III, "rule 9: anything else"),
)
RULES_BY_ID: dict[str, ClassificationRule] = {rule.id: rule for rule in CLASSIFICATION_RULES}

# The transitional window of the 2024 amendment (supplementary provisions Art 3): in vivo gene
# therapy provided on the day it came into force could go on without a plan until the day one
# year counted from then ends, and a Class I plan filed for it in that window is not subject to
# Art 9 (the 90-day restriction).
TRANSITIONAL_WINDOW: tuple[date, date] = (date(2025, 5, 31), date(2026, 5, 30))
