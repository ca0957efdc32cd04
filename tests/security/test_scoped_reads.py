"""Private reads are scoped reads: what a persona may not see is indistinguishable from nothing.

For every private route, an id that exists but is not the persona's to see (another
institution's plan, report or duty; a draft never submitted to the committee; another
committee's renewal; another user's token) and an id that does not exist give the same status,
404, and the same body. The demo is built once for the module (each test rolls back its own
writes inside it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from saisei.core.time import legal_today

MISSING = 999_999


def _today() -> str:
    return legal_today().isoformat()


def _yesterday() -> str:
    return (legal_today() - timedelta(days=1)).isoformat()


@dataclass(frozen=True)
class Case:
    """One private route: `{obj}` in the URL (or the body) is the object the personas may not
    see; `owner` may see it, and for a read gets it (so the object is really there)."""

    name: str
    method: str
    url: str
    obj: str
    personas: tuple[str, ...]
    owner: str
    body: dict[str, Any] = field(default_factory=dict)
    # Other objects the URL or body names, which the personas may see or which are public.
    fixed: tuple[str, ...] = ()


HINATA_OUTSIDERS = ("other-officer", "holder")
DRAFT_OUTSIDERS = ("other-officer", "holder", "secretariat", "member")
COMMITTEE_OUTSIDERS = ("officer", "staff", "other-officer", "holder")
FACILITY_OUTSIDERS = ("other-officer", "holder", "secretariat", "member")


def _ae_body() -> dict[str, Any]:
    return {
        "patient_code": "SCOPE-1",
        "learned_on": _today(),
        "category": "non_serious",
        "description": "scope (fictional)",
        "outcome": "recovered",
        "causality": "unknown",
    }


CASES: list[Case] = [
    # Plans (API)
    Case("api plan", "get", "/api/v1/plans/{obj}", "draft", DRAFT_OUTSIDERS, "officer"),
    Case(
        "api plan history",
        "get",
        "/api/v1/plans/{obj}/history",
        "draft",
        DRAFT_OUTSIDERS,
        "officer",
    ),
    Case(
        "api plan edit",
        "patch",
        "/api/v1/plans/{obj}",
        "draft",
        DRAFT_OUTSIDERS,
        "officer",
        {"content": {"title": "scope"}},
    ),
    Case(
        "api plan submit", "post", "/api/v1/plans/{obj}/submit", "draft", DRAFT_OUTSIDERS, "officer"
    ),
    Case(
        "api plan discontinue",
        "post",
        "/api/v1/plans/{obj}/discontinue",
        "hinata",
        HINATA_OUTSIDERS,
        "officer",
        {"stopped_on": "{today}", "reason": "scope"},
    ),
    # Reporting (API)
    Case(
        "api treatments",
        "get",
        "/api/v1/reporting/plans/{obj}/treatments",
        "hinata",
        HINATA_OUTSIDERS,
        "officer",
    ),
    Case(
        "api treatment record",
        "post",
        "/api/v1/reporting/plans/{obj}/treatments",
        "hinata",
        HINATA_OUTSIDERS,
        "officer",
        {"patient_code": "SCOPE-1", "treated_on": "{yesterday}"},
    ),
    Case(
        "api outcome record (plan)",
        "post",
        "/api/v1/reporting/plans/{obj}/outcomes",
        "hinata",
        HINATA_OUTSIDERS,
        "officer",
        {
            "treatment_id": "{treatment}",
            "criterion_id": "{criterion}",
            "measured_on": "{today}",
            "value": "1",
        },
        fixed=("treatment", "criterion"),
    ),
    # The committee and the regulator see the plan but not its treatments.
    Case(
        "api outcome record (treatment)",
        "post",
        "/api/v1/reporting/plans/{hinata}/outcomes",
        "treatment",
        ("secretariat", "member", "regulator"),
        "officer",
        {
            "treatment_id": "{obj}",
            "criterion_id": "{criterion}",
            "measured_on": "{today}",
            "value": "1",
        },
        fixed=("hinata", "criterion"),
    ),
    Case(
        "api adverse events",
        "get",
        "/api/v1/reporting/plans/{obj}/adverse-events",
        "hinata",
        HINATA_OUTSIDERS,
        "secretariat",
    ),
    Case(
        "api adverse event record",
        "post",
        "/api/v1/reporting/plans/{obj}/adverse-events",
        "hinata",
        HINATA_OUTSIDERS,
        "officer",
        _ae_body(),
    ),
    Case(
        "api adverse event report",
        "post",
        "/api/v1/reporting/plans/{obj}/adverse-event-reports",
        "hinata",
        HINATA_OUTSIDERS,
        "officer",
        {"recipient": "committee", "reported_on": "{today}", "summary": "s", "event_id": "{event}"},
        fixed=("event",),
    ),
    Case(
        "api adverse event report review",
        "post",
        "/api/v1/reporting/adverse-event-reports/{obj}/review",
        "ae_report",
        HINATA_OUTSIDERS,
        "secretariat",
        {"opinion": "scope"},
    ),
    Case(
        "api periodic reports",
        "get",
        "/api/v1/reporting/plans/{obj}/periodic-reports",
        "hinata",
        HINATA_OUTSIDERS,
        "member",
    ),
    Case(
        "api periodic report generate",
        "post",
        "/api/v1/reporting/plans/{obj}/periodic-reports",
        "hinata",
        HINATA_OUTSIDERS,
        "officer",
        {"period": 1},
    ),
    Case(
        "api periodic report",
        "get",
        "/api/v1/reporting/periodic-reports/{obj}",
        "periodic",
        HINATA_OUTSIDERS,
        "regulator",
    ),
    Case(
        "api periodic report write",
        "patch",
        "/api/v1/reporting/periodic-reports/{obj}",
        "periodic",
        HINATA_OUTSIDERS,
        "officer",
        {"evaluation": "scope"},
    ),
    Case(
        "api periodic report submit",
        "post",
        "/api/v1/reporting/periodic-reports/{obj}/submit",
        "periodic",
        HINATA_OUTSIDERS,
        "officer",
    ),
    Case(
        "api periodic report review",
        "post",
        "/api/v1/reporting/periodic-reports/{obj}/review",
        "periodic",
        HINATA_OUTSIDERS,
        "secretariat",
        {"continuation": "continue", "opinion": "scope"},
    ),
    Case(
        "api periodic report file",
        "post",
        "/api/v1/reporting/periodic-reports/{obj}/file",
        "periodic",
        HINATA_OUTSIDERS,
        "officer",
        {"filed_on": "{today}"},
    ),
    # Obligations, reviews, registry, tokens (API)
    Case(
        "api obligation waive",
        "post",
        "/api/v1/obligations/{obj}/waive",
        "obligation",
        HINATA_OUTSIDERS,
        "regulator",
        {"reason": "scope"},
    ),
    Case(
        "api obligation filing",
        "post",
        "/api/v1/obligations/{obj}/filing",
        "obligation",
        HINATA_OUTSIDERS,
        "officer",
        {"filed_on": "{today}", "reference": "R-1"},
    ),
    Case("api review", "get", "/api/v1/reviews/{obj}", "review", HINATA_OUTSIDERS, "secretariat"),
    Case(
        "api review meeting",
        "post",
        "/api/v1/reviews/{obj}/meetings",
        "review",
        HINATA_OUTSIDERS,
        "secretariat",
        {"held_on": "{today}", "attendance": []},
    ),
    Case(
        "api review opinion",
        "post",
        "/api/v1/reviews/{obj}/opinion",
        "review",
        HINATA_OUTSIDERS,
        "secretariat",
        {"meeting_id": 1, "decision": "approve", "reasons": "r", "scientific_validity": "s"},
    ),
    Case(
        "api committee roster",
        "get",
        "/api/v1/committees/{obj}/members",
        "kasumi",
        COMMITTEE_OUTSIDERS,
        "member",
    ),
    Case(
        "api committee renewals",
        "get",
        "/api/v1/committees/{obj}/renewals",
        "kasumi",
        COMMITTEE_OUTSIDERS,
        "secretariat",
    ),
    Case(
        "api committee closed days",
        "put",
        "/api/v1/committees/{obj}/closed-days",
        "kasumi",
        COMMITTEE_OUTSIDERS,
        "secretariat",
        {"closed_days": []},
    ),
    Case(
        "api committee renewal apply",
        "post",
        "/api/v1/committees/{obj}/renewals",
        "kasumi",
        COMMITTEE_OUTSIDERS,
        "secretariat",
        {"applied_on": "{today}", "reference": "R-1"},
    ),
    Case(
        "api committee renewal decision",
        "post",
        "/api/v1/committees/{minato}/renewals/{obj}/decision",
        "renewal",
        (*COMMITTEE_OUTSIDERS, "secretariat", "member"),
        "regulator",
        {"granted": True, "decided_on": "{today}"},
        fixed=("minato",),
    ),
    Case(
        "api facility notices",
        "get",
        "/api/v1/facilities/{obj}/notices",
        "in_house",
        FACILITY_OUTSIDERS,
        "officer",
    ),
    Case(
        "api token revoke",
        "post",
        "/api/v1/me/tokens/{obj}/revoke",
        "token",
        ("staff", "other-officer"),
        "officer",
    ),
    # Pages
    Case("page plan", "get", "/plans/{obj}/", "draft", DRAFT_OUTSIDERS, "officer"),
    Case("page plan edit", "get", "/plans/{obj}/edit/", "draft", DRAFT_OUTSIDERS, "officer"),
    Case("page plan submit", "post", "/plans/{obj}/submit/", "draft", DRAFT_OUTSIDERS, "officer"),
    Case(
        "page reporting hub", "get", "/reporting/plans/{obj}/", "hinata", HINATA_OUTSIDERS, "member"
    ),
    Case(
        "page reporting hub action",
        "post",
        "/reporting/plans/{obj}/",
        "hinata",
        HINATA_OUTSIDERS,
        "officer",
        {"action": "adverse_event"},
    ),
    Case(
        "page adverse event report",
        "get",
        "/reporting/adverse-events/{obj}/report/",
        "event",
        HINATA_OUTSIDERS,
        "officer",
    ),
    Case(
        "page periodic report",
        "get",
        "/reporting/periodic/{obj}/",
        "periodic",
        HINATA_OUTSIDERS,
        "secretariat",
    ),
    Case(
        "page periodic report csv",
        "get",
        "/reporting/periodic/{obj}/csv/",
        "periodic",
        HINATA_OUTSIDERS,
        "regulator",
    ),
    Case(
        "page adverse event report review",
        "get",
        "/reporting/ae-reports/{obj}/review/",
        "ae_report",
        HINATA_OUTSIDERS,
        "secretariat",
    ),
    Case(
        "page obligation filing",
        "post",
        "/obligations/{obj}/filing/",
        "obligation",
        HINATA_OUTSIDERS,
        "officer",
    ),
    Case("page review", "get", "/plans/reviews/{obj}/", "review", HINATA_OUTSIDERS, "secretariat"),
    Case(
        "page committee closed days",
        "post",
        "/registry/committees/{obj}/closed-days/",
        "kasumi",
        COMMITTEE_OUTSIDERS,
        "secretariat",
    ),
    Case(
        "page committee renewal",
        "post",
        "/registry/committees/{obj}/renewals/",
        "kasumi",
        COMMITTEE_OUTSIDERS,
        "secretariat",
    ),
    Case(
        "page committee renewal decision",
        "post",
        "/registry/committees/{minato}/renewals/{obj}/decision/",
        "renewal",
        (*COMMITTEE_OUTSIDERS, "secretariat", "member"),
        "regulator",
        fixed=("minato",),
    ),
    Case(
        "page token revoke",
        "post",
        "/accounts/tokens/{obj}/revoke/",
        "token",
        ("staff", "other-officer"),
        "officer",
    ),
]


def _objects() -> dict[str, int]:
    from saisei.accounts.models import User
    from saisei.accounts.services import token_create
    from saisei.obligations.models import Obligation
    from saisei.plans.models import Plan, Review
    from saisei.registry.models import Committee, CommitteeRenewal, ProcessingFacility
    from saisei.reporting.models import AdverseEventReport, PeriodicReport, Treatment

    hinata = Plan.objects.get(plan_number="DEMO-R001")
    officer = User.objects.get(username="officer")
    treatment = Treatment.objects.filter(plan=hinata).first()
    assert treatment is not None
    return {
        "draft": Plan.objects.filter(
            institution__organisation__slug="demo-hinata-clinic", first_submitted_at__isnull=True
        )
        .first()
        .pk,  # type: ignore[union-attr]
        "hinata": hinata.pk,
        "treatment": treatment.pk,
        "criterion": hinata.criteria.first().pk,  # type: ignore[union-attr]
        "event": hinata.adverse_events.exclude(category="non_serious").first().pk,  # type: ignore[union-attr]
        "ae_report": AdverseEventReport.objects.filter(plan=hinata, recipient="committee")
        .first()
        .pk,  # type: ignore[union-attr]
        "periodic": PeriodicReport.objects.filter(plan=hinata).first().pk,  # type: ignore[union-attr]
        "obligation": Obligation.objects.filter(
            rule="periodic_report", subject_id=str(hinata.pk), recipient="regional_bureau"
        )
        .first()
        .pk,  # type: ignore[union-attr]
        "review": Review.objects.filter(plan=hinata).first().pk,  # type: ignore[union-attr]
        "kasumi": Committee.objects.get(organisation__slug="demo-kasumi-committee").pk,
        "minato": (minato := Committee.objects.get(organisation__slug="demo-minato-committee")).pk,
        "renewal": CommitteeRenewal.objects.filter(committee=minato).first().pk,  # type: ignore[union-attr]
        "in_house": ProcessingFacility.objects.get(number="FC3999002").pk,
        "token": token_create(user=officer, name="scope", actor=officer).token.pk,
    }


@pytest.fixture(scope="module")
def objects(patient_world: Any, django_db_blocker: Any) -> dict[str, int]:
    with django_db_blocker.unblock():
        return _objects()


def _fill(value: Any, refs: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, refs) for k, v in value.items()}
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\}", value)
        if whole and isinstance(refs[whole.group(1)], int):
            return refs[whole.group(1)]  # an id in a JSON body stays a number
        return re.sub(r"\{(\w+)\}", lambda m: str(refs[m.group(1)]), value)
    return value


def _call(client: Client, case: Case, refs: dict[str, Any]) -> Any:
    url = _fill(case.url, refs)
    body = _fill(case.body, refs)
    if case.method == "get":
        return client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    if url.startswith("/api/"):
        return getattr(client, case.method)(
            url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
        )
    return client.post(url, body, HTTP_ACCEPT_LANGUAGE="en")


_VOLATILE = re.compile(rb'value="[A-Za-z0-9_\-]{20,}"')


def _normalised(response: Any, refs: dict[str, Any]) -> bytes:
    """The body with what differs from request to request anyway taken out: the id in the
    path (a page's language switch returns there) and per-request tokens (CSRF, idempotency)."""
    body = b"".join(response) if getattr(response, "streaming", False) else response.content
    body = _VOLATILE.sub(b'value=""', body)
    return re.sub(rb"/" + str(refs["obj"]).encode() + rb"/", b"/{id}/", body)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_what_a_persona_may_not_see_is_not_found_like_a_missing_id(
    case: Case, objects: dict[str, int], db: None
) -> None:
    from saisei.accounts.models import User

    base = {**objects, "today": _today(), "yesterday": _yesterday()}
    hidden = {**base, "obj": objects[case.obj]}
    missing = {**base, "obj": MISSING, case.obj: MISSING}
    hidden[case.obj] = objects[case.obj]
    for persona in case.personas:
        client = Client()
        client.force_login(User.objects.get(username=persona))
        seen = _call(client, case, hidden)
        absent = _call(client, case, missing)
        assert seen.status_code == absent.status_code == 404, (
            persona,
            seen.status_code,
            absent.status_code,
            seen.content[:300],
        )
        assert _normalised(seen, hidden) == _normalised(absent, missing), persona
        if case.url.startswith("/api/"):
            assert seen.json()["code"] == "not_found"
    if case.method == "get":
        owner = Client()
        owner.force_login(User.objects.get(username=case.owner))
        assert _call(owner, case, hidden).status_code == 200, case.owner


def test_a_visible_object_the_persona_may_not_change_is_forbidden(
    objects: dict[str, int], db: None
) -> None:
    """403 stays for what the persona sees but may not change: the committee and the regulator
    see the plan, so recording a treatment or an adverse event on it is refused, not hidden."""
    from saisei.accounts.models import User

    for persona in ("secretariat", "member", "regulator"):
        client = Client()
        client.force_login(User.objects.get(username=persona))
        url = f"/api/v1/reporting/plans/{objects['hinata']}"
        treatment = client.post(
            url + "/treatments",
            {"patient_code": "SCOPE-1", "treated_on": _yesterday()},
            content_type="application/json",
        )
        event = client.post(url + "/adverse-events", _ae_body(), content_type="application/json")
        assert (treatment.status_code, event.status_code) == (403, 403), persona
        assert treatment.json()["code"] == event.json()["code"] == "permission_denied"
    officer = Client()
    officer.force_login(User.objects.get(username="officer"))
    review = officer.post(
        f"/api/v1/reporting/adverse-event-reports/{objects['ae_report']}/review",
        {"opinion": "mine"},
        content_type="application/json",
    )
    assert review.status_code == 403
