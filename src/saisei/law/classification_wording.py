"""What the classification flowchart asks, and on what legal basis.

Data of saisei.law.classification (which re-exports every public name): each question's wording
in English and Japanese by its stable step key, the ones whose wording is uncertain (an operator
may change them, ``load_wording``), and the provisions each step cites. Changing a text here
changes what a path says was asked, never an outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from saisei.law.errors import LawConfigError, describe_value
from saisei.law.obligations import QUESTIONS_KEY
from saisei.law.procedures import RiskClass
from saisei.law.regimes import Regime

__all__ = [
    "BASIS_EXCLUDED",
    "BASIS_PURPOSE",
    "BASIS_TRANSITIONAL",
    "BASIS_TRIAL",
    "DEFAULT_WORDING",
    "QUESTIONS",
    "UNCERTAIN_QUESTIONS",
    "Basis",
    "Wording",
    "basis_approved",
    "basis_cells",
    "basis_homologous",
    "basis_nucleic",
    "load_wording",
    "ordinance_2",
    "ordinance_3",
]


_FLOWCHART = "notice 医政研発0515第18号 (2025-05-15) Fig. 2"
_FLOWCHART_JA = "医政研発0515第18号(2025年5月15日)図2"
_ACT = "RM Act"
_ACT_JA = "再生医療等安全性確保法"
_ORD = "Ordinance"
_ORD_JA = "施行規則"


@dataclass(frozen=True, slots=True)
class Basis:
    en: str
    ja: str


def _b(en: str, ja: str) -> Basis:
    return Basis(en, ja)


def _class_paragraph(regime: Regime, risk_class: RiskClass) -> tuple[str, str]:
    """The paragraph of Act Art 2 defining a class: the 2024 amendment inserted two paragraphs
    (核酸等 and 特定細胞加工物等), so Classes I-III moved from Art 2(5)-(7) to Art 2(7)-(9)."""
    numbers = {RiskClass.I: 7, RiskClass.II: 8, RiskClass.III: 9}
    n = numbers[risk_class] - (0 if regime.covers_nucleic_acids else 2)
    return f"{_ACT} Art 2({n})", f"{_ACT_JA}第2条第{n}項"


BASIS_EXCLUDED = _b(
    f"{_ACT} Art 2(2); Cabinet Order Art 1(i)(a)-(d), (ii)(a)-(b) (techniques the Cabinet Order "
    f"does not make regenerative medicine techniques); {_ORD} Art 1-2; {_FLOWCHART}",
    f"{_ACT_JA}第2条第2項;施行令第1条第1号イ~ニ・第2号イ~ロ;{_ORD_JA}第1条の2;{_FLOWCHART_JA}",
)
BASIS_TRIAL = _b(
    f"{_ACT} Art 2(1) (a clinical trial under the PMD Act, 治験, is not regenerative medicine "
    f"under the Act); {_FLOWCHART}",
    f"{_ACT_JA}第2条第1項(医薬品医療機器等法の治験を除く);{_FLOWCHART_JA}",
)


def basis_approved(regime: Regime) -> Basis:
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


BASIS_PURPOSE = _b(
    f"{_ACT} Art 2(2) (purposes: reconstruction, repair or formation of body structure or "
    f"function; treatment or prevention of disease); {_FLOWCHART}",
    f"{_ACT_JA}第2条第2項(目的:身体の構造又は機能の再建、修復又は形成、疾病の治療又は予防);"
    f"{_FLOWCHART_JA}",
)


def basis_cells(regime: Regime) -> Basis:
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


def basis_nucleic(regime: Regime) -> Basis:
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


BASIS_TRANSITIONAL = _b(
    "Act No. 51 of 2024, supplementary provisions Art 3(1), (2) (in vivo gene therapy provided "
    "on 2025-05-31 and filed by 2026-05-30 is not subject to RM Act Art 9)",
    "令和6年法律第51号附則第3条第1項・第2項(2025年5月31日に提供していた in vivo 遺伝子治療で、"
    "2026年5月30日までに計画を提出したものには法第9条を適用しない)",
)


def ordinance_2(item: str, regime: Regime) -> Basis:
    en, ja = _class_paragraph(regime, RiskClass.I)
    numbers = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
    return _b(
        f"{en}; {_ORD} Art 2({item}); {_FLOWCHART}",
        f"{ja};{_ORD_JA}第2条第{numbers[item]}号;{_FLOWCHART_JA}",
    )


def ordinance_3(item: str, regime: Regime) -> Basis:
    en, ja = _class_paragraph(regime, RiskClass.II)
    numbers = {"i": "1", "ii": "2", "iii": "3"}
    return _b(
        f"{en}; {_ORD} Art 3({item}); {_FLOWCHART}",
        f"{ja};{_ORD_JA}第3条第{numbers[item]}号;{_FLOWCHART_JA}",
    )


def basis_homologous(regime: Regime) -> Basis:
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
