"""Playwright on Debian's Chromium, against pytest-django's live server.

Playwright's own browser download does not work on these machines, so the system's
Chromium is launched by path. The flags keep it from reaching for the network at start.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import chromium_path

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    executable = chromium_path()
    # Playwright's sync API runs an event loop in this thread, and Django's async-safety check
    # would then refuse database access from the test. Only while the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev dependency missing
        from tests.support import unavailable

        unavailable("needs the playwright package")
        raise
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[Any]:
    """A fresh page in an English-speaking browser context."""
    context = chromium.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def browser_context_factory(chromium: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def make(locale: str) -> Any:
        context = chromium.new_context(locale=locale)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
