"""The Content-Security-Policy is on every page, and nothing in a page needs it relaxed.

The policy forbids inline scripts, inline event handlers and inline styles, so a template that
used one would break in the browser. Two checks: every template file, and the rendered pages a
visitor and the officer reach by following links (bounded), with the header on each.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from saisei.core.demo import STEPS, DemoContext

SRC = Path(settings.PACKAGE_DIR)

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
CHECKS = {
    "inline script": INLINE_SCRIPT,
    "inline event handler": INLINE_HANDLER,
    "inline style": INLINE_STYLE,
    "javascript: URL": SCRIPT_URL,
}

REQUIRED_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)


def offences(html: str) -> list[str]:
    return [f"{name}: {m.group(0)[:80]}" for name, rx in CHECKS.items() for m in rx.finditer(html)]


def test_the_checks_catch_what_the_policy_blocks() -> None:
    # The scanner itself: each form the policy blocks is found, the allowed forms are not.
    assert offences("<script>alert(1)</script>")
    assert offences('<a href="#" onclick="go()">')
    assert offences('<select\n  onchange="this.form.submit()">')
    assert offences('<p style="color: red">')
    assert offences("<style>p {}</style>")
    assert offences('<a href="javascript:void(0)">')
    assert not offences('<script src="/static/saisei/site.js" defer></script>')
    assert not offences('<a href="#" data-action="print">Print</a>')
    assert not offences("<p>Press the button only once.</p>")


def test_no_template_has_an_inline_script_handler_or_style() -> None:
    found = []
    templates = [p for p in SRC.rglob("*.html") if "templates" in p.parts]
    assert len(templates) > 20
    for path in templates:
        for offence in offences(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(SRC)}: {offence}")
    assert found == []


def test_no_template_loads_a_script_or_style_from_elsewhere() -> None:
    external = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//""", re.IGNORECASE)
    found = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.html")
        if "templates" in p.parts and external.search(p.read_text(encoding="utf-8"))
    ]
    assert found == []


SKIP = re.compile(r"^/(api/|i18n/|static/)|/csv/?$")


def crawl(client: Client, seeds: list[str], limit: int = 60) -> dict[str, list[str]]:
    """Visit the pages reachable from the seeds; for each, what it breaks of the policy."""
    queue, seen, per_pattern = list(seeds), set(), Counter()
    results: dict[str, list[str]] = {}
    while queue and len(results) < limit:
        href = queue.pop(0)
        path = urlsplit(href).path
        pattern = re.sub(r"\d+", "N", path)
        if path in seen or SKIP.search(path) or per_pattern[pattern] >= 2:
            continue
        seen.add(path)
        per_pattern[pattern] += 1
        response = client.get(href, HTTP_ACCEPT_LANGUAGE="en")
        if not response["Content-Type"].startswith("text/html"):
            continue
        problems = offences(response.content.decode())
        policy = response.get("Content-Security-Policy", "")
        problems += [f"missing {d}" for d in REQUIRED_DIRECTIVES if d not in policy]
        if "'unsafe-inline'" in policy or "'unsafe-eval'" in policy:
            problems.append(f"relaxed policy: {policy}")
        results[path] = problems
        links = re.findall(r'href="(/[^"/][^"]*|/)"', response.content.decode())
        queue += [link.replace("&amp;", "&") for link in links]
    return results


@pytest.fixture
def demo(db) -> DemoContext:
    context = DemoContext()
    with transaction.atomic():
        for _order, _name, step in STEPS:
            step(context)
    return context


@pytest.mark.django_db
def test_every_public_page_has_the_policy_and_needs_nothing_inline(demo, settings) -> None:
    settings.DEBUG = False
    results = crawl(Client(), ["/", "/products/", "/plans/search/", "/accounts/login/", "/x/"])
    assert len(results) >= 6, list(results)
    assert "/x/" in results  # the 404 page too
    assert {p: v for p, v in results.items() if v} == {}


@pytest.mark.django_db
def test_every_page_of_the_officer_has_the_policy_and_needs_nothing_inline(demo) -> None:
    client = Client()
    client.force_login(demo.users["officer"])
    results = crawl(client, ["/plans/", "/plans/new/", "/obligations/", "/accounts/"])
    patterns = {re.sub(r"\d+", "N", p) for p in results}
    assert {"/plans/N/", "/reporting/plans/N/", "/reporting/periodic/N/"} <= patterns, patterns
    assert {p: v for p, v in results.items() if v} == {}


def test_the_api_docs_relax_only_images_and_only_there(client) -> None:
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    policy = docs["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "data:" not in client.get("/accounts/login/")["Content-Security-Policy"]
