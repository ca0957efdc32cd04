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
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from saisei.law.errors import LawConfigError, LawInputError, describe_value
from saisei.law.obligations import QUESTIONS_KEY
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
_RULES_BY_ID: dict[str, ClassificationRule] = {rule.id: rule for rule in CLASSIFICATION_RULES}

# The transitional window of the 2024 amendment (supplementary provisions Art 3): in vivo gene
# therapy provided on the day it came into force could go on without a plan until the day one
# year counted from then ends, and a Class I plan filed for it in that window is not subject to
# Art 9 (the 90-day restriction).
TRANSITIONAL_WINDOW: tuple[date, date] = (date(2025, 5, 31), date(2026, 5, 30))

_FLOWCHART = "notice 医政研発0515第18号 (2025-05-15) Fig. 2"
_FLOWCHART_JA = "医政研発0515第18号(2025年5月15日)図2"
_ACT = "RM Act"
_ACT_JA = "再生医療等安全性確保法"
_ORD = "Ordinance"
_ORD_JA = "施行規則"


@dataclass(frozen=True, slots=True)
class _Basis:
    en: str
    ja: str


def _b(en: str, ja: str) -> _Basis:
    return _Basis(en, ja)


def _class_paragraph(regime: Regime, risk_class: RiskClass) -> tuple[str, str]:
    """The paragraph of Act Art 2 defining a class: the 2024 amendment inserted two paragraphs
    (核酸等 and 特定細胞加工物等), so Classes I-III moved from Art 2(5)-(7) to Art 2(7)-(9)."""
    numbers = {RiskClass.I: 7, RiskClass.II: 8, RiskClass.III: 9}
    n = numbers[risk_class] - (0 if regime.covers_nucleic_acids else 2)
    return f"{_ACT} Art 2({n})", f"{_ACT_JA}第2条第{n}項"


_BASIS_EXCLUDED = _b(
    f"{_ACT} Art 2(2); Cabinet Order Art 1(i)(a)-(d), (ii)(a)-(b) (techniques the Cabinet Order "
    f"does not make regenerative medicine techniques); {_ORD} Art 1-2; {_FLOWCHART}",
    f"{_ACT_JA}第2条第2項;施行令第1条第1号イ~ニ・第2号イ~ロ;{_ORD_JA}第1条の2;{_FLOWCHART_JA}",
)
_BASIS_TRIAL = _b(
    f"{_ACT} Art 2(1) (a clinical trial under the PMD Act, 治験, is not regenerative medicine "
    f"under the Act); {_FLOWCHART}",
    f"{_ACT_JA}第2条第1項(医薬品医療機器等法の治験を除く);{_FLOWCHART_JA}",
)


def _basis_approved(regime: Regime) -> _Basis:
    if regime.covers_nucleic_acids:
        return _b(
            f"{_ACT} Art 2(2)(i) (only approved regenerative medical products used as approved) "
            f"and (ii) (nucleic acids: only approved drugs or regenerative medical products used "
            f"as approved), or in a use the Ordinance treats as no riskier; {_FLOWCHART}",
            f"{_ACT_JA}第2条第2項第1号(承認された再生医療等製品のみを承認に係る用法等で用いるもの)"
            f"・第2号(核酸等として承認された医薬品又は再生医療等製品のみを承認に係る用法等で用いるもの)"
            f";{_FLOWCHART_JA}",
        )
    return _b(
        f"{_ACT} Art 2(2) as in force from 2014-11-25 (only approved regenerative medical "
        "products used as approved)",
        f"{_ACT_JA}第2条第2項(2014年11月25日施行時。承認された再生医療等製品のみを承認の内容どおりに用いるもの)",
    )


_BASIS_PURPOSE = _b(
    f"{_ACT} Art 2(2) (purposes: reconstruction, repair or formation of body structure or "
    f"function; treatment or prevention of disease); {_FLOWCHART}",
    f"{_ACT_JA}第2条第2項(目的:身体の構造又は機能の再建、修復又は形成、疾病の治療又は予防);"
    f"{_FLOWCHART_JA}",
)


def _basis_cells(regime: Regime) -> _Basis:
    if regime.covers_nucleic_acids:
        return _b(
            f"{_ACT} Art 2(2)(i), (4) (processed cells, 細胞加工物: cells cultured or otherwise "
            f"processed) and (ii), (5) (nucleic acids, 核酸等); {_FLOWCHART}",
            f"{_ACT_JA}第2条第2項第1号・第4項(細胞加工物)・第2号・第5項(核酸等);{_FLOWCHART_JA}",
        )
    return _b(
        f"{_ACT} Art 2(2), (4) as in force from 2014-11-25 (processed cells, 細胞加工物)",
        f"{_ACT_JA}第2条第2項・第4項(2014年11月25日施行時。細胞加工物)",
    )


def _basis_nucleic(regime: Regime) -> _Basis:
    if regime.covers_nucleic_acids:
        return _b(
            f"{_ACT} Art 2(5) (核酸等); Cabinet Order appended table; {_ORD} Art 1-3; "
            f"{_ORD} Art 2(v) (nucleic acids carrying the genetic information needed to express a "
            f"gene, agents that process them or histone, and things containing them: Class I); "
            f"{_FLOWCHART} rule 1",
            f"{_ACT_JA}第2条第5項(核酸等);施行令別表;{_ORD_JA}第1条の3;{_ORD_JA}第2条第5号"
            f"(遺伝子の発現に必要な遺伝情報を含む核酸、これを加工する機能を有する物等:第一種);"
            f"{_FLOWCHART_JA}ルール1",
        )
    return _b(
        "RM Act as in force from 2014-11-25: in vivo gene therapy is not regenerative medicine "
        "under the Act before 2025-05-31 (amendment by Act No. 51 of 2024)",
        f"{_ACT_JA}(2014年11月25日施行時):2025年5月31日より前の in vivo 遺伝子治療は法の対象外"
        "(令和6年法律第51号による改正)",
    )


_BASIS_TRANSITIONAL = _b(
    "Act No. 51 of 2024, supplementary provisions Art 3(1), (2) (in vivo gene therapy provided "
    "on 2025-05-31 and filed by 2026-05-30 is not subject to RM Act Art 9)",
    "令和6年法律第51号附則第3条第1項・第2項(2025年5月31日に提供していた in vivo 遺伝子治療で、"
    "2026年5月30日までに計画を提出したものには法第9条を適用しない)",
)


def _ordinance_2(item: str, regime: Regime) -> _Basis:
    en, ja = _class_paragraph(regime, RiskClass.I)
    numbers = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
    return _b(
        f"{en}; {_ORD} Art 2({item}); {_FLOWCHART}",
        f"{ja};{_ORD_JA}第2条第{numbers[item]}号;{_FLOWCHART_JA}",
    )


def _ordinance_3(item: str, regime: Regime) -> _Basis:
    en, ja = _class_paragraph(regime, RiskClass.II)
    numbers = {"i": "1", "ii": "2", "iii": "3"}
    return _b(
        f"{en}; {_ORD} Art 3({item}); {_FLOWCHART}",
        f"{ja};{_ORD_JA}第3条第{numbers[item]}号;{_FLOWCHART_JA}",
    )


def _basis_homologous(regime: Regime) -> _Basis:
    ii_en, ii_ja = _class_paragraph(regime, RiskClass.II)
    iii_en, iii_ja = _class_paragraph(regime, RiskClass.III)
    return _b(
        f"{ii_en}, {iii_en}; {_ORD} Art 3(iii); homologous use defined in {_ORD} Art 1(iii); "
        f"notice 医政研発1031第1号 (2014-10-31); {_FLOWCHART} rules 8-9",
        f"{ii_ja}・{iii_ja};{_ORD_JA}第3条第3号;相同利用の定義は{_ORD_JA}第1条第3号;"
        f"医政研発1031第1号(2014年10月31日);{_FLOWCHART_JA}ルール8・9",
    )


@dataclass(frozen=True, slots=True)
class Wording:
    """The text of one question, in English and Japanese."""

    en: str
    ja: str


# Every question the flowchart can ask, by its stable step key (the order is the law's order).
_WORDING: dict[str, Wording] = {
    "scope.excluded_practice": Wording(
        "Is the practice one the Cabinet Order excludes: blood transfusion (other than altered or "
        "derived blood components), a haematopoietic stem-cell transplant under the HSC Act, "
        "assisted reproduction with gametes or embryos, only cells (or nucleic acids) made with an "
        "approved or certified medical device used as its approval states (a device whose "
        "application named the disease it treats), or a nucleic-acid vaccine against an "
        "infectious disease that the Minister has designated?",
        "施行令が除く医療技術に当たりますか:輸血(性質を変える操作を加えた血球成分等を用いるものを"
        "除く)、造血幹細胞移植法による造血幹細胞移植、配偶子・胚を用いる生殖補助医療、承認・認証"
        "された医療機器(申請に傷病名を記載したもの)をその承認どおりに用いて作った細胞加工物(又は"
        "核酸等)のみをその用法で用いるもの、厚生労働大臣が定める感染症予防のための核酸等のワクチン?",
    ),
    "scope.pmd_act_clinical_trial": Wording(
        "Is it a clinical trial under the PMD Act (治験)?",
        "医薬品医療機器等法の治験ですか?",
    ),
    "scope.approved_product_on_label": Wording(
        "Are only approved products used, exactly as their approval says (or in a use the "
        "Ordinance treats as no riskier): approved regenerative medical products and, for "
        "nucleic acids (from 2025-05-31), approved drugs?",
        "承認された製品のみを、その承認の内容どおり(又は省令で同程度以下のリスクとされる用法等)に"
        "用いますか:承認された再生医療等製品、及び核酸等については(2025年5月31日から)承認された医薬品?",
    ),
    "scope.purpose": Wording(
        "What is the purpose: reconstruction, repair or formation of body structure or function "
        "(reconstruction), treatment or prevention of disease, or other?",
        "目的は何ですか:身体の構造・機能の再建・修復・形成(再建)、疾病の治療・予防、それ以外?",
    ),
    "scope.processed_cells": Wording(
        "Are processed cells (細胞加工物: human or animal cells that are cultured or otherwise "
        "processed) used?",
        "細胞加工物(人又は動物の細胞に培養その他の加工を施したもの)を用いますか?",
    ),
    "rule1.nucleic_acids_in_vivo": Wording(
        "Are 核酸等 introduced into the patient's own cells in the body (in vivo gene therapy): "
        "nucleic acids carrying the genetic information needed to express a gene (DNA, mRNA, "
        "viral vectors, plasmids), agents able to process nucleic acids or histone (genome "
        "editing), or things containing them? Nucleic-acid medicines that carry no gene to "
        "express (siRNA, antisense, miRNA mimics) and cell secretions are not: answer no.",
        "患者の体内の細胞に核酸等を導入しますか(in vivo 遺伝子治療):遺伝子の発現に必要な遺伝情報を"
        "含む核酸(DNA、mRNA、ウイルスベクター、プラスミド)、核酸又はヒストンを加工する機能を有する物"
        "(ゲノム編集)、又はこれらを含有する物?発現させる遺伝子を含まない核酸医薬(siRNA、アンチセンス、"
        "miRNA模倣体)や細胞の分泌物は当たりません:「いいえ」と答えてください。",
    ),
    "transitional.in_vivo_provided_before_amendment": Wording(
        "Was this in vivo gene therapy already being provided on 2025-05-31, with its plan filed "
        "by 2026-05-30 (the transitional rule of the 2024 amendment)?",
        "この in vivo 遺伝子治療は2025年5月31日に既に提供されており、計画を2026年5月30日までに提出"
        "しますか(2024年改正の経過措置)?",
    ),
    "rule2.es_ips": Wording(
        "Are the cells human ES cells, iPS cells or iPS-like cells?",
        "細胞はヒトES細胞、iPS細胞またはiPS様細胞ですか?",
    ),
    "rule3.gene_modified": Wording(
        "Has a gene been introduced into the cells, or have their genes been modified (for "
        "example CAR-T cells made in-house, gene-edited cells)?",
        "細胞に遺伝子を導入し、又は遺伝子を改変する操作を行いましたか(院内製造のCAR-T細胞、"
        "ゲノム編集した細胞など)?",
    ),
    "rule4.animal": Wording(
        "Are the cells animal (xenogeneic) cells?",
        "細胞は動物の細胞(異種細胞)ですか?",
    ),
    "rule5.allogeneic": Wording(
        "Are the cells from anyone other than the recipient (allogeneic)?",
        "細胞は投与を受ける本人以外に由来するもの(同種細胞)ですか?",
    ),
    "rule6.cultured_stem": Wording(
        "Are the cells cultured stem cells (培養した幹細胞: stem cells expanded in culture, such "
        "as cultured adipose-derived or bone-marrow mesenchymal stem cells)? Uncultured stem cells "
        "(stromal vascular fraction, cord blood, bone-marrow concentrate) are not.",
        "細胞は培養した幹細胞ですか(培養して増やした脂肪由来・骨髄由来間葉系幹細胞など)?培養しない"
        "幹細胞(間質血管細胞群、臍帯血、骨髄濃縮液)は当たりません。",
    ),
    "rule7.cultured": Wording("Are the cells cultured?", "細胞を培養しますか?"),
    "rule7.reconstructive": Wording(
        "Are the cultured cells used to reconstruct, repair or form body structure or function?",
        "培養した細胞を、身体の構造・機能の再建・修復・形成に用いますか?",
    ),
    "rule8.homologous": Wording(
        "Are the cells used for the same function the cells at the target site have "
        "(homologous use)?",
        "細胞を、投与する部位の細胞と同様の機能を持つ細胞として投与しますか(相同利用)?",
    ),
}

# Questions whose wording domain.md §1.1 marks uncertain (which uses the Ordinance treats as no
# riskier, which devices qualify, which vaccines are designated): their text is data an operator
# can change (``load_wording``) and every path that asks them says it rests on them.
UNCERTAIN_QUESTIONS: frozenset[str] = frozenset(
    {"scope.excluded_practice", "scope.approved_product_on_label"}
)

QUESTIONS: Mapping[str, str] = MappingProxyType({k: w.en for k, w in _WORDING.items()})
DEFAULT_WORDING: Mapping[str, Wording] = MappingProxyType(dict(_WORDING))


def load_wording(
    overrides: Mapping[str, object] | None = None, *, source: str = "overrides"
) -> Mapping[str, Wording]:
    """The questions' wording with an operator's changes to the uncertain ones applied.

    ``overrides`` is a whole overrides file (``saisei.law.obligations.load_overrides_file``); its
    ``"questions"`` key maps an uncertain question's key to ``{"en": …, "ja": …}`` (either or both).
    Anything else under that key raises ``LawConfigError``.
    """
    if not overrides or QUESTIONS_KEY not in overrides:
        return DEFAULT_WORDING
    changes = overrides[QUESTIONS_KEY]
    if not isinstance(changes, Mapping):
        raise LawConfigError(
            source,
            QUESTIONS_KEY,
            f"must be an object of question keys (got {describe_value(changes)})",
        )
    wording = dict(_WORDING)
    for key, value in changes.items():
        field = f"{QUESTIONS_KEY}.{key}"
        if key not in UNCERTAIN_QUESTIONS:
            raise LawConfigError(
                source,
                field,
                "only the wording of uncertain questions can be changed "
                f"(expected one of {', '.join(sorted(UNCERTAIN_QUESTIONS))})",
            )
        if not isinstance(value, Mapping) or not value or set(value) - {"en", "ja"}:
            raise LawConfigError(
                source,
                field,
                f'must be an object with "en" and/or "ja" (got {describe_value(value)})',
            )
        texts = {}
        for language in ("en", "ja"):
            text = value.get(language)
            if text is None:
                continue
            if not isinstance(text, str) or not text.strip():
                raise LawConfigError(
                    source,
                    f"{field}.{language}",
                    f"must be a non-empty string (got {describe_value(text)})",
                )
            texts[language] = text.strip()
        wording[key] = Wording(texts.get("en", wording[key].en), texts.get("ja", wording[key].ja))
    return MappingProxyType(wording)


class _Walk:
    """Accumulates the questions asked, then builds the result at the deciding one."""

    def __init__(
        self, answers: ClassificationAnswers, regime: Regime, wording: Mapping[str, Wording]
    ) -> None:
        self.answers = answers
        self.regime = regime
        self.wording = wording
        self.steps: list[Step] = []

    def ask(self, key: str, answer: Answer, basis: _Basis) -> None:
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
        rule = _RULES_BY_ID[rule_id]
        last = self.steps[-1]
        self.steps[-1] = replace(last, decided=rule_id)
        procedure = None if rule.risk_class is None else procedure_for(rule.risk_class)
        if procedure is not None and rule_id == TRANSITIONAL_RULE:
            procedure = replace(
                procedure,
                restriction_days=0,
                basis=f"{procedure.basis}; {_BASIS_TRANSITIONAL.en}",
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
        "scope.excluded_practice", None if excluded is None else excluded.value, _BASIS_EXCLUDED
    )
    if excluded is not None:
        return walk.decide(f"scope.excluded_practice.{excluded.value}")

    walk.ask("scope.pmd_act_clinical_trial", answers.pmd_act_clinical_trial, _BASIS_TRIAL)
    if answers.pmd_act_clinical_trial:
        return walk.decide("scope.pmd_act_clinical_trial")

    walk.ask(
        "scope.approved_product_on_label",
        answers.approved_product_on_label,
        _basis_approved(regime),
    )
    if answers.approved_product_on_label:
        return walk.decide("scope.approved_product_on_label")

    walk.ask("scope.purpose", answers.purpose.value, _BASIS_PURPOSE)
    if answers.purpose is Purpose.OTHER:
        return walk.decide("scope.purpose_other")

    cells = answers.cells
    walk.ask("scope.processed_cells", cells is not None, _basis_cells(regime))
    # The nucleic-acid question is asked under both regimes so that the stored path shows why in
    # vivo gene therapy was outside the Act before 2025-05-31.
    walk.ask("rule1.nucleic_acids_in_vivo", answers.nucleic_acids_in_vivo, _basis_nucleic(regime))
    if regime.covers_nucleic_acids and answers.nucleic_acids_in_vivo:
        low, high = TRANSITIONAL_WINDOW
        transitional = answers.in_vivo_provided_before_amendment and low <= answers.on <= high
        walk.ask(
            "transitional.in_vivo_provided_before_amendment", transitional, _BASIS_TRANSITIONAL
        )
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
    walk.ask("rule2.es_ips", es_ips, _ordinance_2("i", regime))
    if es_ips:
        return walk.decide("rm.class1.es" if cells.kind is CellKind.ES else "rm.class1.ips")

    walk.ask("rule3.gene_modified", cells.gene_modified, _ordinance_2("ii", regime))
    if cells.gene_modified:
        return walk.decide("rm.class1.gene_modified")

    walk.ask("rule4.animal", not human, _ordinance_2("iii", regime))
    if not human:
        return walk.decide("rm.class1.xenogeneic")

    allogeneic = cells.source is CellSource.ALLOGENEIC
    walk.ask("rule5.allogeneic", allogeneic, _ordinance_2("iv", regime))
    if allogeneic:
        return walk.decide("rm.class1.allogeneic")

    # Rule 6 asks "cultured stem cells?" (Ordinance Art 3(i), 「培養した幹細胞」): uncultured stem
    # cells are not Class II for being stem cells, and fall to the homologous-use test.
    cultured_stem = cells.kind is CellKind.SOMATIC_STEM and cells.cultured
    walk.ask("rule6.cultured_stem", cultured_stem, _ordinance_3("i", regime))
    if cultured_stem:
        return walk.decide("rm.class2.cultured_stem")

    walk.ask("rule7.cultured", cells.cultured, _ordinance_3("ii", regime))
    if cells.cultured:
        walk.ask("rule7.reconstructive", cells.reconstructive, _ordinance_3("ii", regime))
        if cells.reconstructive:
            return walk.decide("rm.class2.cultured_reconstructive")

    walk.ask("rule8.homologous", cells.homologous, _basis_homologous(regime))
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
