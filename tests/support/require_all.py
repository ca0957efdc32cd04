"""Under SAISEI_REQUIRE_ALL=1 (CI) every skip is a failure, whatever raised it (`pytest.skip`, a
skip mark, `importorskip`), except `skip_on_sqlite`'s on the SQLite runs CI makes on purpose.

A pytest plugin: the suite's conftest loads it, and it works the same under pytest-xdist, whose
workers inherit the environment and send back the reports made here.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from tests import support


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, pytest.TestReport]:
    report: pytest.TestReport = yield
    if not (support.REQUIRE_ALL and report.skipped) or hasattr(report, "wasxfail"):
        return report
    if call.excinfo is not None and support.skipped_on_sqlite_run(call.excinfo.value):
        return report
    return _failed(report)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, Any]:
    """A module skipped as a whole (`pytest.skip(..., allow_module_level=True)`) fails too."""
    report = yield
    return _failed(report) if support.REQUIRE_ALL and report.skipped else report


def _failed(report: Any) -> Any:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    reason = reason.removeprefix("Skipped: ")
    report.outcome = "failed"
    report.longrepr = f"skipped: {reason} (SAISEI_REQUIRE_ALL=1: CI must not skip this test)"
    return report
