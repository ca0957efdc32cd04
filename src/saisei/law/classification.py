"""Which law governs a practice, and its RM Act risk class (domain.md §1.1-1.3).

``classify`` is a pure function of the flowchart answers and the date asked about (for a plan:
the filing date). It walks the MHLW flowchart (notice 医政研発0515第18号, Fig. 2) in table
order, records every question it asks with the answer and the legal basis, and stops at the first
rule that decides: first match wins, so the order of the questions below *is* the law's order and
must not be changed for convenience.

The path is kept, not only the class, because the law requires a plan to state the reasons for its
class and a reviewer must be able to see how the answer was reached.

This module is the engine and the answers' types; the data it walks apart:
``classification_wording`` (each question's text and legal basis) and ``classification_outcomes``
(the tracks and the outcome rules, in table order). Every public name is re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import TypeVar

from saisei.law.classification_outcomes import (
    CLASSIFICATION_RULES,
    RULES_BY_ID,
    TRANSITIONAL_RULE,
    TRANSITIONAL_WINDOW,
    ClassificationRule,
    Track,
)
from saisei.law.classification_wording import (
    BASIS_EXCLUDED,
    BASIS_PURPOSE,
    BASIS_TRANSITIONAL,
    BASIS_TRIAL,
    DEFAULT_WORDING,
    QUESTIONS,
    UNCERTAIN_QUESTIONS,
    Basis,
    Wording,
    basis_approved,
    basis_cells,
    basis_homologous,
    basis_nucleic,
    load_wording,
    ordinance_2,
    ordinance_3,
)
from saisei.law.errors import LawInputError, describe_value
from saisei.law.procedures import Procedure, RiskClass, procedure_for
from saisei.law.regimes import Regime, regime_on

__all__ = [
    "CLASSIFICATION_RULES",
    "DEFAULT_WORDING",
    "QUESTIONS",
    "TRANSITIONAL_RULE",
    "TRANSITIONAL_WINDOW",
    "UNCERTAIN_QUESTIONS",
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
    "Wording",
    "classify",
    "load_wording",
    "parse_iso_date",
]

Answer = str | bool | None


class Purpose(StrEnum):
    TREATMENT = "treatment"
    PREVENTION = "prevention"
    RECONSTRUCTION = "reconstruction"
    OTHER = "other"


class ExcludedPractice(StrEnum):
    """The techniques the Cabinet Order takes out of the Act (Cabinet Order Art 1)."""

    TRANSFUSION = "transfusion"  # Art 1(i)(a)
    HSC_TRANSPLANT = "hsc_transplant"  # Art 1(i)(b)
    ASSISTED_REPRODUCTION = "assisted_reproduction"  # Art 1(i)(c)
    # Processed cells (or nucleic acids) made with an approved or certified medical device used as
    # its approval says, and only those, used that way: Art 1(i)(d), (ii)(a).
    APPROVED_DEVICE = "approved_device"
    # Nucleic-acid medicines for preventing an infectious disease, approved in a country of
    # equivalent standards and designated by the Minister: Art 1(ii)(b) (from 2025-05-31).
    DESIGNATED_VACCINE = "designated_vaccine"


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
# Optional answers, false when missing (answers stored before they existed stay valid).
_OPTIONAL_FIELDS = ("in_vivo_provided_before_amendment",)
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

    ``cells`` is None when no processed cells are used at all. ``in_vivo_provided_before_amendment``
    says that the in vivo gene therapy was already being provided on 2025-05-31 (the transitional
    rule of the 2024 amendment).
    """

    on: date
    purpose: Purpose
    excluded_practice: ExcludedPractice | None
    pmd_act_clinical_trial: bool
    approved_product_on_label: bool
    nucleic_acids_in_vivo: bool
    cells: Cells | None
    in_vivo_provided_before_amendment: bool = False

    @classmethod
    def from_mapping(cls, data: object) -> ClassificationAnswers:
        """Validate a decoded JSON object (the ``saisei classify`` input shape).

        Strict on purpose: unknown fields, missing fields, non-boolean flags and unknown values are
        all rejected with a ``LawInputError`` naming the field, because a silently ignored answer
        would change the class without anyone noticing.
        """
        top = _as_object(data, "input")
        _check_fields(top, _TOP_FIELDS, "", optional=_OPTIONAL_FIELDS)
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
            in_vivo_provided_before_amendment=_bool(
                top.get("in_vivo_provided_before_amendment", False),
                "in_vivo_provided_before_amendment",
            ),
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
            "in_vivo_provided_before_amendment": self.in_vivo_provided_before_amendment,
        }


@dataclass(frozen=True, slots=True)
class Step:
    """One question of the flowchart as asked: its stable ``key``, text, answer and legal basis,
    each text in English and Japanese.

    ``decided`` holds the rule id on the step that settled the classification (always the last).
    ``uncertain`` marks a question whose wording domain.md leaves uncertain (it is data an
    operator can change, ``load_wording``): the answer rests on the filer's reading of it.
    """

    key: str
    question: str
    answer: Answer
    basis: str
    decided: str | None = None
    uncertain: bool = False
    question_ja: str = ""
    basis_ja: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "answer": self.answer,
            "basis": self.basis,
            "uncertain": self.uncertain,
        }

    def to_record(self) -> dict[str, object]:
        """Everything stored with a plan: the output shape plus the key and the Japanese."""
        return {
            **self.to_dict(),
            "key": self.key,
            "question_ja": self.question_ja,
            "basis_ja": self.basis_ja,
            "decided": self.decided,
        }


@dataclass(frozen=True, slots=True)
class Classification:
    track: Track
    risk_class: RiskClass | None
    regime: Regime
    rule: str
    path: tuple[Step, ...]
    procedure: Procedure | None
    answers: ClassificationAnswers

    @property
    def uncertain(self) -> bool:
        return any(step.uncertain for step in self.path)

    @property
    def transitional(self) -> bool:
        """Filed under the transitional rule for in vivo gene therapy (no restriction)."""
        return self.rule == TRANSITIONAL_RULE

    def to_dict(self) -> dict[str, object]:
        """The ``saisei classify`` output shape."""
        return {
            "track": self.track.value,
            "risk_class": None if self.risk_class is None else self.risk_class.value,
            "regime": self.regime.key,
            "rule": self.rule,
            "path": [step.to_dict() for step in self.path],
            "procedure": None if self.procedure is None else self.procedure.to_dict(),
            "uncertain": self.uncertain,
        }

    def to_record(self) -> dict[str, object]:
        """The output shape with each step's key and Japanese, for storing with a plan."""
        return {**self.to_dict(), "path": [step.to_record() for step in self.path]}


class _Walk:
    """Accumulates the questions asked, then builds the result at the deciding one."""

    def __init__(
        self, answers: ClassificationAnswers, regime: Regime, wording: Mapping[str, Wording]
    ) -> None:
        self.answers = answers
        self.regime = regime
        self.wording = wording
        self.steps: list[Step] = []

    def ask(self, key: str, answer: Answer, basis: Basis) -> None:
        text = self.wording[key]
        self.steps.append(
            Step(
                key,
                text.en,
                answer,
                basis.en,
                uncertain=key in UNCERTAIN_QUESTIONS,
                question_ja=text.ja,
                basis_ja=basis.ja,
            )
        )

    def decide(self, rule_id: str) -> Classification:
        rule = RULES_BY_ID[rule_id]
        last = self.steps[-1]
        self.steps[-1] = replace(last, decided=rule_id)
        procedure = None if rule.risk_class is None else procedure_for(rule.risk_class)
        if procedure is not None and rule_id == TRANSITIONAL_RULE:
            procedure = replace(
                procedure,
                restriction_days=0,
                basis=f"{procedure.basis}; {BASIS_TRANSITIONAL.en}",
            )
        return Classification(
            track=rule.track,
            risk_class=rule.risk_class,
            regime=self.regime,
            rule=rule_id,
            path=tuple(self.steps),
            procedure=procedure,
            answers=self.answers,
        )


def classify(
    answers: ClassificationAnswers, *, wording: Mapping[str, Wording] | None = None
) -> Classification:
    """Classify a practice under the regime in force on ``answers.on``.

    ``wording`` is the questions' text (``load_wording``; the defaults when None): it changes what
    the path says was asked, never the outcome. Raises ``LawInputError`` (field ``date``) for a
    date before the RM Act came into force.
    """
    regime = regime_on(answers.on)
    walk = _Walk(answers, regime, DEFAULT_WORDING if wording is None else wording)

    # §1.1 scope, in the order domain.md lists it.
    excluded = answers.excluded_practice
    walk.ask(
        "scope.excluded_practice", None if excluded is None else excluded.value, BASIS_EXCLUDED
    )
    if excluded is not None:
        return walk.decide(f"scope.excluded_practice.{excluded.value}")

    walk.ask("scope.pmd_act_clinical_trial", answers.pmd_act_clinical_trial, BASIS_TRIAL)
    if answers.pmd_act_clinical_trial:
        return walk.decide("scope.pmd_act_clinical_trial")

    walk.ask(
        "scope.approved_product_on_label",
        answers.approved_product_on_label,
        basis_approved(regime),
    )
    if answers.approved_product_on_label:
        return walk.decide("scope.approved_product_on_label")

    walk.ask("scope.purpose", answers.purpose.value, BASIS_PURPOSE)
    if answers.purpose is Purpose.OTHER:
        return walk.decide("scope.purpose_other")

    cells = answers.cells
    walk.ask("scope.processed_cells", cells is not None, basis_cells(regime))
    # The nucleic-acid question is asked under both regimes so that the stored path shows why in
    # vivo gene therapy was outside the Act before 2025-05-31.
    walk.ask("rule1.nucleic_acids_in_vivo", answers.nucleic_acids_in_vivo, basis_nucleic(regime))
    if regime.covers_nucleic_acids and answers.nucleic_acids_in_vivo:
        low, high = TRANSITIONAL_WINDOW
        transitional = answers.in_vivo_provided_before_amendment and low <= answers.on <= high
        walk.ask("transitional.in_vivo_provided_before_amendment", transitional, BASIS_TRANSITIONAL)
        return walk.decide(TRANSITIONAL_RULE if transitional else "rm.class1.in_vivo_gene_therapy")
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
    walk.ask("rule2.es_ips", es_ips, ordinance_2("i", regime))
    if es_ips:
        return walk.decide("rm.class1.es" if cells.kind is CellKind.ES else "rm.class1.ips")

    walk.ask("rule3.gene_modified", cells.gene_modified, ordinance_2("ii", regime))
    if cells.gene_modified:
        return walk.decide("rm.class1.gene_modified")

    walk.ask("rule4.animal", not human, ordinance_2("iii", regime))
    if not human:
        return walk.decide("rm.class1.xenogeneic")

    allogeneic = cells.source is CellSource.ALLOGENEIC
    walk.ask("rule5.allogeneic", allogeneic, ordinance_2("iv", regime))
    if allogeneic:
        return walk.decide("rm.class1.allogeneic")

    # Rule 6 asks "cultured stem cells?" (Ordinance Art 3(i), 「培養した幹細胞」): uncultured stem
    # cells are not Class II for being stem cells, and fall to the homologous-use test.
    cultured_stem = cells.kind is CellKind.SOMATIC_STEM and cells.cultured
    walk.ask("rule6.cultured_stem", cultured_stem, ordinance_3("i", regime))
    if cultured_stem:
        return walk.decide("rm.class2.cultured_stem")

    walk.ask("rule7.cultured", cells.cultured, ordinance_3("ii", regime))
    if cells.cultured:
        walk.ask("rule7.reconstructive", cells.reconstructive, ordinance_3("ii", regime))
        if cells.reconstructive:
            return walk.decide("rm.class2.cultured_reconstructive")

    walk.ask("rule8.homologous", cells.homologous, basis_homologous(regime))
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


def _check_fields(
    data: Mapping[str, object],
    expected: tuple[str, ...],
    prefix: str,
    *,
    optional: tuple[str, ...] = (),
) -> None:
    # Unknown fields first: a misspelt field is the cause of the "missing" one that follows it.
    unknown = sorted(str(key) for key in data if key not in expected and key not in optional)
    if unknown:
        raise LawInputError(
            f"{prefix}{unknown[0]}",
            f"unknown field (expected one of {', '.join((*expected, *optional))})",
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
