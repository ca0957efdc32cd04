"""The benchmark's harness: measures, their floors, the table and the JSON.

A `Measure` is one hot path: `run(ctx)` does it once (a request through Django's full handler,
middleware included, by the test client: no network, nothing else), `floor(ctx)` does what it
cannot be cheaper than, timed in the same run on the same database:

- a list request: the bare request of its kind by the same client (the cost of being a request
  at all: middleware, session or token) plus the hand-written indexed SQL that returns the same
  rows (`ctx.sql`). The bare API request is `/api/v1/health` for an anonymous client and
  `/api/v1/me` for one with a token (the least request that authenticates); the bare page is
  the layout with nothing in it (the 404 page, which renders the same layout, navigation and
  language switch for the same visitor, signed in or not), since a page cannot cost less than
  its layout;
- a write: raw `executemany` of the same rows;
- a whole-data job: one raw pass over the rows it must read.

Each is run `repeat` times, run and floor interleaved so that a slow moment of the machine
touches both; the table shows the median and p99 of each and the ratio of the medians. The
cache is cleared before every timed run of a read (a read is timed as its first visitor sees
it) unless the measure says it times the cached answer. Queries per run are counted once, on
a run of their own.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

READ = "read"
JOB = "job"
# A path no view answers: its 404 page is the layout with nothing in it.
BARE_PAGE = "/bench/the-bare-layout/"


@dataclass
class Measure:
    name: str
    kind: str  # READ (a page or API request) or JOB (a whole-data job or a write)
    run: Callable[[Context], Any]
    floor: Callable[[Context], Any] | None = None
    floor_label: str = ""
    # Targets; None where the issue sets none for this path.
    ratio: float | None = None  # median / floor median
    p99_ms: float | None = None
    seconds: float | None = None  # median, for jobs
    seconds_per_scale: bool = False  # the seconds target is per 1x of data (scaled with it)
    # The name of a measure this one must cost about the same as (page 500 against page 1).
    same_as: str | None = None
    repeat: int = 30
    explain: Callable[[Context], Sequence[tuple[str, Sequence[Any]]]] | None = None
    cached: bool = False  # True: time the cached answer (the cache is not cleared)
    memory: bool = False  # measure peak Python memory of one run (tracemalloc)
    # Untimed: once before the first run, and after each run (to undo what a run wrote).
    prepare: Callable[[Context], Any] | None = None
    reset: Callable[[Context], Any] | None = None
    area: str = ""


@dataclass
class Result:
    name: str
    kind: str
    scale: float
    median_ms: float
    p99_ms: float
    floor_ms: float | None
    floor_p99_ms: float | None
    ratio: float | None
    queries: int | None
    peak_mib: float | None
    targets: dict[str, float] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    floor_label: str = ""
    area: str = ""

    @property
    def ok(self) -> bool:
        return not self.misses


MEASURES: list[Measure] = []


def register(*measures: Measure) -> None:
    MEASURES.extend(measures)


class Context:
    """What a measure may use: the data set's named rows, users and clients."""

    def __init__(self, *, scale: float, today: date, users: dict[str, int], sample: dict[str, int]):
        from saisei.accounts.models import User

        self.scale = scale
        self.today = today
        self.sample = sample
        self.users = {key: User.objects.get(pk=pk) for key, pk in users.items()}
        self._api: dict[Any, Any] = {}
        self._page: dict[Any, Any] = {}
        self.store: dict[str, Any] = {}  # what one measure's run keeps for the next

    def api(self, user: Any = None) -> Any:
        """A test client that sends `user`'s API token (none: anonymous)."""
        from django.test import Client

        key = None if user is None else user.pk
        if key not in self._api:
            if user is None:
                self._api[key] = Client()
            else:
                from saisei.accounts.services import token_create

                issued = token_create(user=user, name="bench", actor=user)
                self._api[key] = Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
        return self._api[key]

    def page(self, user: Any = None) -> Any:
        """A test client signed in as `user` (none: anonymous), asking for Japanese pages."""
        from django.test import Client

        key = None if user is None else user.pk
        if key not in self._page:
            client = Client(HTTP_ACCEPT_LANGUAGE="ja")
            if user is not None:
                client.force_login(user)
            self._page[key] = client
        return self._page[key]

    def health(self, client: Any) -> Any:
        return ok(client.get("/api/v1/health"))

    def bare_page(self, client: Any) -> Any:
        """The layout alone, for this visitor: a path no view answers."""
        response = client.get(BARE_PAGE)
        if response.status_code != 404 or b"<nav" not in response.content:
            raise AssertionError(f"the bare page answered {response.status_code}")
        return response

    def bare(self, client: Any) -> Any:
        """The bare request of the client's kind: the bare page for a page client; for an API
        client with a token the least request that authenticates (`/api/v1/me`: the token
        looked up, the user's name answered), else `/api/v1/health`."""
        if any(client is page for page in self._page.values()):
            return self.bare_page(client)
        if any(client is api for key, api in self._api.items() if key is not None):
            return ok(client.get("/api/v1/me"))
        return self.health(client)

    def sql(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def request_floor(self, client: Any, sql: str, params: Sequence[Any] = ()) -> Any:
        """The floor of a list request: the bare request of its kind, then the SQL of its rows."""
        self.bare(client)
        return self.sql(sql, params)


def ok(response: Any) -> Any:
    """A response, after checking it is a 200: a benchmark of an error page measures nothing."""
    if response.status_code != 200:
        raise AssertionError(
            f"{response.request.get('PATH_INFO')} answered {response.status_code}: "
            f"{response.content[:300]!r}"
        )
    return response


def _percentile(values: Sequence[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _timed(work: Callable[[], Any]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def measure(m: Measure, ctx: Context) -> Result:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def once() -> Any:
        if m.kind == READ and not m.cached:
            cache.clear()
        return m.run(ctx)

    def reset() -> None:
        if m.reset is not None:
            m.reset(ctx)

    repeat = m.repeat if m.kind == READ else max(1, m.repeat)
    warm = 2 if m.kind == READ else 0
    if m.prepare is not None:
        m.prepare(ctx)
    for _ in range(warm):
        once()
        reset()
        if m.floor:
            m.floor(ctx)
    runs: list[float] = []
    floors: list[float] = []
    gc.collect()
    for _ in range(repeat):
        runs.append(_timed(once))
        reset()
        if m.floor:
            floors.append(_timed(lambda: m.floor(ctx)))  # type: ignore[misc]
    queries = None
    if m.kind == READ:
        with CaptureQueriesContext(connection) as captured:
            once()
        queries = len(captured)
        reset()
    peak = None
    if m.memory:
        gc.collect()
        tracemalloc.start()
        once()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        reset()
    median = statistics.median(runs) * 1000
    p99 = _percentile(runs, 0.99) * 1000
    floor = statistics.median(floors) * 1000 if floors else None
    floor_p99 = _percentile(floors, 0.99) * 1000 if floors else None
    ratio = median / floor if floor else None
    result = Result(
        name=m.name,
        kind=m.kind,
        scale=ctx.scale,
        median_ms=median,
        p99_ms=p99,
        floor_ms=floor,
        floor_p99_ms=floor_p99,
        ratio=ratio,
        queries=queries,
        peak_mib=peak,
        floor_label=m.floor_label,
        area=m.area,
    )
    if m.ratio is not None:
        result.targets["ratio"] = m.ratio
        if ratio is None or ratio > m.ratio:
            result.misses.append(f"ratio {ratio:.1f}x > {m.ratio:g}x" if ratio else "no floor")
    if m.p99_ms is not None:
        result.targets["p99_ms"] = m.p99_ms
        if p99 > m.p99_ms:
            result.misses.append(f"p99 {p99:.0f} ms > {m.p99_ms:g} ms")
    if m.seconds is not None:
        limit = m.seconds * (max(ctx.scale, 0.01) if m.seconds_per_scale else 1)
        result.targets["seconds"] = limit
        if median > limit * 1000:
            result.misses.append(f"{median / 1000:.2f} s > {limit:g} s")
    return result


# Page 500 costs "the same" as page 1 within this factor (and 2 ms, below which the clock's
# noise and the machine's moments decide).
SAME_COST = 1.5
SAME_COST_SLACK_MS = 2.0


def compare_same(results: list[Result], measures: Sequence[Measure]) -> None:
    by_name = {r.name: r for r in results}
    for m in measures:
        if not m.same_as or m.name not in by_name or m.same_as not in by_name:
            continue
        this, other = by_name[m.name], by_name[m.same_as]
        this.targets["same_as_page_1"] = SAME_COST
        if this.median_ms > other.median_ms * SAME_COST + SAME_COST_SLACK_MS:
            this.misses.append(
                f"{this.median_ms:.1f} ms against {other.median_ms:.1f} ms for {m.same_as!r}"
            )


# From a third of the scale to the whole: a page read may not grow (this factor, for noise)
# beyond what its floor grows, a whole-data job at most linearly (three times, with the same
# allowance). A text search's floor, the raw index query, reads and counts every match, so it
# grows with the matches: the read is held to what it adds to that.
READ_GROWTH = 1.5
JOB_GROWTH = 3 * 1.5


def compare_growth(small: list[Result], large: list[Result]) -> list[dict[str, Any]]:
    by_name = {r.name: r for r in small}
    rows = []
    for result in large:
        before = by_name.get(result.name)
        if before is None:
            continue
        growth = result.median_ms / before.median_ms if before.median_ms else float("inf")
        floor_growth = (
            result.floor_ms / before.floor_ms if result.floor_ms and before.floor_ms else None
        )
        limit = READ_GROWTH * max(1.0, floor_growth or 1.0) if result.kind == READ else JOB_GROWTH
        slack = SAME_COST_SLACK_MS if result.kind == READ else 0.0
        ok_ = result.median_ms <= before.median_ms * limit + slack
        if not ok_:
            result.misses.append(
                f"grew {growth:.2f}x from {before.scale:.3g}x to {result.scale:.3g}x "
                f"(limit {limit:.2f}x)"
            )
        rows.append(
            {
                "name": result.name,
                "kind": result.kind,
                "from_scale": before.scale,
                "to_scale": result.scale,
                "from_ms": before.median_ms,
                "to_ms": result.median_ms,
                "growth": growth,
                "floor_growth": floor_growth,
                "limit": limit,
                "ok": ok_,
            }
        )
    return rows


def table(results: Sequence[Result]) -> str:
    head = (
        f"{'operation':<52} {'scale':>6} {'median':>9} {'p99':>9} {'floor':>9} "
        f"{'ratio':>6} {'queries':>7}  verdict"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        floor = f"{r.floor_ms:9.2f}" if r.floor_ms is not None else f"{'-':>9}"
        ratio = f"{r.ratio:5.1f}x" if r.ratio is not None else f"{'-':>6}"
        queries = f"{r.queries:>7}" if r.queries is not None else f"{'-':>7}"
        verdict = "ok" if r.ok else "MISSED: " + "; ".join(r.misses)
        if r.peak_mib is not None:
            verdict += f" (peak {r.peak_mib:.1f} MiB)"
        lines.append(
            f"{r.name[:52]:<52} {r.scale:>5.3g}x {r.median_ms:9.2f} {r.p99_ms:9.2f} {floor} "
            f"{ratio} {queries}  {verdict}"
        )
    lines.append("(times in ms; floor = median of the floor in the same run; ratio = median/floor)")
    return "\n".join(lines)
