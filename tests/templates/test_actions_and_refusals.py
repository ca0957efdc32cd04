"""The plan page's actions share one include (plans/_action.html), open when their form has
errors; every refusal, on its own page or in place, is includes/refused.html, and the page of
a refusal has the 403 page's layout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.security.conftest import PatientWorld

pytestmark = pytest.mark.django_db

SRC = Path(settings.PACKAGE_DIR)
DETAILS = re.compile(
    r"<details class=\"action\"( open)?>\s*<summary>(.*?)</summary>(.*?)</details>", re.S
)


def signed_in(world: PatientWorld, persona: str) -> Client:
    client = Client()
    client.force_login(world.user(persona))
    return client


def actions(html: str) -> dict[str, tuple[bool, str]]:
    """Each action's form URL: (open, the markup inside its <details>)."""
    found = {}
    for opened, _summary, body in DETAILS.findall(html):
        (url,) = re.findall(r'<form method="post" action="([^"]+)"', body)
        found[url] = (bool(opened), body)
    return found


def test_each_action_with_fields_is_a_closed_details_with_one_form(world: PatientWorld) -> None:
    plan = world.hinata_plan
    html = signed_in(world, "officer").get(f"/plans/{plan.pk}/").content.decode()
    found = actions(html)
    base = f"/plans/{plan.pk}/"
    assert {base + "change/", base + "minor-change/", base + "discontinue/"} <= set(found)
    for url, (opened, body) in found.items():
        assert not opened, url
        assert body.count("<form ") == 1 and 'name="csrfmiddlewaretoken"' in body, url
        assert '<button type="submit"' in body and 'class="field' in body, url
    # The idempotency key where the action had one before; none on the others.
    assert 'name="idempotency_key"' in found[base + "discontinue/"][1]


def test_the_action_whose_form_has_errors_is_shown_open_and_only_it(world: PatientWorld) -> None:
    plan = world.hinata_plan
    response = signed_in(world, "officer").post(f"/plans/{plan.pk}/discontinue/", {})
    assert response.status_code == 400
    html = response.content.decode()
    found = actions(html)
    opened = [url for url, (is_open, _b) in found.items() if is_open]
    assert opened == [f"/plans/{plan.pk}/discontinue/"]
    body = found[opened[0]][1]
    assert 'id="id_dis-text_error"' in body and 'aria-describedby="id_dis-text_error"' in body
    # The refusal above the page is the one refusal box.
    assert html.count('class="error-summary refusal"') == 1


def test_a_refused_page_has_the_403_layout_and_the_refusal_box(world: PatientWorld) -> None:
    # The review queue is the committee's: an institution's officer is refused it.
    response = signed_in(world, "officer").get("/plans/reviews/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    html = response.content.decode()
    assert '<section class="error-page" aria-labelledby="error-heading">' in html
    assert '<h1 id="error-heading">Not possible</h1>' in html
    assert re.search(r'class="error-summary refusal" role="alert"[^>]*><p>[^<]+</p>', html)
    assert 'href="/plans/">Back to plans</a>' in html
    ja = signed_in(world, "officer").get("/plans/reviews/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "実行できません" in ja.content.decode()


def test_no_template_shows_a_refusal_but_through_the_one_include() -> None:
    # The variables views put a refusal in; only includes/refused.html prints a message.
    shown = re.compile(r"\{\{\s*(action_error|meeting_error|error\.message)\b")
    templates = [p for p in SRC.rglob("*.html") if "templates" in p.parts]
    assert len(templates) > 40
    offenders = [str(p.relative_to(SRC)) for p in templates if shown.search(p.read_text())]
    assert offenders == []
    for path in templates:
        text = path.read_text()
        if path.name == "refused.html" and path.parent.name != "includes":
            assert (
                'include "includes/refused.html"' in text or '{% extends "refused.html" %}' in text
            )


def test_the_refused_page_takes_a_domain_error_or_a_view_s_message(rf) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.utils import translation

    from saisei.core.errors import DomainError

    request = rf.get("/")
    request.user = AnonymousUser()
    # The middleware and the idempotency layer give the error, with its status.
    error = DomainError("conflict", "Refused for a reason.", status=409)
    with translation.override("en"):
        html = render_to_string("refused.html", {"error": error}, request=request)
    assert '<p class="error-status">Error 409</p>' in html
    assert "<p>Refused for a reason.</p>" in html
    # A plan page gives the message alone: no status line to show.
    with translation.override("en"):
        html = render_to_string("plans/refused.html", {"message": "Not now."}, request=request)
    assert "<p>Not now.</p>" in html and "error-status" not in html
    assert 'href="/plans/">Back to plans</a>' in html
