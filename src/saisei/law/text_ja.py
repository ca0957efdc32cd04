"""The law engine's words in Japanese: the flowchart's questions, the classification outcomes,
the obligation rules' legal bases, and each due date's explanation.

The English texts are the engine's own words (the command-line contracts print them). The
Japanese of questions, legal bases and notes lives beside the English in the modules that define
them (``classification.DEFAULT_WORDING``, each ``Rule``'s ``basis_ja``/``note_ja``, each
``Route``'s ``basis_ja``); the tables here are views of them, plus the classification outcomes'
summaries and the Japanese explanation of a due date, so that a test can check that every
question, outcome and rule has one. Where an operator has overridden a rule's basis or note
(``SAISEI_LAW_OVERRIDES``), the overriding text is shown as given: a stored translation of the
default would say something the configuration no longer says.

Statute names follow the official short titles: 再生医療等の安全性の確保等に関する法律 (the RM
Act, 再生医療等安全性確保法), its Enforcement Ordinance (施行規則), its Cabinet Order (施行令),
医薬品、医療機器等の品質、有効性及び安全性の確保等に関する法律 (the PMD Act, 医薬品医療機器等法),
民法 (Civil Code) and 行政機関の休日に関する法律 (Act on Holidays of Administrative Organs).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from saisei.law.classification import CLASSIFICATION_RULES, DEFAULT_WORDING, QUESTIONS
from saisei.law.deadlines import DueDate
from saisei.law.legal_calendar import (
    ADMINISTRATIVE_HOLIDAYS_BASIS_JA,
    COMMITTEE_CUSTOM_BASIS_JA,
    ClosedDay,
    ClosedDayKind,
    closed_reasons,
    committee_closed_names,
)
from saisei.law.obligations import RULES, RuleKind, Unit
from saisei.law.recipients import RollPolicy

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

# Keyed by the stable step keys of saisei.law.classification (the default wording).
QUESTIONS_JA: Mapping[str, str] = MappingProxyType(
    {key: wording.ja for key, wording in DEFAULT_WORDING.items()}
)

# Questions as the first version of the engine worded them, so that paths stored then still read
# in Japanese (rule 6 asked about somatic stem cells, not cultured stem cells).
_LEGACY_QUESTIONS: Mapping[str, str] = {
    "Are the cells autologous human somatic stem cells?": "細胞は本人のヒト体性幹細胞ですか?",
    "Is only an approved regenerative medicine product used, exactly as its approval says?": (
        "承認された再生医療等製品のみを、その承認の内容どおりに用いますか?"
    ),
    "Are the cells gene-introduced or gene-modified?": "細胞は遺伝子を導入または改変したものですか?",
    "Are processed cells (細胞加工物) used?": "細胞加工物を用いますか?",
}

# Keyed by the classification rule ids of saisei.law.classification.CLASSIFICATION_RULES.
RULE_SUMMARIES_JA: Mapping[str, str] = {
    "scope.excluded_practice.transfusion": "輸血",
    "scope.excluded_practice.hsc_transplant": "造血幹細胞移植",
    "scope.excluded_practice.assisted_reproduction": "配偶子・胚を用いる生殖補助医療",
    "scope.excluded_practice.approved_device": (
        "承認された医療機器をその承認どおりに用いて作った細胞加工物等のみの使用"
    ),
    "scope.excluded_practice.designated_vaccine": "厚生労働大臣が定める感染症予防の核酸等ワクチン",
    "scope.pmd_act_clinical_trial": "医薬品医療機器等法の治験",
    "scope.approved_product_on_label": "承認された製品のみを、承認の内容どおりに使用",
    "scope.purpose_other": "法の対象外の目的",
    "scope.in_vivo_gene_therapy_before_2025_05_31": (
        "細胞加工物を用いない in vivo 遺伝子治療(2025年改正の施行前)"
    ),
    "scope.no_processed_cells": "細胞加工物を用いない(2025-05-31より前)",
    "scope.no_processed_cells_or_nucleic_acids": "細胞加工物も核酸等も用いない(2025-05-31以降)",
    "rm.class1.in_vivo_gene_therapy": "ルール1:in vivo 遺伝子治療",
    "rm.class1.in_vivo_gene_therapy.transitional": (
        "ルール1:2025-05-31以前から提供していた in vivo 遺伝子治療で、経過措置の期間内に提出"
        "(90日の提供制限なし)"
    ),
    "rm.class1.es": "ルール2:ヒトES細胞",
    "rm.class1.ips": "ルール2:ヒトiPS細胞またはiPS様細胞",
    "rm.class1.gene_modified": "ルール3:遺伝子を導入または改変した細胞",
    "rm.class1.xenogeneic": "ルール4:動物の細胞",
    "rm.class1.allogeneic": "ルール5:同種細胞",
    "rm.class2.cultured_stem": "ルール6:培養した幹細胞",
    "rm.class2.cultured_reconstructive": "ルール7:再建・修復・形成のための培養細胞",
    "rm.class2.non_homologous": "ルール8:非相同利用",
    "rm.class3.other": "ルール9:上記のいずれにも当たらないもの",
}
# Outcomes the first version of the engine could reach, for plans classified then.
_LEGACY_RULE_SUMMARIES_JA: Mapping[str, str] = {
    "rm.class2.somatic_stem": "ルール6:自己の体性幹細胞",
}

# The legal basis of each obligation rule (all its recipients), as the default rules cite it.
BASIS_JA: Mapping[str, str] = MappingProxyType({rule.id: rule.basis_ja for rule in RULES.values()})

# The notes shown with an uncertain rule (only those the explanation prints).
NOTES_JA: Mapping[str, str] = MappingProxyType(
    {rule.id: rule.note_ja for rule in RULES.values() if rule.uncertain and rule.note_ja}
)

_PLAIN_JA: Mapping[ClosedDayKind, str] = {
    ClosedDayKind.SUBSTITUTE_HOLIDAY: "振替休日",
    ClosedDayKind.CITIZENS_HOLIDAY: "国民の休日",
    ClosedDayKind.YEAR_END_CLOSURE: "年末年始の閉庁日",
    ClosedDayKind.SATURDAY: "土曜日",
    ClosedDayKind.SUNDAY: "日曜日",
}

_CLOSED_WORDS_JA: Mapping[str, str] = {
    "sunday": "日曜日",
    "saturday": "土曜日",
    "national_holiday": "国民の祝日等の休日",
    "year_end_closure": "12月29日から1月3日まで",
}

_QUESTION_KEYS_BY_TEXT: Mapping[str, str] = {text: key for key, text in QUESTIONS.items()}
_RULE_IDS = frozenset(rule.id for rule in CLASSIFICATION_RULES)


def question_ja(key_or_text: str) -> str | None:
    """The Japanese question for a step key, or for the English question text a stored path holds
    (paths stored before the keys were kept); None for a question the engine does not ask."""
    key = key_or_text if key_or_text in QUESTIONS_JA else _QUESTION_KEYS_BY_TEXT.get(key_or_text)
    if key is None:
        return _LEGACY_QUESTIONS.get(key_or_text)
    return QUESTIONS_JA[key]


def rule_summary_ja(rule_id: str) -> str | None:
    """The Japanese summary of a classification outcome; None for an unknown rule id."""
    if rule_id in _RULE_IDS:
        return RULE_SUMMARIES_JA.get(rule_id)
    return _LEGACY_RULE_SUMMARIES_JA.get(rule_id)


def closed_day_label_ja(closed: ClosedDay) -> str:
    """Why offices are closed, as it reads in a Japanese sentence: ``祝日(こどもの日)``."""
    if closed.kind is ClosedDayKind.NATIONAL_HOLIDAY:
        return f"祝日({closed.holiday_name_ja or closed.holiday_name})"
    return _PLAIN_JA[closed.kind]


def _length_ja(n: int, unit: Unit) -> str:
    return f"{n}年" if unit is Unit.YEARS else f"{n}日"


def explain_ja(due: DueDate) -> str:
    """The due date's explanation in Japanese: the counterpart of ``DueDate.explain()``."""
    spec = due.spec
    basis = due.basis_ja or due.basis
    length = _length_ja(spec.offset, spec.offset_unit)
    start = due.start.isoformat()
    if due.kind is RuleKind.RESTRICTION:
        day = (due.due - due.start).days + 1
        head = (
            f"{due.due.isoformat()}から提供できます:{start}を1日目として{day}日目({basis})。"
            "提供制限は閉庁日によって動きません"
        )
    elif due.kind is RuleKind.VALIDITY:
        head = (
            f"{due.due.isoformat()}まで有効:{start}を1日目として{length}({basis};民法第143条)。"
            "有効期間は閉庁日によって動きません"
        )
    elif due.kind is RuleKind.RETENTION:
        head = f"{due.due.isoformat()}まで保存:{start}から{length}後の応当日({basis};民法第143条)"
    elif due.kind is RuleKind.RENEWAL:
        assert due.period_start and due.period_end and due.window_opens
        head = (
            f"期限 {due.due.isoformat()}:第{due.period}期の有効期間({due.period_start.isoformat()}"
            f"〜{due.period_end.isoformat()}、最初の期間は{start}を1日目として起算)の満了の日の"
            f"{spec.offset}日前、更新申請期間の末日。申請期間は{due.window_opens.isoformat()}"
            f"({spec.window}日前)から({basis};民法第143条)"
        )
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
    if due.to is not None:
        head += f"。提出先:{due.to.label_ja}"
    roll = _roll_ja(due)
    if roll:
        head += f"。{roll}"
    if due.uncertain and spec.note:
        head += f"。不確実:{spec.note_ja or spec.note}"
    elif due.uncertain:
        head += "。不確実"
    return head + "。"


def _roll_ja(due: DueDate) -> str:
    if due.kind in (RuleKind.RESTRICTION, RuleKind.VALIDITY, RuleKind.RETENTION):
        return ""
    nominal = due.nominal_due.isoformat()
    days = "、".join(f"{d.on.isoformat()} {closed_day_label_ja(d.closed)}" for d in due.skipped)
    if not due.spec.rolls_forward:
        return "この規則は閉庁日によって動かない設定です"
    if due.roll is RollPolicy.ADMINISTRATIVE_HOLIDAYS:
        if due.skipped:
            return (
                f"名目上の期限 {nominal} は行政機関の休日のため、国の行政庁への届出等の期限として翌日に"
                f"繰り延べ:{days}({ADMINISTRATIVE_HOLIDAYS_BASIS_JA})"
            )
        return f"{nominal} は行政機関の休日ではないため繰り延べなし({ADMINISTRATIVE_HOLIDAYS_BASIS_JA})"
    if due.roll is RollPolicy.COMMITTEE_RULES:
        closed_here = closed_reasons(due.nominal_due)
        if not due.committee_closed:
            if not closed_here:
                return f"{nominal} は通常の執務日のため繰り延べなし"
            return (
                "繰り延べなし:認定再生医療等委員会への報告は国の行政庁への届出ではないため行政機関の"
                f"休日に関する法律は適用されず、{COMMITTEE_CUSTOM_BASIS_JA}は委員会が取引をしない日に"
                f"限り期間を延ばす。委員会の規程に休日の定めがないため名目上の期限が期限となる"
                f"({nominal} は{closed_day_label_ja(closed_here[0])}。規程にその種類の日を休日と定めれば"
                "繰り延べられる)"
            )
        recorded = "、".join(
            _CLOSED_WORDS_JA[name] for name in committee_closed_names(due.committee_closed)
        )
        if due.skipped:
            return (
                f"委員会の規程が{recorded}を休日と定めているため繰り延べ:{days}"
                f"({COMMITTEE_CUSTOM_BASIS_JA})"
            )
        if closed_here:
            return (
                f"繰り延べなし:{nominal} は{closed_day_label_ja(closed_here[0])}だが、委員会の規程が"
                f"休日と定めるのは{recorded}のみ({COMMITTEE_CUSTOM_BASIS_JA})"
            )
        return f"{nominal} は委員会の執務日のため繰り延べなし"
    return (
        "繰り延べなし:jRCTでの公表は国の行政庁への届出ではなく、行政機関の休日に関する法律も"
        "委員会の規程も適用されない"
    )
