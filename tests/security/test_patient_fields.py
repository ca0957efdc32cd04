"""No patient code leaves its institution: every page and every API operation, every persona.

The walk enumerates the URLconf (every page pattern) and the NinjaAPI's OpenAPI document (every
operation), fills each path parameter with the ids of real demo objects, and calls each as every
persona: GET first with every id, then POST/PUT/PATCH with the ids of the patient-bearing plans,
a valid body where one is cheap to make (the reporting operations) and an empty one elsewhere.
A response body of any status that carries a patient code of another institution, or any
patient code at all for a persona outside both institutions, fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from saisei.core.time import legal_today
from saisei.reporting.visibility import PATIENT_LEVEL_FIELDS, PATIENT_LEVEL_MODELS
from tests.security.conftest import (
    HINATA,
    INSTITUTION_OF,
    PERSONAS,
    TSUKIMI,
    TSUKIMI_CODE,
    PatientWorld,
    forbidden_codes,
    patient_codes_by_institution,
)

pytestmark = pytest.mark.django_db

NEUTRAL_CODE = "WALK-NEUTRAL-1"
# Page routes not walked, and why.
SKIPPED_PAGES = {"accounts:logout"}  # a POST would sign the persona out mid-walk
_CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


# --- the ids that fill path parameters -----------------------------------------------------------


class Ids:
    """Ids of real objects: every one (`every`) for reads, the patient-bearing ones (`focus`)
    for writes, which would otherwise multiply the walk for no gain."""

    def __init__(self, world: PatientWorld) -> None:
        from saisei.accounts.models import ApiToken, User
        from saisei.obligations.models import Obligation
        from saisei.plans.models import Order, Plan, Review
        from saisei.products.models import Approval, Product
        from saisei.registry.models import (
            Committee,
            CommitteeMember,
            CommitteeRenewal,
            Institution,
            ProcessingFacility,
        )
        from saisei.reporting.models import AdverseEvent, AdverseEventReport, PeriodicReport

        for username in ("officer", "other-officer"):
            from saisei.accounts.services import token_create

            token_create(
                user=User.objects.get(username=username),
                name="walk",
                actor=User.objects.get(username=username),
            )
        # The samples of MHLW's public lists, as make run loads them: pages of what they say.
        from saisei.plans.models import ListedCommittee, ListedPlan
        from saisei.plans.reference import load

        load()
        patient_plans = [world.hinata_plan.pk, world.tsukimi_plan.pk]
        events = AdverseEvent.objects.filter(plan__in=patient_plans)
        event_ids = [str(pk) for pk in events.values_list("pk", flat=True)]
        obligations = Obligation.objects.filter(
            subject_id__in=[str(p) for p in patient_plans] + event_ids,
            subject_type__in=["plans.plan", "reporting.adverseevent"],
        )
        self.every: dict[str, list[Any]] = {
            "plan": list(Plan.objects.values_list("pk", flat=True)),
            "review": list(Review.objects.values_list("pk", flat=True)),
            "order": list(Order.objects.values_list("pk", flat=True)),
            "event": list(AdverseEvent.objects.values_list("pk", flat=True)),
            "ae_report": list(AdverseEventReport.objects.values_list("pk", flat=True)),
            "periodic": list(PeriodicReport.objects.values_list("pk", flat=True)),
            "obligation": list(obligations.values_list("pk", flat=True)),
            "institution": list(Institution.objects.values_list("pk", flat=True)),
            "committee": list(Committee.objects.values_list("pk", flat=True)),
            "renewal": list(CommitteeRenewal.objects.values_list("committee_id", "pk")),
            "member": list(CommitteeMember.objects.values_list("committee_id", "pk")),
            "facility": list(ProcessingFacility.objects.values_list("pk", flat=True)),
            "token": list(ApiToken.objects.values_list("pk", flat=True)),
            "approval": list(Approval.objects.values_list("pk", flat=True))[:3],
            "product": list(Product.objects.values_list("slug", flat=True))[:3],
            "listed": list(ListedPlan.objects.values_list("plan_number", flat=True))[:3],
            "listed_committee": list(ListedCommittee.objects.values_list("number", flat=True))[:3],
        }
        self.focus: dict[str, list[Any]] = {
            **{kind: values[:1] for kind, values in self.every.items()},
            "plan": patient_plans,
            "event": list(events.values_list("pk", flat=True)),
            "ae_report": list(
                AdverseEventReport.objects.filter(plan__in=patient_plans).values_list(
                    "pk", flat=True
                )
            ),
            "periodic": list(
                PeriodicReport.objects.filter(plan__in=patient_plans).values_list("pk", flat=True)
            ),
            "obligation": list(obligations.values_list("pk", flat=True))[:6],
            "token": self.every["token"],
        }


# Which objects fill the parameters of each page route, by its name.
PAGE_PARAMS: dict[str, str] = {
    "accounts:token_revoke": "token",
    "obligations:record_filing": "obligation",
    "obligations:waive": "obligation",
    "plans:public": "plan",
    "plans:listed": "listed",
    "plans:listed_committee": "listed_committee",
    "plans:review": "review",
    "plans:review_meeting": "review",
    "plans:review_opinion": "review",
    "plans:order_lift": "order",
    "plans:detail": "plan",
    "plans:edit": "plan",
    "plans:submit": "plan",
    "plans:file": "plan",
    "plans:accept": "plan",
    "plans:change": "plan",
    "plans:change_notify": "plan",
    "plans:minor_change": "plan",
    "plans:discontinue": "plan",
    "plans:close": "plan",
    "plans:restriction_extend": "plan",
    "plans:restriction_shorten": "plan",
    "plans:restriction_release": "plan",
    "plans:data_collection_end": "plan",
    "products:detail": "product",
    "products:approval_decision": "approval",
    "products:approval_grant": "approval",
    "registry:institution": "institution",
    "registry:institution_edit": "institution",
    "registry:committee": "committee",
    "registry:committee_closed_days": "committee",
    "registry:committee_rules": "committee",
    "registry:committee_member": "committee",
    "registry:committee_edit": "committee",
    "registry:committee_member_deactivate": "member",
    "registry:committee_member_reactivate": "member",
    "registry:committee_renewal": "committee",
    "registry:committee_renewal_decision": "renewal",
    "registry:facility": "facility",
    "registry:facility_edit": "facility",
    "registry:facility_notice": "facility",
    "reporting:plan": "plan",
    "reporting:event_report": "event",
    "reporting:periodic": "periodic",
    "reporting:periodic_csv": "periodic",
    "reporting:ae_report_review": "ae_report",
}

# Which objects fill each API path parameter (the path tells the two kinds of report apart).
API_PARAMS: dict[str, str] = {
    "plan_id": "plan",
    "review_id": "review",
    "order_id": "order",
    "obligation_id": "obligation",
    "institution_id": "institution",
    "committee_id": "committee",
    "renewal_id": "renewal",
    "member_id": "member",
    "facility_id": "facility",
    "token_id": "token",
    "approval_id": "approval",
    "slug": "product",
    "number": "listed",
}


def _api_kind(path: str, param: str) -> str:
    if param == "report_id":
        return "ae_report" if "adverse-event-reports" in path else "periodic"
    return API_PARAMS[param]


# Kinds whose ids come as (committee, id) pairs: their routes name the committee too.
_PAIRED = {"renewal": ("renewal_id", "renewal_pk"), "member": ("member_id", "member_pk")}


def _fills(kind: str, values: list[Any], params: list[str]) -> Iterator[dict[str, Any]]:
    for value in values:
        if kind in _PAIRED:  # (committee, renewal or member): their routes need both
            committee, own = value
            yield {p: (own if p in _PAIRED[kind] else committee) for p in params}
        else:
            yield dict.fromkeys(params, value)


# --- the routes -----------------------------------------------------------------------------------


def page_routes() -> list[tuple[str, str]]:
    """(name, route) for every page pattern of the URLconf, the API's excepted (walked from its
    OpenAPI document instead)."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "api":
                    continue
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = str(p.pattern) if isinstance(p.pattern, RoutePattern) else None
                if route is None:  # the API's catch-all regex: any unmatched /api/ path
                    yield f"{namespace}{p.name or 'api-catch-all'}", "api/walk-unknown"
                else:
                    yield f"{namespace}{p.name}", prefix + route

    return list(walk(get_resolver().url_patterns, "", ""))


def page_urls(ids: dict[str, list[Any]]) -> Iterator[tuple[str, str]]:
    for name, route in page_routes():
        if name in SKIPPED_PAGES:
            continue
        params = [m.group("name") for m in _CONVERTER.finditer(route)]
        if not params:
            yield name, "/" + route
            continue
        assert name in PAGE_PARAMS, f"new page route {name} ({route}): say what fills it"
        kind = PAGE_PARAMS[name]
        for fill in _fills(kind, ids[kind], params):
            url = _CONVERTER.sub(lambda m, f=fill: str(f[m.group("name")]), route)
            yield name, "/" + url


def api_operations() -> list[tuple[str, str, list[str]]]:
    from saisei.config.api import api

    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            operations.append((method, path, params))
    return operations


def api_urls(ids: dict[str, list[Any]], methods: set[str]) -> Iterator[tuple[str, str, str]]:
    for method, path, params in api_operations():
        if method not in methods:
            continue
        if not params:
            yield method, path, path
            continue
        kinds = {_api_kind(path, p) for p in params}
        paired = kinds & set(_PAIRED)
        kind = paired.pop() if paired else kinds.pop()
        for fill in _fills(kind, ids[kind], params):
            yield method, path, re.sub(r"\{(\w+)\}", lambda m, f=fill: str(f[m.group(1)]), path)


# --- bodies for writes ----------------------------------------------------------------------------


def _code_for(persona: str | None, plan_id: int, world: PatientWorld) -> str:
    """The persona's own institution's code for its own plan; a neutral one otherwise, so that
    an error echoing the input is not taken for a leak."""
    own = INSTITUTION_OF.get(persona or "")
    if own == HINATA and plan_id == world.hinata_plan.pk:
        return "HN-0001"
    if own == TSUKIMI and plan_id == world.tsukimi_plan.pk:
        return TSUKIMI_CODE
    return NEUTRAL_CODE


def api_body(
    method: str, path: str, url: str, persona: str | None, world: PatientWorld
) -> dict[str, Any]:
    """A valid body for the reporting and obligation writes; {} for every other."""
    from saisei.reporting.models import AdverseEvent, Treatment

    today = legal_today().isoformat()
    numbers = [int(n) for n in re.findall(r"/(\d+)(?=/|$)", url)]
    plan_id = numbers[0] if numbers else 0
    code = _code_for(persona, plan_id, world)
    if path.endswith("/treatments") and method == "post":
        return {"patient_code": code, "treated_on": (legal_today() - timedelta(days=1)).isoformat()}
    if path.endswith("/adverse-events") and method == "post":
        return {
            "patient_code": code,
            "learned_on": today,
            "category": "non_serious",
            "description": "walk (fictional)",
            "outcome": "recovered",
            "causality": "unknown",
        }
    if path.endswith("/outcomes"):
        treatment = Treatment.objects.filter(plan_id=plan_id).first()
        criterion = treatment.plan.criteria.first() if treatment else None
        return {
            "treatment_id": treatment.pk if treatment else 1,
            "criterion_id": criterion.pk if criterion else 1,
            "measured_on": today,
            "value": "1",
        }
    if path.endswith("/adverse-event-reports"):
        event = AdverseEvent.objects.filter(plan_id=plan_id).exclude(category="non_serious")
        first = event.first()
        return {
            "recipient": "committee",
            "reported_on": today,
            "summary": "walk (fictional)",
            "event_id": first.pk if first else 1,
        }
    if path.endswith("/review") and "adverse-event-reports" in path:
        return {"opinion": "walk (fictional)"}
    if path.endswith("/periodic-reports"):
        return {"period": 1}
    if path.endswith("/periodic-reports/{report_id}"):
        return {"evaluation": "walk (fictional)"}
    if path.endswith("/review") and "periodic-reports" in path:
        return {"continuation": "continue", "opinion": "walk (fictional)"}
    if path.endswith("/file") and "periodic-reports" in path:
        return {"filed_on": today}
    if path.endswith("/waive"):
        return {"reason": "walk (fictional)"}
    if path.endswith("/filing"):
        return {"filed_on": today, "reference": "WALK-1"}
    return {}


# --- the walk -------------------------------------------------------------------------------------


class Walk:
    def __init__(self, world: PatientWorld) -> None:
        self.world = world
        self.codes = patient_codes_by_institution()
        self.leaks: list[str] = []
        self.seen_own: dict[str, int] = {}
        self.requests = 0
        self.clients: dict[str | None, Client] = {}
        for persona in PERSONAS:
            # A server error must be a response to read, not an exception ending the walk.
            client = Client(raise_request_exception=False)
            if persona is not None:
                client.force_login(world.user(persona))
            self.clients[persona] = client

    def check(self, persona: str | None, method: str, url: str, response: Any) -> None:
        self.requests += 1
        body = b"".join(response) if getattr(response, "streaming", False) else response.content
        for code in forbidden_codes(persona, self.codes):
            if code.encode() in body:
                self.leaks.append(f"{persona or 'anonymous'} {method.upper()} {url}: {code}")
        own = INSTITUTION_OF.get(persona or "")
        if own and any(c.encode() in body for c in self.codes.get(own, ())):
            self.seen_own[persona] = self.seen_own.get(persona, 0) + 1  # type: ignore[index]

    def call(
        self, persona: str | None, method: str, url: str, body: dict[str, Any] | None = None
    ) -> None:
        client = self.clients[persona]
        if method == "get":
            response = client.get(url)
        elif url.startswith("/api/"):
            response = getattr(client, method)(url, body or {}, content_type="application/json")
        else:
            response = client.post(url, body or {})
        self.check(persona, method, url, response)


def walk_everything(world: PatientWorld) -> Walk:
    ids = Ids(world)
    walk = Walk(world)
    for persona in PERSONAS:
        for _name, url in page_urls(ids.every):
            walk.call(persona, "get", url)
        for method, _path, url in api_urls(ids.every, {"get"}):
            walk.call(persona, method, url)
    for persona in PERSONAS:
        for _name, url in page_urls(ids.focus):
            walk.call(persona, "post", url)
        for method, path, url in api_urls(ids.focus, {"post", "put", "patch", "delete"}):
            walk.call(persona, method, url, api_body(method, path, url, persona, world))
    return walk


def test_no_page_or_api_operation_shows_a_patient_code_outside_its_institution(
    world: PatientWorld,
) -> None:
    walk = walk_everything(world)
    assert not walk.leaks, "patient codes leaked:\n" + "\n".join(walk.leaks[:40])
    # The walk reached patient-level data: each institution's staff met their own patients'
    # codes, so the absence of leaks above is not the absence of data.
    for persona in INSTITUTION_OF:
        assert walk.seen_own.get(persona, 0) >= 3, (persona, walk.seen_own)
    assert walk.requests > 1000


def test_the_walk_covers_every_page_route_and_api_operation(world: PatientWorld) -> None:
    ids = Ids(world)
    pages = {name for name, _url in page_urls(ids.every)}
    routes = {name for name, _route in page_routes()} - SKIPPED_PAGES
    assert pages == routes
    walked = {(m, p) for m, p, _url in api_urls(ids.every, {"get", "post", "put", "patch"})}
    assert walked == {(m, p) for m, p, _params in api_operations()}
    # The reporting pages and the adverse-event list are among them, with real ids.
    assert any(n == "reporting:plan" for n, _u in page_urls(ids.every))
    assert ("get", "/api/v1/reporting/plans/{plan_id}/adverse-events") in walked


def test_a_committee_sees_an_adverse_event_without_its_patient_code(
    world: PatientWorld, client_for_demo: Callable[[str], Client]
) -> None:
    url = f"/api/v1/reporting/plans/{world.tsukimi_plan.pk}/adverse-events"
    for persona in ("secretariat", "member", "regulator"):
        items = client_for_demo(persona).get(url).json()["items"]
        assert [i["id"] for i in items] == [world.tsukimi_event.pk], persona
        assert items[0]["patient_code"] is None, persona
        assert items[0]["category"] == "hospitalisation"
    own = client_for_demo("other-officer").get(url).json()["items"]
    assert own[0]["patient_code"] == TSUKIMI_CODE


def test_only_a_member_of_the_plans_institution_may_see_its_patient_fields(
    world: PatientWorld,
) -> None:
    from saisei.reporting.visibility import may_see_patient_fields

    for persona in PERSONAS:
        user = world.user(persona) if persona else None
        for plan, slug in ((world.hinata_plan, HINATA), (world.tsukimi_plan, TSUKIMI)):
            expected = INSTITUTION_OF.get(persona or "") == slug
            assert may_see_patient_fields(user, plan) is expected, (persona, slug)


def test_a_regulators_nationwide_reach_does_not_extend_to_patient_fields(
    world: PatientWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even were the regulator's role to hold the patient-level permission, a nationwide grant
    is not a membership of the institution."""
    from saisei.accounts import roles
    from saisei.reporting.visibility import PATIENT_LEVEL_PERMISSION, may_see_patient_fields

    widened = roles.ROLE_PERMISSIONS[roles.Role.REGULATOR] | {PATIENT_LEVEL_PERMISSION}
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, roles.Role.REGULATOR, widened)
    assert not may_see_patient_fields(world.user("regulator"), world.hinata_plan)


def test_no_stored_label_that_leaves_the_institution_carries_a_patient_code(
    world: PatientWorld,
) -> None:
    """What pages and mails show beyond the institution is stored as text too: a duty's subject
    label and explanation, a periodic report's figures, and audit events whose scope reaches
    the committee. None may carry a patient code; an audit event that does (a treatment's label)
    must be scoped to its own institution alone."""
    import json

    from saisei.accounts.models import Organisation
    from saisei.audit.models import AuditEvent
    from saisei.obligations.models import Obligation
    from saisei.reporting.models import PeriodicReport

    codes = patient_codes_by_institution()
    every = set().union(*codes.values())
    assert {"HN-0001", TSUKIMI_CODE} <= every

    def carried(text: str) -> set[str]:
        return {code for code in every if code in text}

    for ob in Obligation.objects.all():
        text = ob.subject_label + json.dumps(ob.explanation, ensure_ascii=False) + ob.waived_reason
        assert not carried(text), (ob.pk, ob.rule, ob.subject_label)
    for report in PeriodicReport.objects.all():
        assert not carried(json.dumps(report.figures, ensure_ascii=False)), report.pk
    org_of = dict(Organisation.objects.values_list("slug", "pk"))
    carrying = 0
    for event in AuditEvent.objects.all():
        found = carried(event.target_label + json.dumps(event.data, ensure_ascii=False))
        for slug, institution_codes in codes.items():
            if found & institution_codes:
                carrying += 1
                assert set(event.scope) <= {org_of[slug]}, (event.action, event.scope)
    assert carrying  # treatments' events do carry codes: the scope check above ran


def test_every_patient_code_column_is_declared_patient_level() -> None:
    from django.apps import apps

    from saisei.reporting.visibility import is_patient_level

    columns = [
        model._meta.label_lower
        for model in apps.get_models()
        if any(f.name == "patient_code" for f in model._meta.get_fields())
    ]
    assert columns  # treatments and adverse events carry one
    for label in columns:
        assert is_patient_level(label, "patient_code"), label
    assert set(PATIENT_LEVEL_FIELDS) | PATIENT_LEVEL_MODELS >= set(columns)


@pytest.fixture
def client_for_demo(world: PatientWorld) -> Callable[[str], Client]:
    def make(persona: str) -> Client:
        client = Client()
        client.force_login(world.user(persona))
        return client

    return make
