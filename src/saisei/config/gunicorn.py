"""gunicorn's configuration for `make serve-prod`: `gunicorn -c python:saisei.config.gunicorn`.

Values come from the environment (README "Production"); the Django settings themselves come
from SAISEI_ENV=production and the variables the settings read.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "saisei.config.wsgi:application"
bind = os.environ.get("SAISEI_BIND", "127.0.0.1:8000")
# gunicorn's advice, 2 * cores + 1 synchronous workers; WEB_CONCURRENCY overrides it.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# A request is cut off after this long; a CSV import of the documented size fits well within it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
# The TLS-terminating proxy runs on this host; Django decides HTTPS from X-Forwarded-Proto only
# when SECURE_PROXY_SSL_HEADER is on.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def post_worker_init(worker: object) -> None:
    """Once a worker has loaded Django (settings, URLconf, the law engine's tables): move what
    it holds out of the garbage collector's reach. Those objects live as long as the worker, and
    every full collection would otherwise walk all of them, a pause of tens of milliseconds on
    whichever request happens to trigger it."""
    import gc

    gc.freeze()
