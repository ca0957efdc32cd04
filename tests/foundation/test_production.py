"""Production serving: the start-up refusals, collectstatic into the manifest storage, WhiteNoise,
the CSP on pages, and gunicorn answering on this machine's loopback address.

Each check runs the settings in a subprocess with SAISEI_ENV=production (settings are read once
per process), the way `make serve-prod` runs them.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from saisei.config.env import DEVELOPMENT_SECRET_KEY, production_secret_key

GOOD_KEY = "p7Vq-production-test-key-2Zr8Lm4Xc9Ns6Bt1Wd3Fh5Jk0Gy-Qe8Ua"
DROPPED = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "SAISEI_ENV"}


def production_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        {
            "SAISEI_ENV": "production",
            "SAISEI_DATA_DIR": str(data_dir),
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "SAISEI_AUDIT_CHECKPOINT_KEY": "audit-checkpoint-key-for-the-production-tests-41f9",
            "SECURE_PROXY_SSL_HEADER": "1",
        }
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


# --- SECRET_KEY ------------------------------------------------------------------------------


def test_a_long_varied_key_is_accepted() -> None:
    assert production_secret_key(GOOD_KEY) == GOOD_KEY


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (None, "be set"),
        ("", "be set"),
        ("short-key-0123456789", "at least 50 characters"),
        ("x" * 49, "at least 50 characters"),
        ("ab" * 40, "at least 5 different"),
        (DEVELOPMENT_SECRET_KEY, "not be the development key"),
        ("django-insecure-" + "k" * 30 + "0123456789abcdefghij", "not be the development key"),
    ],
    ids=["unset", "empty", "short", "49-chars", "two-letters", "development", "insecure-prefix"],
)
def test_a_weak_key_is_refused_naming_the_variable(key: str | None, reason: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"^SECRET_KEY must .*{reason}"):
        production_secret_key(key)


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("too-short-for-production", "SECRET_KEY must be at least 50 characters"),
        (DEVELOPMENT_SECRET_KEY, "SECRET_KEY must not be the development key"),
    ],
)
def test_production_start_up_refuses_a_short_or_default_key(tmp_path, key, reason) -> None:
    result = run(["-m", "saisei", "check"], production_env(tmp_path, SECRET_KEY=key))
    assert result.returncode != 0
    assert reason in result.stderr
    assert key not in result.stderr  # the message names the variable, never echoes the key


def test_development_keeps_its_fixed_key(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env["SAISEI_DATA_DIR"] = str(tmp_path)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    result = run(["-c", f"import django; django.setup(); {code}"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == DEVELOPMENT_SECRET_KEY


# --- collectstatic, the manifest storage and WhiteNoise ---------------------------------------


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    """A production data directory after `saisei collectstatic`, as `make serve-prod` runs it."""
    data_dir = tmp_path_factory.mktemp("production")
    result = run(["-m", "saisei", "collectstatic", "--no-input"], production_env(data_dir))
    assert result.returncode == 0, result.stderr
    return data_dir


# Requests through the real WSGI application (WhiteNoise is middleware in production).
WSGI_PROBE = r"""
import json, sys
from io import BytesIO
from wsgiref.util import setup_testing_defaults
from saisei.config.wsgi import application

def call(path, **headers):
    environ = {"PATH_INFO": path, "HTTP_HOST": "testserver", "wsgi.input": BytesIO(b"")}
    environ.update({"HTTP_" + k.upper(): v for k, v in headers.items()})
    setup_testing_defaults(environ)
    seen = {}
    def start_response(status, response_headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = {k.lower(): v for k, v in response_headers}
    body = b"".join(application(environ, start_response))
    return {**seen, "body": body.decode("utf-8", "replace")}

page = call("/no-such-page/", accept_language="en", x_forwarded_proto="https")
css = call("/" + sys.argv[1], accept_encoding="gzip", x_forwarded_proto="https")
docs = call("/api/v1/docs", x_forwarded_proto="https")
plain = call("/no-such-page/")
print(json.dumps({"page": page, "css": {**css, "body": len(css["body"])}, "docs": docs,
                  "plain": {**plain, "body": ""}}))
"""


def test_collectstatic_writes_the_manifest_with_hashed_names(collected: Path) -> None:
    manifest = json.loads((collected / "static" / "staticfiles.json").read_text())["paths"]
    for original in ("saisei/site.css", "saisei/site.js", "plans/plan_form.js"):
        hashed = manifest[original]
        stem, extension = os.path.splitext(original)
        assert re.fullmatch(re.escape(stem) + r"\.[0-9a-f]{12}" + re.escape(extension), hashed)
        assert (collected / "static" / hashed).is_file()
        assert (collected / "static" / (hashed + ".gz")).is_file()  # compressed by WhiteNoise
    assert "ninja/swagger-ui-bundle.js" in manifest  # the API docs' assets, served locally


def test_pages_link_the_hashed_assets_and_whitenoise_serves_them(collected: Path) -> None:
    manifest = json.loads((collected / "static" / "staticfiles.json").read_text())["paths"]
    css_url = "static/" + manifest["saisei/site.css"]
    result = run(["-c", WSGI_PROBE, css_url], production_env(collected))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)

    page = out["page"]
    assert page["status"] == 404
    assert f'href="/{css_url}"' in page["body"]
    assert f'src="/static/{manifest["saisei/site.js"]}"' in page["body"]
    assert "Traceback" not in page["body"]
    policy = page["headers"]["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert "max-age=" in page["headers"]["strict-transport-security"]

    css = out["css"]
    assert css["status"] == 200
    assert css["headers"]["content-encoding"] == "gzip"
    assert "immutable" in css["headers"]["cache-control"]

    docs = out["docs"]
    assert docs["status"] == 200
    assert f"/static/{manifest['ninja/swagger-ui-bundle.js']}" in docs["body"]
    assert "cdn" not in docs["body"].lower()
    assert "img-src 'self' data:" in docs["headers"]["content-security-policy"]

    # Without the proxy's X-Forwarded-Proto the request is plain HTTP: redirected to HTTPS.
    assert out["plain"]["status"] == 301
    assert out["plain"]["headers"]["location"].startswith("https://")


# --- gunicorn --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_serves_the_app_with_the_make_serve_prod_configuration(collected: Path) -> None:
    port = free_port()
    env = production_env(collected, SAISEI_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:saisei.config.gunicorn"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _headers, body = fetch(base + "/api/v1/health")
                break
            except (ConnectionError, urllib.error.URLError):
                assert process.poll() is None, (
                    process.stderr.read().decode() if process.stderr else ""
                )
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.3)
        assert status == 200
        assert json.loads(body)["status"] == "ok"

        status, _headers, body = fetch(base + "/api/v1/no-such-route")
        assert status == 404
        assert json.loads(body)["code"] == "not_found"

        status, _headers, body = fetch(base + "/static/saisei/site.css")
        assert status == 200
        assert b".site-header" in body
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
