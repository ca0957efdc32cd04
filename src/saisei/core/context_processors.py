from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {"site_name": "Saisei", "site_name_ja": "再生"}
