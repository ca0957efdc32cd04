"""The 500 page when the database, the session or the templates are what failed.

No test here has database access: pytest-django fails any query, which is the point.
"""

from __future__ import annotations

from django.test import RequestFactory
from django.utils import translation

from saisei.core import views as core_views


def test_the_500_page_needs_neither_the_database_nor_the_request() -> None:
    # No database access is allowed in this test: pytest-django fails any query.
    request = RequestFactory().get("/plans/")
    with translation.override("ja"):
        response = core_views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "サーバーで問題が発生しました" in html
    assert "<header" in html


def test_the_500_page_falls_back_to_static_html_when_templates_fail(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("template loader is broken")

    monkeypatch.setattr(core_views, "render_error_page", broken)
    response = core_views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Server error" in html and "サーバーエラー" in html
    assert "<script" not in html and "style=" not in html
