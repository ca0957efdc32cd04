"""The strict Content-Security-Policy holds in a real browser: no page trips it.

Chromium visits the public pages and the signed-in officer's pages (following the links each page
offers, bounded) and the interactive API docs, and records every `securitypolicyviolation` event
and every console message about the policy. Any one fails the test: a violation means a script,
handler or style the policy blocked, so some behaviour of that page is broken.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import transaction

from saisei.accounts.personas import DEMO_PASSWORD
from saisei.core.demo import STEPS, DemoContext

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script; Playwright's own scripts are not subject to the page's policy.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || document.location.pathname}:${e.lineNumber}`);
});
"""

PUBLIC_SEEDS = ["/", "/products/", "/plans/search/", "/accounts/login/", "/no-such-page/"]
OFFICER_SEEDS = ["/plans/", "/plans/new/", "/obligations/", "/accounts/"]
SKIP = re.compile(r"^/(api/|i18n/|static/)|/csv/?$|\.csv$")
MAX_PAGES = 45
MAX_PER_PATTERN = 2


@pytest.fixture
def demo() -> DemoContext:
    context = DemoContext()
    with transaction.atomic():
        for _order, _name, step in STEPS:
            step(context)
    return context


class Visitor:
    def __init__(self, context: Any, base: str) -> None:
        self.base = base
        self.console: list[str] = []
        context.add_init_script(RECORD_VIOLATIONS)
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(f"{self.page.url}: {text}")

    def visit(self, path: str) -> list[str]:
        response = self.page.goto(self.base + path)
        assert response is not None
        self.page.wait_for_load_state("load")
        policy = response.header_value("content-security-policy") or ""
        assert "script-src 'self'" in policy, f"{path} has no strict policy: {policy!r}"
        found = self.page.evaluate("window.__cspViolations")
        return [f"{path}: {v}" for v in found]

    def links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all(
            "a[href]", "els => els.map((e) => e.getAttribute('href'))"
        )
        return [h for h in hrefs if h.startswith("/") and not h.startswith("//")]

    def crawl(self, seeds: list[str]) -> tuple[list[str], list[str]]:
        queue = list(seeds)
        seen: set[str] = set()
        patterns: Counter[str] = Counter()
        visited: list[str] = []
        violations: list[str] = []
        while queue and len(visited) < MAX_PAGES:
            href = queue.pop(0)
            path = urlsplit(href).path
            pattern = re.sub(r"\d+", "N", path)
            if path in seen or SKIP.search(path) or patterns[pattern] >= MAX_PER_PATTERN:
                continue
            seen.add(path)
            patterns[pattern] += 1
            violations += self.visit(href)
            visited.append(path)
            queue += self.links()
        return visited, violations


def sign_in(visitor: Visitor, username: str) -> None:
    page = visitor.page
    page.goto(visitor.base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, "sign-in failed"


def test_the_public_pages_raise_no_csp_violation(live_server, browser_context_factory, demo):
    visitor = Visitor(browser_context_factory("ja-JP"), live_server.url)
    visited, violations = visitor.crawl(PUBLIC_SEEDS)
    assert len(visited) >= 6, visited
    assert any(p.startswith("/products/") and p != "/products/" for p in visited), visited
    assert violations == [] and visitor.console == [], violations + visitor.console


def test_the_officers_pages_raise_no_csp_violation(live_server, browser_context_factory, demo):
    visitor = Visitor(browser_context_factory("en-GB"), live_server.url)
    sign_in(visitor, "officer")
    visited, violations = visitor.crawl(OFFICER_SEEDS)
    assert len(visited) >= 10, visited
    for expected in ("/plans/N/", "/reporting/plans/N/", "/reporting/periodic/N/"):
        assert any(re.sub(r"\d+", "N", p) == expected for p in visited), (expected, visited)
    assert violations == [] and visitor.console == [], violations + visitor.console


def test_the_api_docs_work_under_the_policy(live_server, browser_context_factory) -> None:
    visitor = Visitor(browser_context_factory("en-GB"), live_server.url)
    violations = visitor.visit("/api/v1/docs")
    # Swagger UI has fetched openapi.json and drawn the operations: its scripts ran.
    visitor.page.locator(".opblock").first.wait_for()
    assert visitor.page.locator(".opblock").count() > 10
    # Open an operation and try it: the expanded panel draws Swagger UI's icons and runs a
    # request from the page (connect-src).
    visitor.page.locator(".opblock-summary").first.click()
    visitor.page.get_by_role("button", name="Try it out").first.click()
    visitor.page.get_by_role("button", name="Execute").first.click()
    visitor.page.locator(".responses-wrapper .live-responses-table").first.wait_for()
    visitor.page.locator(".models-control").first.click()
    visitor.page.wait_for_timeout(500)
    violations += [f"/api/v1/docs: {v}" for v in visitor.page.evaluate("window.__cspViolations")]
    assert violations == [] and visitor.console == [], violations + visitor.console


def test_the_print_link_works_without_an_inline_handler(
    live_server, browser_context_factory, demo
) -> None:
    from saisei.reporting.models import PeriodicReport

    report = PeriodicReport.objects.filter(
        plan__institution__organisation__slug="demo-hinata-clinic"
    ).first()
    assert report is not None
    context = browser_context_factory("en-GB")
    context.add_init_script("window.print = () => { window.__printed = true; };")
    visitor = Visitor(context, live_server.url)
    sign_in(visitor, "officer")
    assert visitor.visit(f"/reporting/periodic/{report.pk}/") == []
    visitor.page.get_by_role("link", name="Print").click()
    assert visitor.page.evaluate("window.__printed") is True
    assert visitor.page.url.endswith(f"/reporting/periodic/{report.pk}/")  # no jump to "#"
