"""The law engine's Japanese words: complete for every question, outcome and rule, and each due
date explained in Japanese with the same dates as in English."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given

from saisei.law import CLASSIFICATION_RULES, RULES, due_date, load_rules
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


@given(inputs)
def test_every_question_asked_is_in_the_table_and_reads_in_japanese(data: dict[str, Any]) -> None:
    for step in run(data).path:
        assert QUESTIONS[step.key] == step.question
        # A stored path keeps the English question: it finds its Japanese text too.
        assert question_ja(step.question) == question_ja(step.key) == QUESTIONS_JA[step.key]


def test_unknown_texts_have_no_japanese_rather_than_a_wrong_one() -> None:
    assert question_ja("Is this a question the law asks?") is None
    assert rule_summary_ja("rm.class4.imaginary") is None
    assert rule_summary_ja("rm.class2.somatic_stem") == "ルール6:自己の体性幹細胞"


def test_the_worked_example_is_explained_in_japanese_with_each_closed_day() -> None:
    text = explain_ja(due_date("ae_death", date(2026, 4, 28)))
    assert text.startswith("期限 2026-05-07:2026-04-28から7日後(再生医療等安全性確保法第18条")
    assert "名目上の期限 2026-05-05" in text
    assert "2026-05-05 祝日(こどもの日)" in text
    assert "2026-05-06 振替休日" in text
    assert "民法第142条" in text


def test_each_kind_of_rule_reads_with_its_own_dates() -> None:
    periodic = explain_ja(due_date("periodic_report", date(2025, 6, 2), period=1))
    assert "第1期間(2025-06-02〜2026-06-01" in periodic and "期限 2026-08-31" in periodic
    restriction = explain_ja(due_date("class1_restriction", date(2026, 4, 1)))
    assert restriction.startswith("2026-06-30から提供できます:2026-04-01を1日目として91日目")
    validity = explain_ja(due_date("committee_certification_expiry", date(2024, 4, 1)))
    assert validity.startswith("2027-03-31まで有効") and "不確実:有効期間3年は不確実" in validity


def test_an_operators_override_is_shown_as_given_not_as_the_stored_translation() -> None:
    rules = load_rules(
        {"committee_certification_expiry": {"offset": 4, "note": "4 years per 2027 notice"}}
    )
    text = explain_ja(due_date("committee_certification_expiry", date(2024, 4, 1), rules=rules))
    assert text.startswith("2028-03-31まで有効:2024-04-01を1日目として4年")
    assert "不確実:4 years per 2027 notice" in text
    assert "有効期間3年" not in text
