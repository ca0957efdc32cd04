"""Which law governs a practice, and its RM Act risk class (domain.md §1.1-1.3).

``classify`` is a pure function of the flowchart answers and the date asked about (for a plan:
the filing date). It walks the MHLW flowchart (notice 医政研発0515第18号, Fig. 2) in table
order, records every question it asks with the answer and the legal basis, and stops at the first
rule that decides: first match wins, so the order of the questions below *is* the law's order and
must not be changed for convenience.

The path is kept, not only the class, because the law requires a plan to state the reasons for its
class and a reviewer must be able to see how the answer was reached.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from saisei.law.errors import LawInputError, describe_value
from saisei.law.procedures import Procedure, RiskClass, procedure_for
from saisei.law.regimes import Regime, regime_on

__all__ = [
    "CLASSIFICATION_RULES",
    "QUESTIONS",
    "CellKind",
    "CellSource",
    "Cells",
    "Classification",
    "ClassificationAnswers",
    "ClassificationRule",
    "ExcludedPractice",
    "Purpose",
    "Species",
    "Step",
    "Track",
    "classify",
    "parse_iso_date",
]

Answer = str | bool | None


class Track(StrEnum):
    RM_ACT = "rm_act"
    PMD_ACT = "pmd_act"
    OUTSIDE = "outside"


class Purpose(StrEnum):
    TREATMENT = "treatment"
    PREVENTION = "prevention"
    RECONSTRUCTION = "reconstruction"
    OTHER = "other"


class ExcludedPractice(StrEnum):
    TRANSFUSION = "transfusion"
    HSC_TRANSPLANT = "hsc_transplant"
    ASSISTED_REPRODUCTION = "assisted_reproduction"


class Species(StrEnum):
    HUMAN = "human"
    ANIMAL = "animal"


class CellSource(StrEnum):
    AUTOLOGOUS = "autologous"
    ALLOGENEIC = "allogeneic"


class CellKind(StrEnum):
    ES = "es"
    IPS = "ips"  # includes iPS-like cells
    SOMATIC_STEM = "somatic_stem"
    SOMATIC = "somatic"


@dataclass(frozen=True, slots=True)
class Cells:
    """Answers about the processed cells (細胞加工物) used."""

    species: Species
    source: CellSource
    kind: CellKind
    gene_modified: bool
    cultured: bool
    reconstructive: bool
    homologous: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "species": self.species.value,
            "source": self.source.value,
            "kind": self.kind.value,
            "gene_modified": self.gene_modified,
            "cultured": self.cultured,
            "reconstructive": self.reconstructive,
            "homologous": self.homologous,
        }


_TOP_FIELDS = (
    "date",
    "purpose",
    "excluded_practice",
    "pmd_act_clinical_trial",
    "approved_product_on_label",
    "nucleic_acids_in_vivo",
    "cells",
)
_CELL_FIELDS = (
    "species",
    "source",
    "kind",
    "gene_modified",
    "cultured",
    "reconstructive",
    "homologous",
)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


@dataclass(frozen=True, slots=True)
class ClassificationAnswers:
    """Every answer the flowchart can ask for, plus the date asked about.

    ``cells`` is None when no processed cells are used at all.
    """

    on: date
    purpose: Purpose
    excluded_practice: ExcludedPractice | None
    pmd_act_clinical_trial: bool
    approved_product_on_label: bool
    nucleic_acids_in_vivo: bool
    cells: Cells | None

    @classmethod
    def from_mapping(cls, data: object) -> ClassificationAnswers:
        """Validate a decoded JSON object (the ``saisei classify`` input shape).

        Strict on purpose: unknown fields, missing fields, non-boolean flags and unknown values are
        all rejected with a ``LawInputError`` naming the field, because a silently ignored answer
        would change the class without anyone noticing.
        """
        top = _as_object(data, "input")
        _check_fields(top, _TOP_FIELDS, "")
        on = parse_iso_date(top["date"], "date")
        regime_on(on)  # reject dates before the Act with the field named
        raw_cells = top["cells"]
        cells: Cells | None = None
        if raw_cells is not None:
            if not isinstance(raw_cells, Mapping):
                raise LawInputError(
                    "cells", f"must be null or an object (got {describe_value(raw_cells)})"
                )
            _check_fields(raw_cells, _CELL_FIELDS, "cells.")
            cells = Cells(
                species=_enum(raw_cells["species"], Species, "cells.species"),
                source=_enum(raw_cells["source"], CellSource, "cells.source"),
                kind=_enum(raw_cells["kind"], CellKind, "cells.kind"),
                gene_modified=_bool(raw_cells["gene_modified"], "cells.gene_modified"),
                cultured=_bool(raw_cells["cultured"], "cells.cultured"),
                reconstructive=_bool(raw_cells["reconstructive"], "cells.reconstructive"),
                homologous=_bool(raw_cells["homologous"], "cells.homologous"),
            )
        excluded = top["excluded_practice"]
        return cls(
            on=on,
            purpose=_enum(top["purpose"], Purpose, "purpose"),
            excluded_practice=(
                None
                if excluded is None
                else _enum(excluded, ExcludedPractice, "excluded_practice", nullable=True)
            ),
            pmd_act_clinical_trial=_bool(top["pmd_act_clinical_trial"], "pmd_act_clinical_trial"),
            approved_product_on_label=_bool(
                top["approved_product_on_label"], "approved_product_on_label"
            ),
            nucleic_acids_in_vivo=_bool(top["nucleic_acids_in_vivo"], "nucleic_acids_in_vivo"),
            cells=cells,
        )

    def to_dict(self) -> dict[str, object]:
        """The answers in the ``saisei classify`` input shape (round-trips through from_mapping)."""
        return {
            "date": self.on.isoformat(),
            "purpose": self.purpose.value,
            "excluded_practice": (
                None if self.excluded_practice is None else self.excluded_practice.value
            ),
            "pmd_act_clinical_trial": self.pmd_act_clinical_trial,
            "approved_product_on_label": self.approved_product_on_label,
            "nucleic_acids_in_vivo": self.nucleic_acids_in_vivo,
            "cells": None if self.cells is None else self.cells.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Step:
    """One question of the flowchart as asked: its stable ``key``, text, answer and legal basis.

    ``decided`` holds the rule id on the step that settled the classification (always the last).
    """

    key: str
    question: str
    answer: Answer
    basis: str
    decided: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"question": self.question, "answer": self.answer, "basis": self.basis}


@dataclass(frozen=True, slots=True)
class Classification:
    track: Track
    risk_class: RiskClass | None
    regime: Regime
    rule: str
    path: tuple[Step, ...]
    procedure: Procedure | None
    answers: ClassificationAnswers

    def to_dict(self) -> dict[str, object]:
        """The ``saisei classify`` output shape."""
        return {
            "track": self.track.value,
            "risk_class": None if self.risk_class is None else self.risk_class.value,
            "regime": self.regime.key,
            "rule": self.rule,
            "path": [step.to_dict() for step in self.path],
            "procedure": None if self.procedure is None else self.procedure.to_dict(),
        }


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
    _rule("scope.pmd_act_clinical_trial", Track.PMD_ACT, None, "PMD Act clinical trial (治験)"),
    _rule(
        "scope.approved_product_on_label",
        Track.PMD_ACT,
        None,
        "only an approved product, used as its approval says",
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
    _rule("rm.class1.es", _R, RiskClass.I, "rule 2: human ES cells"),
    _rule("rm.class1.ips", _R, RiskClass.I, "rule 2: human iPS or iPS-like cells"),
    _rule("rm.class1.gene_modified", _R, RiskClass.I, "rule 3: gene-introduced or modified cells"),
    _rule("rm.class1.xenogeneic", _R, RiskClass.I, "rule 4: animal cells"),
    _rule("rm.class1.allogeneic", _R, RiskClass.I, "rule 5: allogeneic cells"),
    _rule("rm.class2.somatic_stem", _R, RiskClass.II, "rule 6: autologous somatic stem cells"),
    _rule(
        "rm.class2.cultured_reconstructive",
        _R,
        RiskClass.II,
        "rule 7: cultured cells for reconstruction, repair or formation",
    ),
    _rule("rm.class2.non_homologous", _R, RiskClass.II, "rule 8: non-homologous use"),
    _rule("rm.class3.other", _R, RiskClass.III, "rule 9: anything else"),
)
_RULES_BY_ID: dict[str, ClassificationRule] = {rule.id: rule for rule in CLASSIFICATION_RULES}

_FLOWCHART = "notice 医政研発0515第18号 (2025-05-15) Fig. 2"
_CLASSES = "RM Act Art 2 and Ordinance (risk classes)"
# Citations below are those domain.md gives, plus Cabinet Order Art 1 (the excluded techniques, as
# summarised in notice 医政発0926第1号, 2014); where no article is known the Act's article on scope
# (Art 2) is cited without a paragraph rather than guessing one.
_BASIS_EXCLUDED = (
    "RM Act Art 2; Cabinet Order Art 1 (transfusion, HSC transplant and assisted reproduction are "
    f"not regenerative medicine techniques under the Act); {_FLOWCHART}"
)
_BASIS_TRIAL = (
    "RM Act Art 2 (scope: a PMD Act clinical trial, 治験, is governed by the PMD Act); "
    f"{_FLOWCHART}"
)
_BASIS_APPROVED = (
    f"RM Act Art 2(2) (use of an approved regenerative medicine product as approved); {_FLOWCHART}"
)
_BASIS_PURPOSE = (
    "RM Act Art 2(1) (purposes: reconstruction, repair or formation of body structure or function; "
    f"treatment or prevention of disease); {_FLOWCHART}"
)


def _basis_cells(regime: Regime) -> str:
    if regime.covers_nucleic_acids:
        return (
            "RM Act Art 2 as amended by Act No. 51 of 2024 (processed cells, 細胞加工物, "
            f"or nucleic acids, 核酸等); {_FLOWCHART}"
        )
    return "RM Act Art 2 as in force from 2014-11-25 (processed cells, 細胞加工物)"


def _basis_nucleic(regime: Regime) -> str:
    if regime.covers_nucleic_acids:
        return (
            "RM Act Art 2 as amended by Act No. 51 of 2024, in force 2025-05-31 (in vivo gene "
            f"therapy is Class I); {_FLOWCHART} rule 1"
        )
    return (
        "RM Act as in force from 2014-11-25: in vivo gene therapy is not regenerative medicine "
        "under the Act before 2025-05-31 (amendment by Act No. 51 of 2024)"
    )


_Q_EXCLUDED = (
    "Is the practice blood transfusion (other than altered or derived blood components), a "
    "haematopoietic stem-cell transplant under the HSC Act, or assisted reproduction with gametes "
    "or embryos?"
)
_Q_TRIAL = "Is it a clinical trial under the PMD Act (治験)?"
_Q_APPROVED = (
    "Is only an approved regenerative medicine product used, exactly as its approval says?"
)
_Q_PURPOSE = (
    "What is the purpose: reconstruction, repair or formation of body structure or function "
    "(reconstruction), treatment or prevention of disease, or other?"
)
_Q_CELLS = "Are processed cells (細胞加工物) used?"
_Q_NUCLEIC = (
    "Are nucleic acids introduced into the patient's own cells in the body (in vivo gene therapy: "
    "vectors, plasmids, mRNA, genome-editing agents)?"
)
_Q_ES_IPS = "Are the cells human ES cells, iPS cells or iPS-like cells?"
_Q_GENE = "Are the cells gene-introduced or gene-modified?"
_Q_ANIMAL = "Are the cells animal (xenogeneic) cells?"
_Q_ALLOGENEIC = "Are the cells from anyone other than the recipient (allogeneic)?"
_Q_STEM = "Are the cells autologous human somatic stem cells?"
_Q_CULTURED = "Are the cells cultured?"
_Q_RECONSTRUCTIVE = (
    "Are the cultured cells used to reconstruct, repair or form body structure or function?"
)
_Q_HOMOLOGOUS = (
    "Are the cells used for the same function they have at the target site (homologous use)?"
)
_BASIS_HOMOLOGOUS = (
    f"{_CLASSES}; notice 医政研発1031第1号 (2014-10-31, homologous use); {_FLOWCHART} rules 8-9"
)


# Every question the flowchart can ask, by its stable step key (the order is the law's order).
QUESTIONS: Mapping[str, str] = {
    "scope.excluded_practice": _Q_EXCLUDED,
    "scope.pmd_act_clinical_trial": _Q_TRIAL,
    "scope.approved_product_on_label": _Q_APPROVED,
    "scope.purpose": _Q_PURPOSE,
    "scope.processed_cells": _Q_CELLS,
    "rule1.nucleic_acids_in_vivo": _Q_NUCLEIC,
    "rule2.es_ips": _Q_ES_IPS,
    "rule3.gene_modified": _Q_GENE,
    "rule4.animal": _Q_ANIMAL,
    "rule5.allogeneic": _Q_ALLOGENEIC,
    "rule6.somatic_stem": _Q_STEM,
    "rule7.cultured": _Q_CULTURED,
    "rule7.reconstructive": _Q_RECONSTRUCTIVE,
    "rule8.homologous": _Q_HOMOLOGOUS,
}


class _Walk:
    """Accumulates the questions asked, then builds the result at the deciding one."""

    def __init__(self, answers: ClassificationAnswers, regime: Regime) -> None:
        self.answers = answers
        self.regime = regime
        self.steps: list[Step] = []

    def ask(self, key: str, question: str, answer: Answer, basis: str) -> None:
        self.steps.append(Step(key, question, answer, basis))

    def decide(self, rule_id: str) -> Classification:
        rule = _RULES_BY_ID[rule_id]
        last = self.steps[-1]
        self.steps[-1] = Step(last.key, last.question, last.answer, last.basis, decided=rule_id)
        return Classification(
            track=rule.track,
            risk_class=rule.risk_class,
            regime=self.regime,
            rule=rule_id,
            path=tuple(self.steps),
            procedure=None if rule.risk_class is None else procedure_for(rule.risk_class),
            answers=self.answers,
        )


def classify(answers: ClassificationAnswers) -> Classification:
    """Classify a practice under the regime in force on ``answers.on``.

    Raises ``LawInputError`` (field ``date``) for a date before the RM Act came into force.
    """
    regime = regime_on(answers.on)
    walk = _Walk(answers, regime)

    # §1.1 scope, in the order domain.md lists it.
    excluded = answers.excluded_practice
    walk.ask(
        "scope.excluded_practice",
        _Q_EXCLUDED,
        None if excluded is None else excluded.value,
        _BASIS_EXCLUDED,
    )
    if excluded is not None:
        return walk.decide(f"scope.excluded_practice.{excluded.value}")

    walk.ask("scope.pmd_act_clinical_trial", _Q_TRIAL, answers.pmd_act_clinical_trial, _BASIS_TRIAL)
    if answers.pmd_act_clinical_trial:
        return walk.decide("scope.pmd_act_clinical_trial")

    walk.ask(
        "scope.approved_product_on_label",
        _Q_APPROVED,
        answers.approved_product_on_label,
        _BASIS_APPROVED,
    )
    if answers.approved_product_on_label:
        return walk.decide("scope.approved_product_on_label")

    walk.ask("scope.purpose", _Q_PURPOSE, answers.purpose.value, _BASIS_PURPOSE)
    if answers.purpose is Purpose.OTHER:
        return walk.decide("scope.purpose_other")

    cells = answers.cells
    walk.ask("scope.processed_cells", _Q_CELLS, cells is not None, _basis_cells(regime))
    # The nucleic-acid question is asked under both regimes so that the stored path shows why in
    # vivo gene therapy was outside the Act before 2025-05-31.
    walk.ask(
        "rule1.nucleic_acids_in_vivo",
        _Q_NUCLEIC,
        answers.nucleic_acids_in_vivo,
        _basis_nucleic(regime),
    )
    if regime.covers_nucleic_acids and answers.nucleic_acids_in_vivo:
        return walk.decide("rm.class1.in_vivo_gene_therapy")
    if cells is None:
        if regime.covers_nucleic_acids:
            return walk.decide("scope.no_processed_cells_or_nucleic_acids")
        if answers.nucleic_acids_in_vivo:
            return walk.decide("scope.in_vivo_gene_therapy_before_2025_05_31")
        return walk.decide("scope.no_processed_cells")
    # Before 2025-05-31 nucleic acids given together with processed cells decide nothing: the cells
    # are classified on their own.

    # §1.2 rules 2-9, first match wins.
    human = cells.species is Species.HUMAN
    es_ips = human and cells.kind in (CellKind.ES, CellKind.IPS)
    walk.ask("rule2.es_ips", _Q_ES_IPS, es_ips, f"{_CLASSES}; {_FLOWCHART} rule 2")
    if es_ips:
        return walk.decide("rm.class1.es" if cells.kind is CellKind.ES else "rm.class1.ips")

    walk.ask(
        "rule3.gene_modified", _Q_GENE, cells.gene_modified, f"{_CLASSES}; {_FLOWCHART} rule 3"
    )
    if cells.gene_modified:
        return walk.decide("rm.class1.gene_modified")

    walk.ask("rule4.animal", _Q_ANIMAL, not human, f"{_CLASSES}; {_FLOWCHART} rule 4")
    if not human:
        return walk.decide("rm.class1.xenogeneic")

    allogeneic = cells.source is CellSource.ALLOGENEIC
    walk.ask("rule5.allogeneic", _Q_ALLOGENEIC, allogeneic, f"{_CLASSES}; {_FLOWCHART} rule 5")
    if allogeneic:
        return walk.decide("rm.class1.allogeneic")

    # Rules 2, 4 and 5 have ruled out ES/iPS, animal and allogeneic cells: what is left is
    # autologous human somatic cells, stem or not.
    stem = cells.kind is CellKind.SOMATIC_STEM
    walk.ask("rule6.somatic_stem", _Q_STEM, stem, f"{_CLASSES}; {_FLOWCHART} rule 6")
    if stem:
        return walk.decide("rm.class2.somatic_stem")

    walk.ask("rule7.cultured", _Q_CULTURED, cells.cultured, f"{_CLASSES}; {_FLOWCHART} rule 7")
    if cells.cultured:
        walk.ask(
            "rule7.reconstructive",
            _Q_RECONSTRUCTIVE,
            cells.reconstructive,
            f"{_CLASSES}; {_FLOWCHART} rule 7",
        )
        if cells.reconstructive:
            return walk.decide("rm.class2.cultured_reconstructive")

    walk.ask("rule8.homologous", _Q_HOMOLOGOUS, cells.homologous, _BASIS_HOMOLOGOUS)
    if not cells.homologous:
        return walk.decide("rm.class2.non_homologous")
    return walk.decide("rm.class3.other")


# --- input validation helpers (shared with the CLI) ---------------------------------------------

_E = TypeVar("_E", bound=StrEnum)


def parse_iso_date(value: object, field: str) -> date:
    """A ``YYYY-MM-DD`` string as a date; anything else raises ``LawInputError`` for ``field``."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise LawInputError(field, f"must be a date YYYY-MM-DD (got {describe_value(value)})")


def _as_object(value: object, field: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise LawInputError(field, f"must be a JSON object (got {describe_value(value)})")
    return value


def _check_fields(data: Mapping[str, object], expected: tuple[str, ...], prefix: str) -> None:
    # Unknown fields first: a misspelt field is the cause of the "missing" one that follows it.
    unknown = sorted(str(key) for key in data if key not in expected)
    if unknown:
        raise LawInputError(
            f"{prefix}{unknown[0]}", f"unknown field (expected one of {', '.join(expected)})"
        )
    for name in expected:
        if name not in data:
            raise LawInputError(f"{prefix}{name}", "required field is missing")


def _bool(value: object, field: str) -> bool:
    # JSON booleans only: 0/1 or "yes" would be a guess about what the filer meant.
    if not isinstance(value, bool):
        raise LawInputError(field, f"must be true or false (got {describe_value(value)})")
    return value


def _enum(value: object, enum: type[_E], field: str, *, nullable: bool = False) -> _E:
    choices = ", ".join(member.value for member in enum)
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    expected = f"null or one of {choices}" if nullable else f"one of {choices}"
    raise LawInputError(field, f"must be {expected} (got {describe_value(value)})")
