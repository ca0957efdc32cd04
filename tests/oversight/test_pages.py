"""The national view's pages: what a regulator sees, that every number leads to its rows, the
CSV of those rows, and what a bad query gets."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client

from saisei.accounts.models import User
from saisei.oversight import figures
from saisei.oversight.areas import NATION

pytestmark = pytest.mark.django_db


def _client(username: str | None, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.cookies["saisei_language"] = language
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def _links(html: str, path: str) -> list[tuple[str, int]]:
    """Each link to `path` in the dashboard's tables, with the number it shows."""
    return [
        (unescape(href), int(n))
        for href, n in re.findall(
            rf'<td class="num"><a href="({re.escape(path)}[^"]*)">(\d+)</a>', html
        )
    ]


def _table_rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    if "Nothing to show." in body or "表示するものはありません" in body:
        return 0
    return body.count("<tr>")


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_regulator_sees_the_national_view_in_both_languages(world: Any, language: str) -> None:
    response = _client("regulator", language).get("/oversight/")
    assert response.status_code == 200
    html = response.content.decode()
    title = "National view" if language == "en" else "全国の状況"
    assert f"<h1>{title}</h1>" in html
    # Each chart is an image with a title and a description, and its table one click away.
    charts = re.findall(
        r'<svg class="chart-svg[^>]*role="img" aria-labelledby="([^"]+)-t \1-d"', html
    )
    assert len(charts) >= 8
    assert html.count('<details class="chart-table">') == len(charts)
    for chart_id in charts:
        assert f'<title id="{chart_id}-t">' in html and f'<desc id="{chart_id}-d">' in html


@pytest.mark.parametrize("query", ["", "?area=bureau:kinki", "?area=pref:13", "?on=PAST"])
def test_every_number_of_the_dashboard_leads_to_as_many_rows(world: Any, query: str) -> None:
    client = _client("regulator")
    query = query.replace("PAST", world.past.isoformat())
    html = client.get("/oversight/" + query).content.decode()
    links = _links(html, "/oversight/")
    assert len(links) > 20
    for href, n in links:
        page = client.get(href)
        assert page.status_code == 200, href
        if n <= 50:
            assert _table_rows(page.content.decode()) == n, href
        else:  # a first page is full, and the CSV holds them all
            rows = list(csv.reader(io.StringIO(_csv(client, href))))
            assert len(rows) - 1 == n, href


def _csv(client: Client, href: str) -> str:
    response = client.get(href + ("&" if "?" in href else "?") + "format=csv")
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_csv_holds_the_rows_of_the_list_and_no_formula(world: Any) -> None:
    from saisei.obligations.models import Obligation

    overdue = figures.duty_rows(NATION, world.today, state="overdue").values("pk")
    Obligation.objects.filter(pk__in=overdue).update(subject_label='=HYPERLINK("x")')
    client = _client("regulator")
    text = _csv(client, "/oversight/duties/?state=overdue")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["id", "rule", "concerning"]
    assert len(rows) - 1 == figures.duty_rows(NATION, world.today, state="overdue").count()
    assert all(r[2].startswith("'=") for r in rows[1:])


@pytest.mark.parametrize(
    ("url", "language", "message"),
    [
        ("/oversight/?on=2026-13-01", "en", "The day must be a date written YYYY-MM-DD."),
        ("/oversight/?on=2014-01-01", "en", "when the Act came into force"),
        ("/oversight/?on=2999-01-01", "en", "may not be after today"),
        ("/oversight/?on=yesterday", "ja", "日付は YYYY-MM-DD"),
        (
            "/oversight/plans/?risk_class=IV",
            "en",
            "That filter is not one the page offers: risk_class.",
        ),
        ("/oversight/duties/?state=lost", "ja", "state"),
        ("/oversight/plans/?committee=1e9", "en", "committee"),
        ("/oversight/adverse-events/?category=unknown", "en", "category"),
        ("/oversight/plans/?filed_from=2026-02-30", "en", "filed_from"),
    ],
)
def test_a_bad_query_is_refused_with_a_message_in_the_page_language(
    world: Any, url: str, language: str, message: str
) -> None:
    response = _client("regulator", language).get(url)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_unknown_area_is_the_nation(world: Any) -> None:
    html = _client("regulator").get("/oversight/?area=bureau:atlantis").content.decode()
    assert "Japan (every prefecture)" in html


@pytest.mark.parametrize("username", ["officer", "secretariat", "member", "holder"])
@pytest.mark.parametrize(
    "url", ["/oversight/", "/oversight/plans/", "/oversight/duties/", "/oversight/adverse-events/"]
)
def test_no_one_but_a_regulator_opens_the_national_view(
    world: Any, username: str, url: str
) -> None:
    assert _client(username).get(url).status_code == 403
    assert _client(None).get(url).status_code == 302


def test_the_serious_event_monitor_names_facilities_and_each_report(world: Any) -> None:
    html = _client("regulator").get("/oversight/adverse-events/?serious=1").content.decode()
    # The facility that processed the plans' cells, with the plans that depend on it.
    from saisei.registry.models import ProcessingFacility

    sakura = ProcessingFacility.objects.get(name="架空さくら細胞加工センター")
    depending = figures.plan_rows(NATION, facility=sakura.pk, dependent=True).count()
    assert f">{sakura.name}</a> <small>({depending} plans depend on it;" in html
    assert "certified committee:" in html and "Regional Bureau of Health and Welfare:" in html
    # No patient code reaches the regulator's pages.
    assert "OV-" not in html and "HN-" not in html


def test_the_dashboard_costs_the_same_queries_whatever_the_data(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    client = _client("regulator")
    client.get("/oversight/")  # session, user and grants warmed
    with django_assert_max_num_queries(40):
        assert client.get("/oversight/").status_code == 200


@pytest.mark.parametrize(
    ("url", "rows_of"),
    [
        ("/oversight/committees/", lambda w: figures.committee_rows(NATION)),
        ("/oversight/facilities/", lambda w: figures.facility_rows(NATION, w.today)),
    ],
)
def test_the_committee_and_facility_records_list_every_row_and_their_csv(
    world: Any, url: str, rows_of: Any
) -> None:
    client = _client("regulator")
    expected = len(rows_of(world))
    html = client.get(url).content.decode()
    assert _table_rows(html) == min(expected, 100)
    rows = list(csv.reader(io.StringIO(_csv(client, url))))
    assert len(rows) - 1 == expected
    for username in ("officer", "secretariat", "holder"):
        assert _client(username).get(url).status_code == 403
