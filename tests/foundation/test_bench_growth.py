"""The benchmark's growth verdict (bench.harness.compare_growth): a page read may not grow from a
third of the scale to the whole beyond noise and what its floor grows; a job at most linearly."""

from __future__ import annotations

import pytest
from bench.harness import JOB, READ, Result, compare_growth


def _result(kind: str, scale: float, median: float, floor: float | None) -> Result:
    return Result(
        name="m",
        kind=kind,
        scale=scale,
        median_ms=median,
        p99_ms=median,
        floor_ms=floor,
        floor_p99_ms=floor,
        ratio=None if floor is None else median / floor,
        queries=None,
        peak_mib=None,
    )


@pytest.mark.parametrize(
    ("small", "large", "ok"),
    [
        # A page read that doubles while its floor stays: missed.
        ((10.0, 2.0), (20.0, 2.0), False),
        # Within noise of the same cost: met.
        ((10.0, 2.0), (14.0, 2.1), True),
        # A text search whose raw index query grows 2.8x with the matches, the read 2.1x: met.
        ((6.0, 3.0), (12.9, 8.3), True),
        # ... but a read that grows far beyond its floor's growth is missed.
        ((6.0, 3.0), (40.0, 8.3), False),
        # A read without a floor is held to the plain limit.
        ((10.0, None), (20.0, None), False),
    ],
)
def test_a_page_read_may_grow_only_as_its_floor_does(small, large, ok) -> None:
    before, after = _result(READ, 1, *small), _result(READ, 3, *large)
    (row,) = compare_growth([before], [after])
    assert row["ok"] is ok and after.ok is ok
    if not ok:
        assert after.misses[0].startswith("grew ")


def test_a_whole_data_job_may_grow_linearly_and_no_more() -> None:
    linear = _result(JOB, 3, 3000.0, 1000.0)
    (row,) = compare_growth([_result(JOB, 1, 1000.0, 330.0)], [linear])
    assert row["ok"] and row["limit"] == pytest.approx(4.5)
    faster = _result(JOB, 3, 5000.0, 1000.0)
    assert not compare_growth([_result(JOB, 1, 1000.0, 330.0)], [faster])[0]["ok"]
