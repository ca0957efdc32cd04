"""Classification under the RM Act (domain.md §1.1-1.3)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saisei.law import (
    CLASSIFICATION_RULES,
    Classification,
    ClassificationAnswers,
    CommitteeKind,
    FiledWith,
    LawInputError,
    RiskClass,
    Track,
    classify,
    procedure_for,
)

BEFORE = "2025-05-30"  # last day of the 2014 regime
AFTER = "2025-05-31"  # the amendment's first day

CELLS_PRP_SKIN = {
    "species": "human",
    "source": "autologous",
    "kind": "somatic",
    "gene_modified": False,
    "cultured": False,
    "reconstructive": False,
    "homologous": True,
}


_PRP: dict[str, Any] = {}


def answers(day: Any = AFTER, cells: dict[str, Any] | None = _PRP, **top: Any) -> dict[str, Any]:
    """A valid input mapping: autologous PRP into skin, changed by ``cells`` and ``top``.

    ``cells=None`` means no processed cells; a dict changes fields of the PRP cells.
    """
    data: dict[str, Any] = {
        "date": day,
        "purpose": "treatment",
        "excluded_practice": None,
        "pmd_act_clinical_trial": False,
        "approved_product_on_label": False,
        "nucleic_acids_in_vivo": False,
        "cells": None if cells is None else {**CELLS_PRP_SKIN, **cells},
    }
    data.update(top)
    return data


def run(data: dict[str, Any]) -> Classification:
    return classify(ClassificationAnswers.from_mapping(data))


NO_CELLS = {"cells": None}

# (case, input, track, class, rule). Real-world labels from domain.md where it gives them.
CASES: list[tuple[str, dict[str, Any], str, str | None, str]] = [
    (
        "transfusion",
        answers(excluded_practice="transfusion"),
        "outside",
        None,
        "scope.excluded_practice.transfusion",
    ),
    (
        "HSC transplant (2014 regime)",
        answers(BEFORE, excluded_practice="hsc_transplant"),
        "outside",
        None,
        "scope.excluded_practice.hsc_transplant",
    ),
    (
        "assisted reproduction",
        answers(excluded_practice="assisted_reproduction"),
        "outside",
        None,
        "scope.excluded_practice.assisted_reproduction",
    ),
    (
        "PMD Act clinical trial of iPS cells",
        answers(pmd_act_clinical_trial=True, cells={"kind": "ips", "source": "allogeneic"}),
        "pmd_act",
        None,
        "scope.pmd_act_clinical_trial",
    ),
    (
        "approved product used on label",
        answers(BEFORE, approved_product_on_label=True, cells={"kind": "somatic_stem"}),
        "pmd_act",
        None,
        "scope.approved_product_on_label",
    ),
    ("cosmetic purpose", answers(purpose="other"), "outside", None, "scope.purpose_other"),
    (
        "exosomes / culture supernatant, 2025 regime",
        answers(**NO_CELLS),
        "outside",
        None,
        "scope.no_processed_cells_or_nucleic_acids",
    ),
    (
        "exosomes / culture supernatant, 2014 regime",
        answers(BEFORE, **NO_CELLS),
        "outside",
        None,
        "scope.no_processed_cells",
    ),
    (
        "in vivo gene therapy on the last day before the amendment",
        answers(BEFORE, nucleic_acids_in_vivo=True, **NO_CELLS),
        "outside",
        None,
        "scope.in_vivo_gene_therapy_before_2025_05_31",
    ),
    (
        "in vivo gene therapy on the amendment's first day",
        answers(AFTER, nucleic_acids_in_vivo=True, **NO_CELLS),
        "rm_act",
        "I",
        "rm.class1.in_vivo_gene_therapy",
    ),
    (
        "in vivo gene therapy with PRP, 2025: rule 1 comes first",
        answers(AFTER, nucleic_acids_in_vivo=True),
        "rm_act",
        "I",
        "rm.class1.in_vivo_gene_therapy",
    ),
    (
        "in vivo gene therapy with PRP, 2014: the cells decide",
        answers(BEFORE, nucleic_acids_in_vivo=True),
        "rm_act",
        "III",
        "rm.class3.other",
    ),
    ("human ES cells", answers(cells={"kind": "es"}), "rm_act", "I", "rm.class1.es"),
    (
        "autologous iPS cells (2014 regime)",
        answers(BEFORE, cells={"kind": "ips"}),
        "rm_act",
        "I",
        "rm.class1.ips",
    ),
    (
        "CAR-T made in-house",
        answers(cells={"gene_modified": True, "cultured": True}),
        "rm_act",
        "I",
        "rm.class1.gene_modified",
    ),
    (
        "animal ES cells are caught by rule 4, not rule 2",
        answers(cells={"species": "animal", "kind": "es"}),
        "rm_act",
        "I",
        "rm.class1.xenogeneic",
    ),
    (
        "allogeneic somatic cells",
        answers(cells={"source": "allogeneic"}),
        "rm_act",
        "I",
        "rm.class1.allogeneic",
    ),
    (
        "allogeneic MSC (2014 regime)",
        answers(BEFORE, cells={"source": "allogeneic", "kind": "somatic_stem"}),
        "rm_act",
        "I",
        "rm.class1.allogeneic",
    ),
    (
        "autologous adipose MSC, intravenous for diabetes",
        answers(cells={"kind": "somatic_stem", "cultured": True, "homologous": False}),
        "rm_act",
        "II",
        "rm.class2.cultured_stem",
    ),
    (
        "cultured autologous adipose MSC used homologously: still rule 6, cultured stem cells",
        answers(cells={"kind": "somatic_stem", "cultured": True, "homologous": True}),
        "rm_act",
        "II",
        "rm.class2.cultured_stem",
    ),
    (
        "uncultured adipose stem cells for breast reconstruction (homologous): rule 9",
        answers(
            purpose="reconstruction",
            cells={"kind": "somatic_stem", "reconstructive": True, "homologous": True},
        ),
        "rm_act",
        "III",
        "rm.class3.other",
    ),
    (
        "uncultured autologous adipose SVF used homologously (2014 regime too)",
        answers(BEFORE, cells={"kind": "somatic_stem", "homologous": True}),
        "rm_act",
        "III",
        "rm.class3.other",
    ),
    (
        "uncultured bone-marrow stromal cells for angiogenesis: rule 8, not rule 6",
        answers(cells={"kind": "somatic_stem", "homologous": False}),
        "rm_act",
        "II",
        "rm.class2.non_homologous",
    ),
    (
        "uncultured autologous cord blood for cerebral palsy: rule 8",
        answers(BEFORE, cells={"kind": "somatic_stem", "homologous": False}),
        "rm_act",
        "II",
        "rm.class2.non_homologous",
    ),
    (
        "cells made only with an approved medical device, used as approved",
        answers(excluded_practice="approved_device", cells={"kind": "somatic_stem"}),
        "outside",
        None,
        "scope.excluded_practice.approved_device",
    ),
    (
        "a designated nucleic-acid vaccine",
        answers(excluded_practice="designated_vaccine", nucleic_acids_in_vivo=True, cells=None),
        "outside",
        None,
        "scope.excluded_practice.designated_vaccine",
    ),
    (
        "in vivo gene therapy provided before the amendment, filed in the window",
        answers(
            "2026-05-30",
            nucleic_acids_in_vivo=True,
            in_vivo_provided_before_amendment=True,
            **NO_CELLS,
        ),
        "rm_act",
        "I",
        "rm.class1.in_vivo_gene_therapy.transitional",
    ),
    (
        "in vivo gene therapy provided before the amendment, filed after the window",
        answers(
            "2026-05-31",
            nucleic_acids_in_vivo=True,
            in_vivo_provided_before_amendment=True,
            **NO_CELLS,
        ),
        "rm_act",
        "I",
        "rm.class1.in_vivo_gene_therapy",
    ),
    (
        "gene-edited autologous cells (gene modified, not introduced)",
        answers(cells={"gene_modified": True, "cultured": False}),
        "rm_act",
        "I",
        "rm.class1.gene_modified",
    ),
    (
        "cultured autologous chondrocytes",
        answers(BEFORE, purpose="reconstruction", cells={"cultured": True, "reconstructive": True}),
        "rm_act",
        "II",
        "rm.class2.cultured_reconstructive",
    ),
    (
        "PRP into a knee joint (non-homologous)",
        answers(cells={"homologous": False}),
        "rm_act",
        "II",
        "rm.class2.non_homologous",
    ),
    (
        "uncultured cells used for reconstruction but non-homologous",
        answers(cells={"reconstructive": True, "homologous": False}),
        "rm_act",
        "II",
        "rm.class2.non_homologous",
    ),
    ("PRP into skin (homologous)", answers(), "rm_act", "III", "rm.class3.other"),
    (
        "PRP into oral mucosa, prevention, 2014 regime",
        answers(BEFORE, purpose="prevention"),
        "rm_act",
        "III",
        "rm.class3.other",
    ),
    (
        "autologous cultured lymphocytes for cancer immunotherapy",
        answers(cells={"cultured": True}),
        "rm_act",
        "III",
        "rm.class3.other",
    ),
]


@pytest.mark.parametrize(
    ("data", "track", "risk_class", "rule"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_classification_table(
    data: dict[str, Any], track: str, risk_class: str | None, rule: str
) -> None:
    result = run(data)
    assert (result.track.value, result.rule) == (track, rule)
    assert (None if result.risk_class is None else result.risk_class.value) == risk_class


def test_every_rule_of_the_table_is_exercised_by_a_case() -> None:
    assert {case[4] for case in CASES} == {rule.id for rule in CLASSIFICATION_RULES}


def test_regime_is_chosen_by_the_date_asked_about() -> None:
    assert run(answers(BEFORE)).regime.key == "2014-11-25"
    assert run(answers(AFTER)).regime.key == "2025-05-31"
    assert run(answers("2014-11-25")).regime.key == "2014-11-25"


def test_path_lists_every_question_in_order_up_to_the_deciding_one() -> None:
    result = run(answers())  # PRP into skin: every question is asked
    assert [step.key for step in result.path] == [
        "scope.excluded_practice",
        "scope.pmd_act_clinical_trial",
        "scope.approved_product_on_label",
        "scope.purpose",
        "scope.processed_cells",
        "rule1.nucleic_acids_in_vivo",
        "rule2.es_ips",
        "rule3.gene_modified",
        "rule4.animal",
        "rule5.allogeneic",
        "rule6.cultured_stem",
        "rule7.cultured",
        "rule8.homologous",
    ]
    assert [step.answer for step in result.path] == [
        None,
        False,
        False,
        "treatment",
        True,
        False,
        False,
        False,
        False,
        False,
        False,
        False,
        True,
    ]
    assert [step.decided for step in result.path[:-1]] == [None] * 12
    assert result.path[-1].decided == "rm.class3.other"
    assert "医政研発1031第1号" in result.path[-1].basis
    assert "Ordinance Art 1(iii)" in result.path[-1].basis
    assert all(step.question_ja and step.basis_ja for step in result.path)


def test_an_uncultured_autologous_svf_used_homologously_is_class_iii_and_the_path_says_why() -> (
    None
):
    result = run(answers(cells={"kind": "somatic_stem", "cultured": False, "homologous": True}))
    assert (result.risk_class, result.rule) == (RiskClass.III, "rm.class3.other")
    steps = {step.key: step for step in result.path}
    stem = steps["rule6.cultured_stem"]
    assert stem.answer is False
    assert "Uncultured stem cells" in stem.question and "Ordinance Art 3(i)" in stem.basis
    assert steps["rule7.cultured"].answer is False
    assert steps["rule8.homologous"].answer is True


def test_class_bases_follow_the_paragraphs_of_the_act_in_force() -> None:
    before = run(answers(BEFORE, cells={"kind": "es"})).path[-1].basis
    after = run(answers(AFTER, cells={"kind": "es"})).path[-1].basis
    assert before.startswith("RM Act Art 2(5); Ordinance Art 2(i)")
    assert after.startswith("RM Act Art 2(7); Ordinance Art 2(i)")


def test_the_nucleic_acid_question_says_what_is_not_a_nucleic_acid_under_the_act() -> None:
    question = run(answers(nucleic_acids_in_vivo=True, cells=None)).path[5].question
    assert "siRNA" in question and "antisense" in question and "answer no" in question


def test_uncertain_wording_is_data_and_never_changes_the_outcome() -> None:
    from saisei.law import LawConfigError, load_wording

    wording = load_wording(
        {"questions": {"scope.approved_product_on_label": {"en": "Approved products only?"}}}
    )
    default = run(answers())
    changed = classify(ClassificationAnswers.from_mapping(answers()), wording=wording)
    assert changed.path[2].question == "Approved products only?"
    assert changed.path[2].question_ja == default.path[2].question_ja
    assert (changed.rule, changed.risk_class) == (default.rule, default.risk_class)
    assert changed.uncertain and changed.path[2].uncertain and not changed.path[3].uncertain
    for bad in (
        {"questions": {"rule2.es_ips": {"en": "ES?"}}},
        {"questions": {"scope.approved_product_on_label": {"fr": "?"}}},
        {"questions": {"scope.approved_product_on_label": {"en": " "}}},
        {"questions": []},
    ):
        with pytest.raises(LawConfigError):
            load_wording(bad)


def test_cultured_cells_are_asked_whether_they_are_reconstructive() -> None:
    keys = [s.key for s in run(answers(cells={"cultured": True, "reconstructive": True})).path]
    assert keys[-2:] == ["rule7.cultured", "rule7.reconstructive"]


def test_path_stops_at_the_first_rule_that_matches() -> None:
    result = run(answers(excluded_practice="transfusion", pmd_act_clinical_trial=True))
    assert len(result.path) == 1
    assert result.path[0].answer == "transfusion"
    assert result.rule == "scope.excluded_practice.transfusion"


def test_nucleic_acid_basis_differs_by_regime() -> None:
    before = run(answers(BEFORE, nucleic_acids_in_vivo=True, cells=None)).path[-1]
    after = run(answers(AFTER, nucleic_acids_in_vivo=True, cells=None)).path[-2]
    assert before.key == after.key == "rule1.nucleic_acids_in_vivo"
    assert "not regenerative medicine" in before.basis
    assert "Ordinance Art 2(v)" in after.basis


@pytest.mark.parametrize(
    ("risk_class", "committee", "filed_with", "days"),
    [
        ("I", CommitteeKind.SPECIALLY_CERTIFIED, FiledWith.MINISTER, 90),
        ("II", CommitteeKind.SPECIALLY_CERTIFIED, FiledWith.REGIONAL_BUREAU, 0),
        ("III", CommitteeKind.CERTIFIED, FiledWith.REGIONAL_BUREAU, 0),
    ],
)
def test_procedure_per_class(
    risk_class: str, committee: CommitteeKind, filed_with: FiledWith, days: int
) -> None:
    procedure = procedure_for(risk_class)
    assert (procedure.committee, procedure.filed_with, procedure.restriction_days) == (
        committee,
        filed_with,
        days,
    )
    assert procedure.risk_class is RiskClass(risk_class)


def test_procedure_for_an_unknown_class_names_the_field() -> None:
    with pytest.raises(LawInputError) as excinfo:
        procedure_for("IV")
    assert str(excinfo.value) == 'risk_class: must be one of I, II, III (got "IV")'


def test_to_dict_has_the_cli_shape() -> None:
    result = run(answers(cells={"kind": "ips"})).to_dict()
    assert list(result) == [
        "track",
        "risk_class",
        "regime",
        "rule",
        "path",
        "procedure",
        "uncertain",
    ]
    assert result["procedure"] == {
        "committee": "specially_certified",
        "filed_with": "minister",
        "restriction_days": 90,
    }
    assert all(
        list(step) == ["question", "answer", "basis", "uncertain"] for step in result["path"]
    )
    assert run(answers(purpose="other")).to_dict()["procedure"] is None


def test_answers_round_trip_through_to_dict() -> None:
    parsed = ClassificationAnswers.from_mapping(answers(cells={"kind": "somatic_stem"}))
    assert ClassificationAnswers.from_mapping(parsed.to_dict()) == parsed
    no_cells = ClassificationAnswers.from_mapping(
        answers(excluded_practice="transfusion", cells=None)
    )
    assert ClassificationAnswers.from_mapping(no_cells.to_dict()) == no_cells


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            answers(cells={"kind": "mesenchymal"}),
            'cells.kind: must be one of es, ips, somatic_stem, somatic (got "mesenchymal")',
        ),
        (
            {k: v for k, v in answers().items() if k != "purpose"},
            "purpose: required field is missing",
        ),
        (
            answers(colour="red"),
            "colour: unknown field (expected one of date, purpose, excluded_practice, "
            "pmd_act_clinical_trial, approved_product_on_label, nucleic_acids_in_vivo, cells, "
            "in_vivo_provided_before_amendment)",
        ),
        (answers(cells={"size": 3}), "cells.size: unknown field"),
        (
            answers(pmd_act_clinical_trial=0),
            "pmd_act_clinical_trial: must be true or false (got 0)",
        ),
        (
            answers(cells={"homologous": "yes"}),
            'cells.homologous: must be true or false (got "yes")',
        ),
        (answers(day="2026-02-30"), 'date: must be a date YYYY-MM-DD (got "2026-02-30")'),
        (answers(day="20260428"), 'date: must be a date YYYY-MM-DD (got "20260428")'),
        (answers(day=20260428), "date: must be a date YYYY-MM-DD (got 20260428)"),
        (
            answers(day="2014-11-24"),
            "date: must be on or after 2014-11-25, when the RM Act came into force "
            '(got "2014-11-24")',
        ),
        (
            answers(excluded_practice="dialysis"),
            "excluded_practice: must be null or one of transfusion, hsc_transplant, "
            'assisted_reproduction, approved_device, designated_vaccine (got "dialysis")',
        ),
        (
            answers(purpose=None),
            "purpose: must be one of treatment, prevention, reconstruction, other (got null)",
        ),
        ({**answers(), "cells": []}, "cells: must be null or an object (got [])"),
        ([answers()], "input: must be a JSON object"),
        ("hello", "input: must be a JSON object"),
    ],
)
def test_invalid_answers_name_the_field(data: Any, message: str) -> None:
    with pytest.raises(LawInputError) as excinfo:
        ClassificationAnswers.from_mapping(data)
    assert str(excinfo.value).startswith(message)


def test_missing_cell_field_is_reported_with_its_path() -> None:
    data = answers()
    del data["cells"]["kind"]
    with pytest.raises(LawInputError) as excinfo:
        ClassificationAnswers.from_mapping(data)
    assert excinfo.value.field == "cells.kind"


# --- properties over every valid input -------------------------------------------------------

cells_strategy = st.fixed_dictionaries(
    {
        "species": st.sampled_from(["human", "animal"]),
        "source": st.sampled_from(["autologous", "allogeneic"]),
        "kind": st.sampled_from(["es", "ips", "somatic_stem", "somatic"]),
        "gene_modified": st.booleans(),
        "cultured": st.booleans(),
        "reconstructive": st.booleans(),
        "homologous": st.booleans(),
    }
)
inputs = st.fixed_dictionaries(
    {
        "date": st.dates(min_value=date(2014, 11, 25), max_value=date(2040, 12, 31)).map(
            date.isoformat
        ),
        "purpose": st.sampled_from(["treatment", "prevention", "reconstruction", "other"]),
        "excluded_practice": st.sampled_from(
            [
                None,
                None,
                None,
                None,
                "transfusion",
                "hsc_transplant",
                "assisted_reproduction",
                "approved_device",
                "designated_vaccine",
            ]
        ),
        "pmd_act_clinical_trial": st.booleans(),
        "approved_product_on_label": st.booleans(),
        "nucleic_acids_in_vivo": st.booleans(),
        "cells": st.one_of(st.none(), cells_strategy),
        "in_vivo_provided_before_amendment": st.booleans(),
    }
)
RULES_BY_ID = {rule.id: rule for rule in CLASSIFICATION_RULES}


@given(inputs)
def test_every_valid_input_has_exactly_one_answer_ending_the_path(data: dict[str, Any]) -> None:
    result = run(data)
    assert result.path
    deciding = [step for step in result.path if step.decided is not None]
    assert deciding == [result.path[-1]]
    assert result.path[-1].decided == result.rule
    assert len({step.key for step in result.path}) == len(result.path)
    assert all(step.question and step.basis for step in result.path)
    rule = RULES_BY_ID[result.rule]
    assert (result.track, result.risk_class) == (rule.track, rule.risk_class)
    assert (result.procedure is None) == (result.track is not Track.RM_ACT)
    if result.risk_class is not None and not result.transitional:
        assert result.procedure == procedure_for(result.risk_class)
    if result.transitional:
        assert result.procedure is not None and result.procedure.restriction_days == 0
        assert "2025-05-31" <= data["date"] <= "2026-05-30"
    assert run(data) == result  # pure: same answers, same result


@given(inputs)
def test_first_match_wins_for_scope_exclusions(data: dict[str, Any]) -> None:
    result = run(data)
    if data["excluded_practice"] is not None:
        assert result.track is Track.OUTSIDE
        assert len(result.path) == 1
    elif data["pmd_act_clinical_trial"] or data["approved_product_on_label"]:
        assert result.track is Track.PMD_ACT
    elif data["purpose"] == "other":
        assert result.rule == "scope.purpose_other"


@given(inputs)
def test_nucleic_acids_only_matter_from_the_amendment(data: dict[str, Any]) -> None:
    result = run(data)
    if result.rule == "rm.class1.in_vivo_gene_therapy":
        assert data["date"] >= AFTER
        assert data["nucleic_acids_in_vivo"] is True
    if data["date"] < AFTER and data["cells"] is not None:
        flipped = run({**data, "nucleic_acids_in_vivo": not data["nucleic_acids_in_vivo"]})
        assert (flipped.track, flipped.risk_class, flipped.rule) == (
            result.track,
            result.risk_class,
            result.rule,
        )
