"""The bare request: what every other request's floor starts from."""

from __future__ import annotations

from bench.harness import READ, Context, Measure, ok, register


def health(ctx: Context) -> None:
    ok(ctx.api(None).get("/api/v1/health"))


register(Measure("API: bare /api/v1/health (anonymous)", READ, health, repeat=50, area="core"))
