"""What every page's layout shows, the same for every visitor.

The navigation's links and the language list are worked out once per process (and URL
prefix) instead of on every page: reversing a URL walks the URLconf, and the layout has eleven
of them on every page, signed in or not.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language_info

# The layout's links: context name -> URL name.
NAV_URLS = {
    "home": "portal:home",
    "products": "products:list",
    "search": "plans:search",
    "guide": "portal:guide",
    "plans": "plans:list",
    "due": "obligations:due",
    "api": "api:openapi-view",
    "account": "accounts:account",
    "logout": "accounts:logout",
    "login": "accounts:login",
    "set_language": "set_language",
}


@cache
def _navigation(script_prefix: str) -> dict[str, object]:
    links: dict[str, object] = {key: reverse(name) for key, name in NAV_URLS.items()}
    links["languages"] = tuple(
        (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
    )
    return links


def site(request: HttpRequest) -> dict[str, object]:
    return {"site_name": "Saisei", "site_name_ja": "再生", "nav": _navigation(get_script_prefix())}
