"""Bounded input: every class of bad input is refused with the standard 422 body naming the
field, on representative routes of every app, before any service or the database sees it.

The same tests run on SQLite and on PostgreSQL (`DATABASE_URL`), where a NUL byte, an
over-long text or an over-wide decimal would otherwise reach the database and fail there.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from saisei.core.bounds import MAX_LIMIT, MAX_OFFSET
from saisei.law import MAX_PERIOD
from saisei.obligations.models import Obligation
from saisei.reporting.models import AdverseEvent, OutcomeMeasurement, PeriodicReport, Treatment
from tests.reporting.conftest import active_plan, world
from tests.support import at

pytestmark = pytest.mark.django_db

# The reporting tests' world: the demo registry as on 2025-06-02 and an active Class II plan.
__all__ = ["active_plan", "world"]

ON = dt.date(2025, 8, 1)


def _refused(response: Any, field: str, status: int = 422) -> dict[str, Any]:
    """The response is the standard error body refusing `field`; returns that field's error."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "invalid_input"
    errors = {e["field"]: e for e in body["details"]["errors"]}
    assert field in errors, errors
    assert errors[field]["message"]
    return errors[field]


def _post(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


@pytest.fixture
def officer(client_for: Any) -> Client:
    return client_for("officer")


# --- pagination ------------------------------------------------------------------------------

PUBLIC_LISTS = [
    "/api/v1/public/plans",
    "/api/v1/orders",
    "/api/v1/institutions",
    "/api/v1/committees",
    "/api/v1/facilities",
    "/api/v1/products",
]
PRIVATE_LISTS = ["/api/v1/plans", "/api/v1/reviews", "/api/v1/obligations", "/api/v1/me/tokens"]


@pytest.mark.parametrize("url", PUBLIC_LISTS + PRIVATE_LISTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"offset": 10**30}, "query.offset"),
        ({"offset": MAX_OFFSET + 1}, "query.offset"),
        ({"offset": -1}, "query.offset"),
        ({"limit": 0}, "query.limit"),
        ({"limit": MAX_LIMIT + 1}, "query.limit"),
    ],
)
def test_every_list_refuses_a_page_outside_its_bounds(
    url: str, query: dict[str, int], field: str, personas: Any, client_for: Any
) -> None:
    # The regulator sees every list (a committee member's review queue included).
    client = client_for("regulator" if url in PRIVATE_LISTS else None)
    if url.endswith("/tokens"):
        client = client_for("officer")
    _refused(client.get(url, query), field)


@pytest.mark.parametrize("url", PUBLIC_LISTS)
def test_the_deepest_page_allowed_is_answered_empty(url: str, personas: Any, client_for: Any):
    response = client_for(None).get(url, {"offset": MAX_OFFSET, "limit": MAX_LIMIT})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_the_openapi_document_shows_the_bounds(personas: Any, client_for: Any) -> None:
    document = client_for(None).get("/api/v1/openapi.json").json()
    for url in ["/api/v1/plans", "/api/v1/public/plans", "/api/v1/institutions"]:
        parameters = {p["name"]: p["schema"] for p in document["paths"][url]["get"]["parameters"]}
        assert parameters["limit"]["maximum"] == MAX_LIMIT
        assert parameters["offset"]["maximum"] == MAX_OFFSET
        assert "422" in document["paths"][url]["get"]["responses"]
    assert document["paths"]["/api/v1/public/plans"]["get"]["parameters"]
    schemas = document["components"]["schemas"]
    treatment = schemas["TreatmentIn"]["properties"]
    assert treatment["patient_code"]["maxLength"] == 40
    assert treatment["treated_on"]["formatMinimum"] == "2014-11-25"
    assert treatment["lot"]["maxLength"] == 60 and "pattern" in treatment["lot"]
    generate = schemas["GenerateIn"]["properties"]["period"]
    assert (generate["minimum"], generate["maximum"]) == (1, MAX_PERIOD)
    value = schemas["OutcomeIn"]["properties"]["value"]["anyOf"][0]
    assert value["exclusiveMaximum"] == 10**10


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/v1/public/plans", "/api/v1/institutions", "/api/v1/facilities", "/api/v1/plans"]
)
def test_a_60000_character_search_is_refused(url: str, personas: Any, client_for: Any) -> None:
    _refused(client_for("regulator").get(url, {"q": "x" * 60_000}), "query.q")


def test_a_text_longer_than_its_column_is_refused_and_nothing_is_written(
    active_plan: Any, officer: Client
) -> None:
    url = f"/api/v1/reporting/plans/{active_plan.pk}/adverse-events"
    event = {
        "patient_code": "P-1",
        "learned_on": "2025-07-30",
        "category": "non_serious",
        "description": "x" * 4001,
        "outcome": "recovered",
        "causality": "related",
    }
    with at(ON):
        error = _refused(_post(officer, url, event), "description")
    assert error["type"] == "string_too_long"
    assert not AdverseEvent.objects.exists()


def test_a_registry_name_longer_than_its_column_is_refused(client_for: Any, personas: Any) -> None:
    response = _post(
        client_for("regulator"),
        "/api/v1/institutions",
        {
            "slug": "x",
            "name": "x" * 201,
            "kind": "clinic",
            "prefecture": "13",
            "manager_name": "m",
        },
    )
    _refused(response, "name")


def test_a_plan_title_longer_than_its_column_names_the_content_field(
    world: Any, officer: Client
) -> None:
    from tests.support.world import CONTENT, answers

    response = _post(
        officer,
        "/api/v1/plans",
        {
            "institution_id": world.institution.pk,
            "content": {**CONTENT, "title": "x" * 151},
            "answers": answers("II"),
        },
    )
    _refused(response, "content.title")
    unknown = _post(
        officer,
        "/api/v1/plans",
        {
            "institution_id": world.institution.pk,
            "content": {**CONTENT, "titel": "typo"},
            "answers": answers("II"),
        },
    )
    _refused(unknown, "content.titel")


# --- control characters ----------------------------------------------------------------------


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_refused_with_a_field_error(
    character: str, active_plan: Any, officer: Client
) -> None:
    url = f"/api/v1/reporting/plans/{active_plan.pk}/treatments"
    with at(ON):
        error = _refused(
            _post(
                officer,
                url,
                {"patient_code": "P-1", "treated_on": "2025-07-01", "lot": f"L{character}1"},
            ),
            "lot",
        )
    assert error["type"] == "control_character"
    assert f"U+{ord(character):04X}" in error["message"]
    assert not Treatment.objects.exists()


def test_a_lone_surrogate_is_refused_and_multiline_text_keeps_its_line_breaks(
    active_plan: Any, officer: Client
) -> None:
    url = f"/api/v1/reporting/plans/{active_plan.pk}/adverse-events"
    event = {
        "patient_code": "P-1",
        "learned_on": "2025-07-30",
        "category": "non_serious",
        "outcome": "recovered",
        "causality": "related",
    }
    with at(ON):
        # A JSON escape the UTF-8 encoders of both databases cannot write.
        raw = json.dumps(event)[:-1] + ', "description": "\\ud800"}'
        response = officer.post(url, raw, content_type="application/json")
        _refused(response, "description")
        assert not AdverseEvent.objects.exists()
        created = _post(officer, url, {**event, "description": "fever\n\tthen rash\r\nnext day"})
    assert created.status_code == 201, created.content
    assert AdverseEvent.objects.get().description == "fever\n\tthen rash\r\nnext day"


def test_nul_is_refused_in_a_path_of_every_app(client_for: Any, personas: Any) -> None:
    regulator = client_for("regulator")
    _refused(regulator.get("/api/v1/institutions", {"q": "a\x00b"}), "query.q")
    _refused(regulator.get("/api/v1/obligations", {"rule": "ae\x00"}), "query.rule")
    _refused(client_for(None).get("/api/v1/products/amch\x00epry"), "path.slug")
    _refused(
        _post(
            regulator,
            "/api/v1/facilities/1/notices",
            {"kind": "change", "event_on": "2025-07-01", "summary": "a\x00"},
        ),
        "summary",
    )


# --- decimals --------------------------------------------------------------------------------


@pytest.fixture
def treatment(active_plan: Any, officer: Client) -> Treatment:
    with at(ON):
        response = _post(
            officer,
            f"/api/v1/reporting/plans/{active_plan.pk}/treatments",
            {"patient_code": "P-1", "treated_on": "2025-07-01"},
        )
    assert response.status_code == 201, response.content
    return Treatment.objects.get()


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (1e30, "decimal_max_digits"),
        ("1e30", "decimal_max_digits"),
        (10**10, "decimal_whole_digits"),
        ("1.23456", "decimal_max_places"),
        ("NaN", "finite_number"),
        ("Infinity", "finite_number"),
    ],
)
def test_an_outcome_wider_than_its_column_is_refused_and_the_plan_stays_readable(
    value: Any, kind: str, active_plan: Any, treatment: Treatment, officer: Client
) -> None:
    criterion = active_plan.current_criteria()[0]
    with at(ON):
        response = _post(
            officer,
            f"/api/v1/reporting/plans/{active_plan.pk}/outcomes",
            {
                "treatment_id": treatment.pk,
                "criterion_id": criterion.pk,
                "measured_on": "2025-07-20",
                "value": value,
            },
        )
        error = _refused(response, "value")
        assert error["type"] == kind
        assert not OutcomeMeasurement.objects.exists()
        listing = officer.get(f"/api/v1/reporting/plans/{active_plan.pk}/treatments")
    assert listing.status_code == 200


def test_the_widest_outcome_the_column_holds_is_stored_and_read_back(
    active_plan: Any, treatment: Treatment, officer: Client
) -> None:
    criterion = active_plan.current_criteria()[0]
    with at(ON):
        response = _post(
            officer,
            f"/api/v1/reporting/plans/{active_plan.pk}/outcomes",
            {
                "treatment_id": treatment.pk,
                "criterion_id": criterion.pk,
                "measured_on": "2025-07-20",
                "value": "-9999999999.9999",
            },
        )
        assert response.status_code == 201, response.content
        listing = officer.get(f"/api/v1/reporting/plans/{active_plan.pk}/treatments").json()
    assert listing["items"][0]["outcomes"][0]["value"] == "-9999999999.9999"


# --- periods and identifiers -----------------------------------------------------------------


@pytest.mark.parametrize("period", [0, -1, MAX_PERIOD + 1, 1_000_000, 10**30])
def test_a_period_outside_the_law_engines_range_is_refused(
    period: int, active_plan: Any, officer: Client
) -> None:
    with at(ON):
        response = _post(
            officer,
            f"/api/v1/reporting/plans/{active_plan.pk}/periodic-reports",
            {"period": period},
        )
    _refused(response, "period")
    assert not PeriodicReport.objects.exists()


def test_an_identifier_past_the_databases_integers_is_refused(
    client_for: Any, personas: Any
) -> None:
    regulator = client_for("regulator")
    _refused(regulator.get(f"/api/v1/plans/{2**64}"), "path.plan_id")
    _refused(client_for(None).get(f"/api/v1/institutions/{10**30}"), "path.institution_id")
    _refused(
        _post(regulator, f"/api/v1/obligations/{2**63}/waive", {"reason": "r"}),
        "path.obligation_id",
    )
    _refused(client_for(None).get("/api/v1/fhir/RegulatedAuthorization/0"), "path.approval_id")


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("2014-11-24", "before the RM Act"),
        ("2100-01-01", "after the legal calendar"),
        ("0", "a number is not a date"),
        ("1700000000", "nor a Unix time"),
        ("2025-02-30", "no such day"),
    ],
)
def test_an_rm_act_date_outside_its_range_is_refused(
    day: str, reason: str, active_plan: Any, officer: Client
) -> None:
    with at(ON):
        response = _post(
            officer,
            f"/api/v1/reporting/plans/{active_plan.pk}/treatments",
            {"patient_code": "P-1", "treated_on": day},
        )
    _refused(response, "treated_on")
    assert not Treatment.objects.exists(), reason


@pytest.mark.parametrize("day", ["1948-12-31", "2100-01-01"])
def test_a_date_outside_the_legal_calendar_is_refused_in_every_app(
    day: str, client_for: Any, personas: Any
) -> None:
    regulator = client_for("regulator")
    _refused(client_for(None).get("/api/v1/products", {"as_of": day}), "query.as_of")
    _refused(
        client_for(None).get("/api/v1/fhir/RegulatedAuthorization/1", {"as_of": day}), "query.as_of"
    )
    obligation = Obligation.objects.first()
    target = obligation.pk if obligation else 1
    _refused(
        _post(
            regulator, f"/api/v1/obligations/{target}/filing", {"filed_on": day, "reference": "R"}
        ),
        "filed_on",
    )
    _refused(
        _post(
            regulator,
            "/api/v1/committees",
            {
                "slug": "c",
                "name": "c",
                "kind": "certified",
                "certification_number": "NB0000000",
                "founder_name": "f",
                "founder_type": "corporation",
                "certified_on": day,
            },
        ),
        "certified_on",
    )
