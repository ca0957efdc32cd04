"""The law engine's words in Japanese: the flowchart's questions, the classification outcomes,
the obligation rules' legal bases, and each due date's explanation.

The English texts in the other modules are the engine's own words (the command-line contracts
print them). These are their Japanese counterparts for the pages, kept beside them so that a test
can check that every question, outcome and rule has one. Where an operator has overridden a
rule's basis or note (``SAISEI_LAW_OVERRIDES``), the overriding text is shown as given: a stored
translation of the default would say something the configuration no longer says.

Statute names follow the official short titles: 再生医療等の安全性の確保等に関する法律 (the RM
Act, 再生医療等安全性確保法), its Enforcement Ordinance (施行規則), 医薬品、医療機器等の品質、有効性
及び安全性の確保等に関する法律 (the PMD Act, 医薬品医療機器等法), 民法 (Civil Code) and 行政機関の
休日に関する法律 (Act on Holidays of Administrative Organs).
"""

from __future__ import annotations

from collections.abc import Mapping

from saisei.law.classification import CLASSIFICATION_RULES, QUESTIONS
from saisei.law.deadlines import DueDate
from saisei.law.errors import LawInputError
from saisei.law.legal_calendar import ClosedDay, ClosedDayKind
from saisei.law.obligations import RULES, RuleKind, Unit

__all__ = [
    "BASIS_JA",
    "NOTES_JA",
    "QUESTIONS_JA",
    "RULE_SUMMARIES_JA",
    "closed_day_label_ja",
    "explain_ja",
    "question_ja",
    "rule_summary_ja",
]

_ACT = "再生医療等安全性確保法"
_ORDINANCE = "施行規則"

# Keyed by the stable step keys of saisei.law.classification.
QUESTIONS_JA: Mapping[str, str] = {
    "scope.excluded_practice": (
        "輸血(改変・由来成分を除く)、造血幹細胞移植法による造血幹細胞移植、または配偶子・胚を用いる"
        "生殖補助医療ですか?"
    ),
    "scope.pmd_act_clinical_trial": "医薬品医療機器等法の治験ですか?",
    "scope.approved_product_on_label": (
        "承認された再生医療等製品のみを、その承認の内容どおりに用いますか?"
    ),
    "scope.purpose": (
        "目的は何ですか:身体の構造・機能の再建・修復・形成(再建)、疾病の治療・予防、それ以外?"
    ),
    "scope.processed_cells": "細胞加工物を用いますか?",
    "rule1.nucleic_acids_in_vivo": (
        "患者の体内の細胞に核酸等を導入しますか(in vivo 遺伝子治療:ベクター、プラスミド、mRNA、"
        "ゲノム編集剤)?"
    ),
    "rule2.es_ips": "細胞はヒトES細胞、iPS細胞またはiPS様細胞ですか?",
    "rule3.gene_modified": "細胞は遺伝子を導入または改変したものですか?",
    "rule4.animal": "細胞は動物の細胞(異種細胞)ですか?",
    "rule5.allogeneic": "細胞は投与を受ける本人以外に由来するもの(同種細胞)ですか?",
    "rule6.somatic_stem": "細胞は本人のヒト体性幹細胞ですか?",
    "rule7.cultured": "細胞を培養しますか?",
    "rule7.reconstructive": "培養した細胞を、身体の構造・機能の再建・修復・形成に用いますか?",
    "rule8.homologous": (
        "細胞を、投与する部位でその細胞が本来持つ機能と同じ機能のために用いますか(相同利用)?"
    ),
}

# Keyed by the classification rule ids of saisei.law.classification.CLASSIFICATION_RULES.
RULE_SUMMARIES_JA: Mapping[str, str] = {
    "scope.excluded_practice.transfusion": "輸血",
    "scope.excluded_practice.hsc_transplant": "造血幹細胞移植",
    "scope.excluded_practice.assisted_reproduction": "配偶子・胚を用いる生殖補助医療",
    "scope.pmd_act_clinical_trial": "医薬品医療機器等法の治験",
    "scope.approved_product_on_label": "承認された製品のみを、承認の内容どおりに使用",
    "scope.purpose_other": "法の対象外の目的",
    "scope.in_vivo_gene_therapy_before_2025_05_31": (
        "細胞加工物を用いない in vivo 遺伝子治療(2025年改正の施行前)"
    ),
    "scope.no_processed_cells": "細胞加工物を用いない(2025-05-31より前)",
    "scope.no_processed_cells_or_nucleic_acids": ("細胞加工物も核酸等も用いない(2025-05-31以降)"),
    "rm.class1.in_vivo_gene_therapy": "ルール1:in vivo 遺伝子治療",
    "rm.class1.es": "ルール2:ヒトES細胞",
    "rm.class1.ips": "ルール2:ヒトiPS細胞またはiPS様細胞",
    "rm.class1.gene_modified": "ルール3:遺伝子を導入または改変した細胞",
    "rm.class1.xenogeneic": "ルール4:動物の細胞",
    "rm.class1.allogeneic": "ルール5:同種細胞",
    "rm.class2.somatic_stem": "ルール6:自己の体性幹細胞",
    "rm.class2.cultured_reconstructive": "ルール7:再建・修復・形成のための培養細胞",
    "rm.class2.non_homologous": "ルール8:非相同利用",
    "rm.class3.other": "ルール9:上記のいずれにも当たらないもの",
}

# The legal basis of each obligation rule, as the default rules in saisei.law.obligations cite it.
BASIS_JA: Mapping[str, str] = {
    "ae_death": f"{_ACT}第18条;{_ORDINANCE}第35条第1項第1号",
    "ae_serious": f"{_ACT}第18条;{_ORDINANCE}第35条第1項第2号",
    "ae_other_cycle": f"{_ORDINANCE}第35条(その他の疾病等の疑い、60日ごとの期間)",
    "periodic_report": f"{_ACT}第20条・第21条(定期報告);{_ORDINANCE}",
    "cpc_periodic_report": f"{_ACT}(細胞培養加工施設の定期報告);{_ORDINANCE}",
    "minor_change": f"{_ACT}第5条第3項(軽微な変更の届出、様式第3);{_ORDINANCE}",
    "discontinuation": f"{_ACT}第6条(提供の中止の届出、様式第4);{_ORDINANCE}",
    "research_summary": f"{_ORDINANCE}(総括報告書、jRCTで公表)",
    "class1_restriction": (
        f"{_ACT}(第一種の提供制限:届出から90日。軽微でない変更で再び始まる、第10条)"
    ),
    "record_retention": f"{_ACT}(提供に関する記録);{_ORDINANCE}",
    "committee_certification_expiry": f"{_ACT}(認定再生医療等委員会の認定:有効期間、更新可)",
    "cpc_licence_expiry": f"{_ACT}(細胞培養加工施設の許可:有効期間、更新可)",
}

# The notes shown with an uncertain rule (only those the explanation prints).
NOTES_JA: Mapping[str, str] = {
    "record_retention": "第一種および異種(動物)細胞については10年かどうか不確実",
    "committee_certification_expiry": (
        "有効期間3年は不確実。更新の申請先は認定者(特定認定再生医療等委員会は厚生労働大臣、"
        "認定再生医療等委員会は地方厚生局)"
    ),
    "cpc_licence_expiry": "有効期間5年は不確実",
}

_PLAIN_JA: Mapping[ClosedDayKind, str] = {
    ClosedDayKind.SUBSTITUTE_HOLIDAY: "振替休日",
    ClosedDayKind.CITIZENS_HOLIDAY: "国民の休日",
    ClosedDayKind.YEAR_END_CLOSURE: "年末年始の閉庁日",
    ClosedDayKind.SATURDAY: "土曜日",
    ClosedDayKind.SUNDAY: "日曜日",
}

_ROLL_FORWARD_BASIS_JA = "民法第142条;行政機関の休日に関する法律"

_QUESTION_KEYS_BY_TEXT: Mapping[str, str] = {text: key for key, text in QUESTIONS.items()}
_RULE_IDS = frozenset(rule.id for rule in CLASSIFICATION_RULES)


def question_ja(key_or_text: str) -> str | None:
    """The Japanese question for a step key, or for the English question text a stored path holds
    (paths stored before the keys were kept); None for a question the engine does not ask."""
    key = key_or_text if key_or_text in QUESTIONS_JA else _QUESTION_KEYS_BY_TEXT.get(key_or_text)
    return None if key is None else QUESTIONS_JA[key]


def rule_summary_ja(rule_id: str) -> str | None:
    """The Japanese summary of a classification outcome; None for an unknown rule id."""
    return RULE_SUMMARIES_JA.get(rule_id) if rule_id in _RULE_IDS else None


def closed_day_label_ja(closed: ClosedDay) -> str:
    """Why offices are closed, as it reads in a Japanese sentence: ``祝日(こどもの日)``."""
    if closed.kind is ClosedDayKind.NATIONAL_HOLIDAY:
        return f"祝日({closed.holiday_name_ja or closed.holiday_name})"
    return _PLAIN_JA[closed.kind]


def _length_ja(n: int, unit: Unit) -> str:
    return f"{n}年" if unit is Unit.YEARS else f"{n}日"


def _default_text(rule_id: str, field: str, value: str, table: Mapping[str, str]) -> str:
    """The Japanese text when ``value`` is still the default rule's text, else ``value``."""
    try:
        default = getattr(RULES.rule(rule_id), field)
    except LawInputError:  # a rule the defaults do not have: show what the rule set says
        return value
    return table.get(rule_id, value) if value == default else value


def explain_ja(due: DueDate) -> str:
    """The due date's explanation in Japanese: the counterpart of ``DueDate.explain()``."""
    spec = due.spec
    basis = _default_text(spec.id, "basis", spec.basis, BASIS_JA)
    length = _length_ja(spec.offset, spec.offset_unit)
    start = due.start.isoformat()
    if due.kind is RuleKind.RESTRICTION:
        day = (due.due - due.start).days + 1
        head = (
            f"{due.due.isoformat()}から提供できます:{start}を1日目として{day}日目({basis})。"
            "提供制限は閉庁日によって動きません"
        )
    elif due.kind is RuleKind.VALIDITY:
        head = f"{due.due.isoformat()}まで有効:{start}を1日目として{length}({basis};民法第143条)"
    elif due.kind is RuleKind.RETENTION:
        head = f"{due.due.isoformat()}まで保存:{start}から{length}後の応当日({basis};民法第143条)"
    elif due.period is not None and due.period_start and due.period_end:
        unit = "1年" if due.kind is RuleKind.PERIODIC_YEARLY else "60日"
        head = (
            f"期限 {due.due.isoformat()}:{unit}ごとの第{due.period}期間"
            f"({due.period_start.isoformat()}〜{due.period_end.isoformat()}、{start}を1日目として"
            f"起算)の末日から{length}後({basis};民法第140条・第143条)"
        )
    else:
        article = "第140条" if spec.offset_unit is Unit.DAYS else "第140条・第143条"
        head = f"期限 {due.due.isoformat()}:{start}から{length}後({basis};民法{article})"
    if due.skipped:
        days = "、".join(f"{d.on.isoformat()} {closed_day_label_ja(d.closed)}" for d in due.skipped)
        head += (
            f"。名目上の期限 {due.nominal_due.isoformat()} は閉庁日のため繰り延べ:{days}"
            f"({_ROLL_FORWARD_BASIS_JA})"
        )
    if due.uncertain and spec.note:
        head += f"。不確実:{_default_text(spec.id, 'note', spec.note, NOTES_JA)}"
    elif due.uncertain:
        head += "。不確実"
    return head + "。"
