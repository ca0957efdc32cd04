from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_a_japanese_browser_gets_the_home_page_in_japanese(client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert "条件及び期限付承認" in html


def test_an_english_browser_gets_the_home_page_in_english(client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="en">' in html
    assert "conditional, time-limited approval" in html


def test_the_language_switch_remembers_the_choice(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="en">' in html


def test_the_home_page_has_landmarks_and_labelled_controls(client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert 'href="#main"' in html  # skip link
    assert '<label for="language-select">' in html
    assert 'name="viewport"' in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "no CDN or external links"


def test_every_translation_catalogue_is_compiled_and_complete() -> None:
    catalogues = sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"))
    assert [path.parts[-3] for path in catalogues] == ["ja"]
    for po_path in catalogues:
        po = polib.pofile(str(po_path))
        assert po.untranslated_entries() == [], f"untranslated in {po_path}"
        assert po.fuzzy_entries() == [], f"fuzzy in {po_path}"
        mo = polib.mofile(str(po_path.with_suffix(".mo")))
        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo}
        for entry in po.translated_entries():
            if entry.msgid_plural:
                continue
            assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, (
                f"{po_path.with_suffix('.mo')} is stale: run `make messages`"
            )


def test_the_login_page_is_served_in_both_languages(client) -> None:
    assert "ログイン" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "Sign in" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_layout_links_are_the_urls_of_their_pages_under_the_site_prefix(rf) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.urls import clear_script_prefix, reverse, set_script_prefix

    from saisei.core.context_processors import NAV_URLS

    request = rf.get("/")
    request.user = AnonymousUser()
    try:
        for prefix in ("/", "/saisei/"):
            set_script_prefix(prefix)
            html = render_to_string("base.html", request=request)
            for key in ("home", "products", "search", "api", "login", "set_language"):
                assert f'"{reverse(NAV_URLS[key])}"' in html
                assert reverse(NAV_URLS[key]).startswith(prefix)
            assert '<option value="ja" lang="ja"' in html
            assert ">English</option>" in html
    finally:
        clear_script_prefix()
        set_script_prefix("/")


def test_every_page_names_its_icon_and_the_icon_is_served(client) -> None:
    html = client.get("/").content.decode()
    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert match is not None
    from django.contrib.staticfiles import finders

    name = match.group(1).removeprefix(settings.STATIC_URL)
    found = finders.find(name)
    assert found is not None
    assert Path(found).read_text(encoding="utf-8").startswith("<svg ")
