"""The obligation lists (API and "What is due"): who sees what, in which order, page by page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saisei.accounts.permissions import organisation_ids_with
from saisei.core.keyset import encode_cursor
from saisei.obligations.models import Obligation, ObligationStatus
from tests.support import at

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)
LAST_TICK_DAYS = 3
S = ObligationStatus
PERSONAS = ["regulator", "officer", "other-officer", "secretariat", "holder"]
FILTERS = [None, "outstanding", "overdue", "open", "met", "met_late", "waived"]


@pytest.fixture
def duties(personas: Any) -> list[Obligation]:
    """Duties of every status, of four organisations, some addressed to the committee; due
    dates shared by several rows so that the id breaks ties; the tick last ran three days ago,
    so that open duties whose due date has passed since are overdue without being marked."""
    owners = [
        personas.org("institution"),
        personas.org("other_institution"),
        personas.org("holder"),
        None,
    ]
    committee = personas.org("committee")
    statuses = [S.OPEN, S.OVERDUE, S.MET, S.MET_LATE, S.WAIVED]
    rows = []
    for i in range(90):
        status = statuses[i % 5]
        # Marked overdue: fell due before the last tick; open: due on or after it.
        spread = (i * 7) % 40
        offset = {S.OPEN: spread - LAST_TICK_DAYS, S.OVERDUE: -LAST_TICK_DAYS - 1 - spread}.get(
            status, spread - 45
        )
        due = TODAY + dt.timedelta(days=offset)
        rows.append(
            Obligation(
                rule=["ae_serious", "cpc_periodic_report", "minor_change"][i % 3],
                organisation=owners[i % 4],
                also_visible_to=committee if i % 3 == 0 else None,
                subject_type="test.duty",
                subject_id=str(i),
                subject_label=f"duty-{i:03d}",
                recipient="committee" if i % 3 == 0 else "regional_bureau",
                starts_on=due - dt.timedelta(days=15),
                nominal_due=due,
                due_on=due,
                explanation={"explain": f"why {i}", "explain_ja": f"理由 {i}"},
                status=status,
                met_on=due if status in (S.MET, S.MET_LATE) else None,
                waived_reason="no longer owed" if status == S.WAIVED else "",
            )
        )
    return Obligation.objects.bulk_create(rows)


def _expected(rows: list[Obligation], user: Any, status: str | None) -> list[int]:
    """What the list showed before keysets: the actor's rows, overdue first (whether or not the
    tick has run), then open by due date, then the rest."""
    scope = organisation_ids_with(user, "obligations.view")

    def overdue(ob: Obligation) -> bool:
        return ob.status == S.OVERDUE or (ob.status == S.OPEN and ob.due_on < TODAY)

    def shown(ob: Obligation) -> bool:
        if scope is not None and not ({ob.organisation_id, ob.also_visible_to_id} & scope):
            return False
        if status == "overdue":
            return overdue(ob)
        if status == "outstanding":
            return ob.status in (S.OPEN, S.OVERDUE)
        return status is None or ob.status == status

    def urgency(ob: Obligation) -> tuple[int, dt.date, int]:
        return (0 if overdue(ob) else 1 if ob.status == S.OPEN else 2, ob.due_on, ob.pk)

    return [ob.pk for ob in sorted(filter(shown, rows), key=urgency)]


def _api_walk(client: Any, status: str | None, limit: int) -> tuple[list[int], int]:
    query: dict[str, Any] = {"limit": limit, **({"status": status} if status else {})}
    body = client.get("/api/v1/obligations", query).json()
    seen, count = [item["id"] for item in body["items"]], body["count"]
    while body["next"]:
        response = client.get("/api/v1/obligations", {**query, "cursor": body["next"]})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == count
        seen.extend(item["id"] for item in body["items"])
    return seen, count


@pytest.mark.parametrize("status", FILTERS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_list_walks_the_actors_rows_in_the_order_of_urgency(
    duties: list[Obligation], personas: Any, client_for: Any, persona: str, status: str | None
) -> None:
    expected = _expected(duties, personas.user(persona), status)
    with at(TODAY):
        seen, count = _api_walk(client_for(persona), status, limit=7)
        by_offset = client_for(persona).get(
            "/api/v1/obligations", {"limit": 500, **({"status": status} if status else {})}
        )
    assert seen == expected
    assert count == len(expected)
    assert [item["id"] for item in by_offset.json()["items"]] == expected


def test_every_persona_sees_some_rows_and_not_all(duties: list[Obligation], personas: Any) -> None:
    # The walk above compares like with like only if the scopes differ.
    sizes = {p: len(_expected(duties, personas.user(p), None)) for p in PERSONAS}
    assert sizes["regulator"] == len(duties)
    assert all(0 < sizes[p] < len(duties) for p in PERSONAS if p != "regulator")
    assert sizes["officer"] != sizes["secretariat"]


def test_an_open_duty_past_its_date_is_overdue_before_the_tick_marks_it(
    duties: list[Obligation], client_for: Any
) -> None:
    unmarked = {ob.pk for ob in duties if ob.status == S.OPEN and ob.due_on < TODAY}
    assert len(unmarked) > 1
    with at(TODAY):
        items = client_for("regulator").get(
            "/api/v1/obligations", {"status": "overdue", "limit": 500}
        )
    listed = [(item["id"], item["status"]) for item in items.json()["items"]]
    assert {pk for pk, _ in listed} >= unmarked
    assert all(status == "overdue" for _, status in listed)
    # After every marked one (they fell due earlier), by due date and id.
    assert {pk for pk, _ in listed[-len(unmarked) :]} == unmarked


def test_an_api_item_keeps_every_field(duties: list[Obligation], client_for: Any) -> None:
    with at(TODAY):
        item = client_for("regulator").get("/api/v1/obligations", {"status": "overdue"}).json()
    first = item["items"][0]
    row = Obligation.objects.select_related("organisation").get(pk=first["id"])
    assert first["explanation"] == row.explanation
    assert first["organisation"] == (row.organisation.slug if row.organisation else None)
    assert first["status"] == "overdue"
    assert first["days_left"] == (row.due_on - TODAY).days
    assert (first["subject_label"], first["nominal_due"]) == (
        row.subject_label,
        row.nominal_due.isoformat(),
    )


LABEL = re.compile(r"<td>(duty-\d{3})</td>")
NEXT = re.compile(r'href="\?status=([a-z_]+)&amp;cursor=([A-Za-z0-9_-]+)" rel="next"')


def _page_walk(client: Any, status: str) -> list[str]:
    html = client.get("/obligations/", {"status": status}).content.decode()
    labels = LABEL.findall(html)
    while match := NEXT.search(html):
        assert match.group(1) == status
        html = client.get("/obligations/", {"status": status, "cursor": match.group(2)})
        html = html.content.decode()
        labels.extend(LABEL.findall(html))
    return labels


@pytest.mark.parametrize("status", ["outstanding", "overdue", "all", "met"])
@pytest.mark.parametrize("persona", ["regulator", "officer", "secretariat"])
def test_the_due_page_walks_the_same_rows_by_next(
    duties: list[Obligation],
    personas: Any,
    client_for: Any,
    persona: str,
    status: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("saisei.obligations.views.PAGE_SIZE", 4)
    by_pk = {ob.pk: ob.subject_label for ob in duties}
    expected = _expected(duties, personas.user(persona), None if status == "all" else status)
    with at(TODAY):
        labels = _page_walk(client_for(persona), status)
    assert labels == [by_pk[pk] for pk in expected]


def test_the_due_page_goes_back_with_previous(duties: list[Obligation], client_for: Any) -> None:
    client = client_for("regulator")
    with at(TODAY):
        first = client.get("/obligations/", {"status": "all"}).content.decode()
        cursor = NEXT.search(first).group(2)  # type: ignore[union-attr]
        second = client.get("/obligations/", {"status": "all", "cursor": cursor}).content.decode()
        back = re.search(r'cursor=([A-Za-z0-9_-]+)" rel="prev"', second).group(1)  # type: ignore[union-attr]
        again = client.get("/obligations/", {"status": "all", "cursor": back}).content.decode()
    assert LABEL.findall(again) == LABEL.findall(first)
    assert LABEL.findall(second) and LABEL.findall(second) != LABEL.findall(first)
    assert 'rel="prev"' not in first


@pytest.mark.parametrize(("language", "text"), [("en", "why "), ("ja", "理由 ")])
def test_the_page_explains_each_date_in_its_language(
    duties: list[Obligation], client_for: Any, language: str, text: str
) -> None:
    with at(TODAY):
        html = client_for("regulator").get(
            "/obligations/", {"status": "all"}, HTTP_ACCEPT_LANGUAGE=language
        )
    whys = re.findall(r"<summary>[^<]+</summary><p>([^<]*)</p>", html.content.decode())
    assert len(whys) == 50
    assert all(why.startswith(text) for why in whys)


def test_an_explanation_without_japanese_is_shown_in_english(
    duties: list[Obligation], client_for: Any
) -> None:
    Obligation.objects.update(explanation={"explain": "only English", "explain_ja": ""})
    with at(TODAY):
        html = client_for("regulator").get("/obligations/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "<p>only English</p>" in html.content.decode()


def _queries(client: Any, url: str, query: dict[str, Any]) -> int:
    with at(TODAY), CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["regulator", "officer"])
def test_the_lists_cost_the_same_queries_for_any_page_size(
    duties: list[Obligation], client_for: Any, persona: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(persona)
    client.get("/obligations/")  # the session's first request loads what it caches
    few = _queries(client, "/api/v1/obligations", {"limit": 2})
    many = _queries(client, "/api/v1/obligations", {"limit": 200})
    assert few == many
    monkeypatch.setattr("saisei.obligations.views.PAGE_SIZE", 2)
    few = _queries(client, "/obligations/", {"status": "all"})
    monkeypatch.setattr("saisei.obligations.views.PAGE_SIZE", 200)
    many = _queries(client, "/obligations/", {"status": "all"})
    assert few == many


def test_a_deep_page_is_read_from_where_the_last_one_ended(
    duties: list[Obligation], client_for: Any
) -> None:
    client = client_for("regulator")
    with at(TODAY):
        body = client.get("/api/v1/obligations", {"status": "overdue", "limit": 5}).json()
        with CaptureQueriesContext(connection) as captured:
            client.get("/api/v1/obligations", {"status": "overdue", "cursor": body["next"]})
    page = [q["sql"] for q in captured if "LIMIT" in q["sql"].upper()]
    assert page and all("OFFSET" not in sql.upper() for sql in page)
    # The list's own columns, nothing computed: an index gives them in order.
    assert all("CASE" not in sql.upper() for sql in page)


def test_a_bad_cursor_is_refused_on_the_page_and_in_the_api(
    duties: list[Obligation], client_for: Any
) -> None:
    client = client_for("regulator")
    # The list's key is (rank, due date, id): the right length, a date that is none.
    forged = encode_cursor("n", [0, "not a date", 1])
    with at(TODAY):
        page = client.get("/obligations/", {"cursor": forged})
        api = client.get("/api/v1/obligations", {"cursor": forged})
    assert page.status_code == 400
    assert api.status_code == 400
    assert api.json()["details"]["errors"][0]["field"] == "cursor"


def test_a_cursor_only_moves_within_what_the_actor_sees(
    duties: list[Obligation], personas: Any, client_for: Any
) -> None:
    # A cursor made from any row of the country, given by an institution, starts its own list
    # after that key and still shows only the institution's rows.
    middle = Obligation.objects.filter(status=S.OPEN).order_by("due_on", "pk")[3]
    cursor = encode_cursor("n", [middle.due_on.isoformat(), middle.pk])
    with at(TODAY):
        body = client_for("officer").get(
            "/api/v1/obligations", {"status": "open", "cursor": cursor, "limit": 500}
        )
    assert body.status_code == 200
    after = {ob.pk for ob in duties if (ob.due_on, ob.pk) > (middle.due_on, middle.pk)}
    expected = [pk for pk in _expected(duties, personas.officer, "open") if pk in after]
    assert expected
    assert [item["id"] for item in body.json()["items"]] == expected


def test_a_duty_marked_overdue_today_comes_after_an_older_one_not_yet_marked(
    personas: Any, client_for: Any
) -> None:
    """A duty opened today whose date has passed is stored overdue at once; an open duty that
    fell due earlier, not yet marked by the tick, is more urgent and comes first."""
    org = personas.org("institution")

    def duty(label: str, status: str, days: int) -> Obligation:
        due = TODAY + dt.timedelta(days=days)
        return Obligation.objects.create(
            rule="ae_serious",
            organisation=org,
            subject_type="test.duty",
            subject_id=label,
            subject_label=label,
            starts_on=due - dt.timedelta(days=15),
            nominal_due=due,
            due_on=due,
            status=status,
        )

    older = duty("older", S.OPEN, -5)
    newer = duty("newer", S.OVERDUE, -2)
    later = duty("later", S.OPEN, 3)
    client = client_for("officer")
    with at(TODAY):
        for status in ("overdue", "outstanding", None):
            params = {"status": status} if status else {}
            ids = [item["id"] for item in client.get("/api/v1/obligations", params).json()["items"]]
            assert ids[:2] == [older.pk, newer.pk], status
            assert (later.pk in ids) == (status != "overdue"), status
