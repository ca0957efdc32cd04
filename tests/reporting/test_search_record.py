"""The public search's reporting facet: each public plan's record kept in step with its duties (an
adverse event's duties opened, met on time or late), counted as the plan's verification page
counts them, and overdue by the day of the search alone, with no write in between."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache

from saisei.plans import search, selectors
from saisei.plans.models import PublicPlan, ReportingRecord
from saisei.reporting.selectors import public_reporting_summary
from saisei.reporting.services import adverse_event_record, adverse_event_report_file
from tests.support import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _facet(plan: Any, day: dt.date) -> str:
    """The plan's reporting as the search's rows give it (in Python, selectors.reporting_of)."""
    rows = selectors.public_plan_search(institution_id=plan.institution_id)
    return next(selectors.reporting_of(row, day) for row in rows if row["plan_id"] == plan.pk)


def _as_the_page_counts(plan: Any, today: dt.date) -> str:
    counts = public_reporting_summary(plan, today)["timeliness"]
    if counts.overdue:
        return ReportingRecord.OVERDUE
    if counts.late:
        return ReportingRecord.LATE
    if counts.on_time:
        return ReportingRecord.ON_TIME
    return ReportingRecord.NONE_DUE


def _check(plan: Any, day: dt.date, expected: str) -> None:
    with at(day):
        assert _facet(plan, day) == expected
        assert _as_the_page_counts(plan, day) == expected
        # The filter and the counts are the same rule in SQL (selectors.reporting_filters).
        found = {row["plan_id"] for row in selectors.public_plan_search(reporting=expected)}
        assert plan.pk in found
        assert selectors.public_plan_facets(institution_id=plan.institution_id)["reporting"][
            expected
        ] == sum(1 for row in found if row is not None and _in(plan, row))


def _death(plan: Any, patient_code: str) -> Any:
    """A death learned of on 2026-04-28: reports due to the committee on 05-05 and to the
    Regional Bureau on 05-07."""
    return adverse_event_record(
        plan=plan,
        patient_code=patient_code,
        learned_on=dt.date(2026, 4, 28),
        category="death",
        description="Death (fictional)",
        outcome="fatal",
        causality="possibly_related",
        actor=plan.created_by,
    )


def _in(plan: Any, plan_id: int) -> bool:
    return PublicPlan.objects.filter(plan_id=plan_id, institution_id=plan.institution_id).exists()


def test_the_record_follows_the_duties_and_the_day(active_plan, personas) -> None:
    _check(active_plan, dt.date(2026, 4, 27), ReportingRecord.NONE_DUE)
    with at(dt.date(2026, 4, 28)):
        event = _death(active_plan, "P-101")
    entry = PublicPlan.objects.get(plan_id=active_plan.pk)
    # The committee's report is due on 2026-05-05 (7 days, not moved), the Bureau's on the 7th.
    assert entry.next_due == dt.date(2026, 5, 5)
    _check(active_plan, dt.date(2026, 5, 5), ReportingRecord.NONE_DUE)
    # The day passes: overdue, with nothing written.
    _check(active_plan, dt.date(2026, 5, 6), ReportingRecord.OVERDUE)
    for recipient in ("regional_bureau", "committee"):
        adverse_event_report_file(
            plan=active_plan,
            event=event,
            recipient=recipient,
            reported_on=dt.date(2026, 5, 7),
            summary="Initial report",
            actor=personas.officer,
            today=dt.date(2026, 5, 7),
        )
    entry.refresh_from_db()
    assert (entry.reported, entry.reported_late) == (True, True)
    # The Bureau's on time, the committee's late: "some late", none overdue.
    _check(active_plan, dt.date(2026, 5, 8), ReportingRecord.LATE)
    # Rewritten whole, the same.
    search.rebuild(system="test")
    _check(active_plan, dt.date(2026, 5, 8), ReportingRecord.LATE)


def test_a_report_on_time_is_on_time(active_plan, personas) -> None:
    with at(dt.date(2026, 4, 28)):
        event = _death(active_plan, "P-102")
        for recipient in ("regional_bureau", "committee"):
            adverse_event_report_file(
                plan=active_plan,
                event=event,
                recipient=recipient,
                reported_on=dt.date(2026, 4, 28),
                summary="Initial report",
                actor=personas.officer,
            )
    _check(active_plan, dt.date(2026, 4, 29), ReportingRecord.ON_TIME)
    # What is still open: the first year's periodic report (the year to 2026-06-01, 90 days).
    assert PublicPlan.objects.get(plan_id=active_plan.pk).next_due == dt.date(2026, 8, 30)


def test_the_page_shows_the_record_of_each_plan(active_plan, client_for) -> None:
    with at(dt.date(2026, 4, 28)):
        _death(active_plan, "P-103")
    with at(dt.date(2026, 5, 8)):
        url = "/plans/search/?reporting=overdue"
        en = client_for(None).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "A report or notice is overdue" in en
        assert f"/plans/verify/{active_plan.pk}/" in en
        ja = client_for(None).get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert "期限を過ぎた報告・届出がある" in ja
        # The institution's page gives each of its plans' the same.
        page = client_for(None).get(
            f"/registry/institutions/{active_plan.institution_id}/", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert page.status_code == 200
        assert '<span class="status-bad">A report or notice is overdue</span>' in (
            page.content.decode()
        )
        api = client_for(None).get("/api/v1/public/plans?reporting=overdue").json()
        assert [item["id"] for item in api["items"]] == [active_plan.pk]
        assert api["items"][0]["reporting"] == "overdue"


def test_a_page_kept_for_anonymous_visitors_is_not_kept_past_midnight(active_plan) -> None:
    """The anonymous search page is kept for a minute; what is overdue changes at midnight in
    Japan, so a page kept at 23:59:30 is not the one shown at 00:00:10."""
    import time_machine
    from django.test import Client

    from tests.support import JST

    with at(dt.date(2026, 4, 28)):
        _death(active_plan, "P-104")
    url = "/plans/search/?reporting=overdue"
    verify = f"/plans/verify/{active_plan.pk}/"
    with time_machine.travel(dt.datetime(2026, 5, 5, 23, 59, 30, tzinfo=JST), tick=False):
        assert verify not in Client().get(url).content.decode()
    with time_machine.travel(dt.datetime(2026, 5, 6, 0, 0, 10, tzinfo=JST), tick=False):
        assert verify in Client().get(url).content.decode()
