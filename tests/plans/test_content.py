"""A plan's content is declared once (saisei.plans.content): what is derived from it agrees with
the model, and the OpenAPI document describes every field of a plan's content, answers and
criteria with its limit."""

from __future__ import annotations

import pytest
from django.utils.text import capfirst

from saisei.config.api import api
from saisei.plans import content, selectors, services
from saisei.plans.api import plan_dict, plan_public_dict
from saisei.plans.forms import ChangeForm, MinorChangeForm, PlanForm
from saisei.plans.models import EvaluationCriterion, Plan
from saisei.registry.models import Institution
from tests.support.world import CONTENT, CRITERIA, answers

# Every column of Plan that is not content, each for a reason: a new column must be declared in
# saisei.plans.content or added here, so that no list of the content falls behind.
NOT_CONTENT = {
    "id",
    "institution",
    "committee",  # a reference, set apart from the content (and compared in the history)
    "classification_answers",
    "classification",
    "risk_class",
    "classification_rule",
    "status",
    "status_before_change",
    "version",
    "first_submitted_at",
    "filed_on",
    "filed_with",
    "filing_office",
    "plan_number",
    "accepted_at",
    "provision_allowed_from",
    "provision_allowed_explanation",
    "provision_allowed_explanation_ja",
    "change_version",
    "change_allowed_from",
    "change_allowed_explanation",
    "change_allowed_explanation_ja",
    "discontinued_on",
    "data_collection_ended_on",
    "closed_on",
    "created_by",
    "created_at",
    "updated_at",
}
CRITERION_NOT_TEXT = {
    "id",
    "plan",
    "position",
    "threshold_operator",
    "threshold_value",
    "is_current",
    "added_in_version",
    "retired_in_version",
}


def _column(model, name):
    return model._meta.get_field(name)


def test_every_column_of_a_plan_is_content_or_named_as_not_content() -> None:
    columns = {f.name for f in Plan._meta.concrete_fields}
    assert set(content.CONTENT_NAMES) | NOT_CONTENT == columns
    assert not set(content.CONTENT_NAMES) & NOT_CONTENT
    criterion_columns = {f.name for f in EvaluationCriterion._meta.concrete_fields}
    assert set(content.CRITERION_FIELDS) | CRITERION_NOT_TEXT == criterion_columns


def test_the_lists_derived_from_the_declaration_agree_with_the_model() -> None:
    texts = {
        f.name: (f.max_length, not f.blank)
        for f in Plan._meta.concrete_fields
        if f.name in content.CONTENT_NAMES and not f.choices
    }
    assert texts == services.CONTENT_FIELDS
    assert services.CONTENT_FIELDS["title"] == (150, True)
    assert services.CONTENT_FIELDS["other_physicians"] == (1000, False)
    assert {
        name: [value for value, _ in _column(Plan, name).choices]
        for name in content.CONTENT_NAMES
        if _column(Plan, name).choices
    } == services.CHOICE_FIELDS
    assert set(services.CHOICE_FIELDS) == {"plan_type", "therapy"}
    # plan_type has a default, so only the therapy must be chosen.
    assert {"therapy"} == content.REQUIRED_CHOICES
    assert {
        name: _column(EvaluationCriterion, name).max_length
        for name in ("measure", "method", "time_point", "success_threshold")
    } == services.CRITERION_FIELDS
    assert (
        tuple(value for value, _ in _column(EvaluationCriterion, "threshold_operator").choices)
        == services.THRESHOLD_OPERATORS
    )
    assert {
        "title_en",
        "responsible_physician",
        "other_physicians",
        "consent_document",
    } == services.MINOR_CHANGE_FIELDS
    for name in content.DIFF_FIELDS:
        expected = (
            capfirst(_column(Plan, name).verbose_name)
            if name in content.CONTENT_NAMES or name == "committee"
            else content.RELATION_LABELS[name]
        )
        assert str(selectors.FIELD_LABELS[name]) == str(expected)
    assert "plan_type" not in content.DIFF_FIELDS  # fixed once drafted: never in a change


def test_the_forms_take_label_limit_and_requirement_from_the_model() -> None:
    form = PlanForm(institutions=Institution.objects.none())
    for name in content.CONTENT_NAMES:
        column, field = _column(Plan, name), form.fields[name]
        assert str(field.label) == str(capfirst(column.verbose_name))
        assert field.required is not column.blank
        if column.choices:
            assert list(field.choices) == list(column.choices)
        else:
            assert field.max_length == column.max_length
    for name, limit in content.CRITERION_FIELDS.items():
        field = form.fields[f"criteria_0_{name}"]
        assert field.max_length == limit
        assert str(field.label) == str(capfirst(_column(EvaluationCriterion, name).verbose_name))
    change = ChangeForm()
    for name in ("target_disease", "description"):
        assert change.fields[name].max_length == _column(Plan, name).max_length
        assert not change.fields[name].required
    minor = MinorChangeForm()
    assert {value for value, _ in minor.fields["field"].choices} == content.MINOR_CHANGE_FIELDS
    assert minor.fields["value"].max_length == max(
        _column(Plan, name).max_length for name in content.MINOR_CHANGE_FIELDS
    )


@pytest.mark.django_db
def test_snapshot_and_the_api_dicts_hold_every_content_field(world) -> None:
    plan = world.draft()
    snapshot = services.snapshot(plan)
    assert set(content.CONTENT_NAMES) <= set(snapshot)
    assert {name: snapshot[name] for name in content.CONTENT_NAMES} == {
        name: getattr(plan, name) for name in content.CONTENT_NAMES
    }
    public = plan_public_dict(plan)
    assert set(content.PUBLIC_NAMES) <= set(public)
    assert not set(content.PRIVATE_NAMES) & set(public)
    assert set(content.CONTENT_NAMES) <= set(plan_dict(plan))


def _schemas() -> dict:
    return api.get_openapi_schema()["components"]["schemas"]


def _property(schema: dict, name: str) -> dict:
    """The property's own schema (a nullable one is an anyOf with null)."""
    prop = schema["properties"][name]
    for option in prop.get("anyOf", [prop]):
        if option.get("type") != "null":
            return option
    raise AssertionError(f"{name} has no type")


def test_openapi_lists_each_content_field_with_its_limit() -> None:
    schemas = _schemas()
    for schema_name, names in (
        ("PlanContentIn", content.CONTENT_NAMES),
        ("PlanChangesIn", content.CONTENT_NAMES),
        ("PlanOut", content.CONTENT_NAMES),
        ("PlanPublicOut", content.PUBLIC_NAMES),
    ):
        schema = schemas[schema_name]
        assert set(names) <= set(schema["properties"]), schema_name
        for name in names:
            prop, column = _property(schema, name), _column(Plan, name)
            if column.choices:
                assert prop["enum"] == [value for value, _ in column.choices], (schema_name, name)
            else:
                assert prop["maxLength"] == column.max_length, (schema_name, name)
    assert not set(content.PRIVATE_NAMES) & set(schemas["PlanPublicOut"]["properties"])
    for schema_name in ("CriterionIn", "CriterionOut"):
        schema = schemas[schema_name]
        for name, limit in content.CRITERION_FIELDS.items():
            assert _property(schema, name)["maxLength"] == limit, (schema_name, name)
        assert _property(schema, "threshold_operator")["enum"] == [
            *content.THRESHOLD_OPERATORS,
            "",
        ]


def test_openapi_documents_the_answers_field_by_field() -> None:
    from saisei.law.classification import _CELL_FIELDS, _OPTIONAL_FIELDS, _TOP_FIELDS

    schemas = _schemas()
    given = [name for name in _TOP_FIELDS if name != "date"]
    answers_in = schemas["ClassificationAnswersIn"]
    assert set(answers_in["properties"]) == {*given, *_OPTIONAL_FIELDS}
    assert sorted(answers_in["required"]) == sorted(given)
    assert answers_in["additionalProperties"] is False
    for name in answers_in["properties"]:
        prop = answers_in["properties"][name]
        assert prop.get("type") or prop.get("anyOf"), name  # a type, not "anything"
    cells = _property(answers_in, "cells")
    assert set(cells["properties"]) == set(_CELL_FIELDS)
    answers_out = schemas["ClassificationAnswersOut"]
    assert set(answers_out["properties"]) == {*_TOP_FIELDS, *_OPTIONAL_FIELDS}
    plan_in = schemas["PlanIn"]["properties"]
    assert plan_in["answers"] == {"$ref": "#/components/schemas/ClassificationAnswersIn"}
    plan_out = schemas["PlanOut"]["properties"]
    assert plan_out["classification_answers"] == {
        "$ref": "#/components/schemas/ClassificationAnswersOut"
    }
    assert plan_out["criteria"]["items"] == {"$ref": "#/components/schemas/CriterionOut"}


@pytest.mark.django_db
def test_the_answers_are_still_checked_by_the_law_engine(world, client_for) -> None:
    """Typed in the document, the answers are refused as before: by the law engine, which
    names the field (400 plan_classification_invalid), not by the schema."""
    officer = client_for("officer")

    def create(answers_value):
        return officer.post(
            "/api/v1/plans",
            {
                "institution_id": world.institution.pk,
                "content": CONTENT,
                "answers": answers_value,
                "criteria": CRITERIA,
            },
            content_type="application/json",
        )

    without_purpose = {k: v for k, v in answers("II").items() if k != "purpose"}
    wrong_kind = {**answers("II"), "cells": {**answers("II")["cells"], "kind": "x"}}
    unknown = {**answers("II"), "colour": "blue"}
    for bad, field in (
        (without_purpose, "answers.purpose"),
        (wrong_kind, "answers.cells.kind"),
        (unknown, "answers.colour"),
        ({**answers("II"), "cells": "none"}, "answers.cells"),
        ({**answers("II"), "pmd_act_clinical_trial": "no"}, "answers.pmd_act_clinical_trial"),
    ):
        response = create(bad)
        assert response.status_code == 400, (field, response.json())
        body = response.json()
        assert body["code"] == "plan_classification_invalid"
        assert [e["field"] for e in body["details"]["errors"]] == [field]
    assert create([1, 2]).status_code == 422  # not an object at all: the schema refuses it
    created = create(answers("II"))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["classification_answers"]["cells"] == answers("II")["cells"]
    assert body["criteria"][0]["threshold_operator"] == ""


@pytest.mark.django_db
def test_the_plan_form_holds_a_criterion_to_the_apis_schema(world, client_for) -> None:
    """The form's criteria go through CriterionIn, so a control character the API refuses is
    refused on the page too, on the field, and nothing is saved."""
    from tests.plans.test_pages import form_data

    client = client_for("officer")
    bad = client.post(
        "/plans/new/", form_data(world, criteria_0_method="by\x07bell"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert bad.status_code == 400
    assert "criteria_0_method" in bad.context["form"].errors
    assert not Plan.objects.exists()
    good = client.post("/plans/new/", form_data(world, criteria_0_method="By bell"))
    assert good.status_code == 302
    assert Plan.objects.get().current_criteria()[0].method == "By bell"
