"""The law engine's Japanese words: complete for every question, outcome and rule, and each due
date explained in Japanese with the same dates as in English."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given

from saisei.law import CLASSIFICATION_RULES, RULES, committee_closed_kinds, due_date, load_rules
from saisei.law.classification import QUESTIONS
from saisei.law.text_ja import (
    BASIS_JA,
    NOTES_JA,
    QUESTIONS_JA,
    RULE_SUMMARIES_JA,
    explain_ja,
    question_ja,
    rule_summary_ja,
)
from tests.law.test_classification import inputs, run


def test_every_question_outcome_and_rule_has_its_japanese_text() -> None:
    assert set(QUESTIONS_JA) == set(QUESTIONS)
    assert set(RULE_SUMMARIES_JA) == {rule.id for rule in CLASSIFICATION_RULES}
    assert set(BASIS_JA) == set(RULES)
    assert {r for r in RULES if RULES.rule(r).uncertain and RULES.rule(r).note} <= set(NOTES_JA)
    assert all(QUESTIONS_JA.values()) and all(RULE_SUMMARIES_JA.values())
    for rule in RULES.values():
        assert rule.title_ja and rule.legal_name_ja and rule.basis_ja
        assert all(route.basis_ja for route in rule.routes)
        assert bool(rule.note) == bool(rule.note_ja)


@given(inputs)
def test_every_question_asked_is_in_the_table_and_reads_in_japanese(data: dict[str, Any]) -> None:
    for step in run(data).path:
        assert QUESTIONS[step.key] == step.question
        # A stored path keeps the English question: it finds its Japanese text too.
        assert question_ja(step.question) == question_ja(step.key) == QUESTIONS_JA[step.key]
        assert step.question_ja == QUESTIONS_JA[step.key] and step.basis_ja


def test_unknown_texts_have_no_japanese_rather_than_a_wrong_one() -> None:
    assert question_ja("Is this a question the law asks?") is None
    assert rule_summary_ja("rm.class4.imaginary") is None
    # Plans classified by the first version of the engine still read in Japanese.
    assert rule_summary_ja("rm.class2.somatic_stem") == "ルール6:自己の体性幹細胞"
    assert question_ja("Are the cells autologous human somatic stem cells?")
    assert rule_summary_ja("rm.class2.cultured_stem") == "ルール6:培養した幹細胞"


def test_the_worked_example_is_explained_in_japanese_for_each_recipient() -> None:
    bureau = explain_ja(due_date("ae_death", date(2026, 4, 28), to="regional_bureau"))
    assert bureau.startswith("期限 2026-05-07:2026-04-28から7日後(再生医療等安全性確保法第18条")
    assert "提出先:地方厚生局" in bureau
    assert "名目上の期限 2026-05-05 は行政機関の休日" in bureau
    assert "2026-05-05 祝日(こどもの日)" in bureau
    assert "2026-05-06 振替休日" in bureau
    assert "行政機関の休日に関する法律第1条第1項・第2条" in bureau
    committee = explain_ja(due_date("ae_death", date(2026, 4, 28)))
    assert committee.startswith("期限 2026-05-05:2026-04-28から7日後(再生医療等安全性確保法第17条")
    assert "提出先:認定再生医療等委員会" in committee
    assert "繰り延べなし" in committee and "民法第142条" in committee
    closed = explain_ja(
        due_date(
            "ae_death",
            date(2026, 4, 28),
            to="committee",
            committee_closed=committee_closed_kinds(["national_holiday"]),
        )
    )
    assert closed.startswith("期限 2026-05-07") and "国民の祝日等の休日を休日と定めている" in closed


def test_each_kind_of_rule_reads_with_its_own_dates() -> None:
    periodic = explain_ja(due_date("periodic_report", date(2025, 6, 2), period=1))
    # To the committee the Sunday 2026-08-30 is the due date; to the Bureau the Monday after.
    assert "第1期間(2025-06-02〜2026-06-01" in periodic and "期限 2026-08-30" in periodic
    bureau = explain_ja(
        due_date("periodic_report", date(2025, 6, 2), period=1, to="regional_bureau")
    )
    assert bureau.startswith("期限 2026-08-31") and "施行規則第118条第1項第5号" in bureau
    restriction = explain_ja(due_date("class1_restriction", date(2026, 4, 1)))
    assert restriction.startswith("2026-06-30から提供できます:2026-04-01を1日目として91日目")
    validity = explain_ja(due_date("committee_certification_expiry", date(2024, 4, 1)))
    assert validity.startswith("2027-03-31まで有効") and "第28条第1項" in validity
    retention = explain_ja(due_date("record_retention", date(2026, 4, 28)))
    assert "不確実:10年(施行規則第34条第3項第2号)" in retention
    renewal = explain_ja(due_date("committee_renewal", date(2026, 4, 1)))
    assert renewal.startswith("期限 2029-01-30") and "2028-12-31(90日前)から" in renewal
    jrct = explain_ja(due_date("research_summary", date(2026, 5, 3), to="jrct"))
    assert "jRCTでの公表は国の行政庁への届出ではなく" in jrct


def test_an_operators_override_is_shown_as_given_not_as_the_stored_translation() -> None:
    rules = load_rules(
        {"record_retention": {"offset": 20, "note": "20 years per 2027 notice"}},
    )
    text = explain_ja(due_date("record_retention", date(2024, 4, 1), rules=rules))
    assert text.startswith("2044-04-01まで保存:2024-04-01から20年後")
    assert "不確実:20 years per 2027 notice" in text
    assert "施行規則第34条第3項第2号" not in text.split("(")[-1]
    rebased = load_rules({"ae_death": {"basis": "RM Act Art 18 (as read in 2027)"}})
    rebased_text = explain_ja(due_date("ae_death", date(2026, 4, 28), rules=rebased))
    assert "RM Act Art 18 (as read in 2027)" in rebased_text
