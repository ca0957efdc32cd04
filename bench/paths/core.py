"""The bare request: what every other request's floor starts from."""

from __future__ import annotations

from bench.harness import READ, Context, Measure, ok, register


def health(ctx: Context) -> None:
    ok(ctx.api(None).get("/api/v1/health"))


def bare_page(ctx: Context) -> None:
    ctx.bare_page(ctx.page(None))


def bare_page_signed_in(ctx: Context) -> None:
    ctx.bare_page(ctx.page(ctx.users["institution"]))


def home(ctx: Context) -> None:
    ok(ctx.page(None).get("/"))


register(
    Measure("API: bare /api/v1/health (anonymous)", READ, health, repeat=50, area="core"),
    Measure("page: the bare layout (anonymous)", READ, bare_page, repeat=50, area="core"),
    Measure("page: the bare layout (signed in)", READ, bare_page_signed_in, repeat=50, area="core"),
    Measure(
        "page: home (anonymous)",
        READ,
        home,
        floor=bare_page,
        floor_label="the bare layout",
        ratio=3,
        p99_ms=150,
        repeat=50,
        area="core",
    ),
)
