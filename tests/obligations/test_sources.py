"""Each source of expected duties sits with its subject and is registered by its own app."""

from __future__ import annotations

import ast
import inspect
from datetime import date

import pytest

from saisei.obligations import sources
from saisei.obligations.sources import ObligationSpec


def _imported_modules(module: object) -> set[str]:
    """Every module the source of `module` imports, at its top or inside a function."""
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_plan_registers_its_duties_and_reporting_keeps_the_adverse_events() -> None:
    from saisei.plans import obligations as plan_sources
    from saisei.reporting import obligation_sources

    registry = {name: (rules, fn) for name, (rules, fn) in sources.SOURCES.items()}
    assert registry["plans.periodic_reports"][0] == {"periodic_report"}
    assert registry["plans.notices"][0] == {"minor_change", "discontinuation"}
    assert registry["plans.research_summaries"][0] == {"research_summary"}
    assert registry["reporting.adverse_events"][0] == {"ae_death", "ae_serious", "ae_other_cycle"}
    assert registry["plans.periodic_reports"][1] is plan_sources.periodic_reports_expected
    assert registry["reporting.adverse_events"][1] is obligation_sources.adverse_events_expected
    assert "reporting.periodic_reports" not in registry
    # Each rule is covered by exactly one source, so verify knows whose a stored row is.
    rules = [rule for rules, _fn in registry.values() for rule in rules]
    assert len(rules) == len(set(rules))


def test_reporting_sources_do_not_import_back_from_reporting_services() -> None:
    from saisei.plans import obligations as plan_sources
    from saisei.reporting import obligation_sources

    for module in (obligation_sources, plan_sources):
        imported = _imported_modules(module)
        assert not {m for m in imported if m.startswith("saisei.reporting.services")}, module
    assert not {m for m in _imported_modules(plan_sources) if m.startswith("saisei.reporting")}


def test_a_spec_is_built_with_keywords_only() -> None:
    with pytest.raises(TypeError):
        ObligationSpec("ae_death", 1, "tests.event", "1", "label", date(2026, 4, 28))  # type: ignore[misc]
    spec = ObligationSpec(
        rule="ae_death",
        organisation_id=1,
        subject_type="tests.event",
        subject_id="1",
        subject_label="label",
        starts_on=date(2026, 4, 28),
    )
    assert spec.key == ("ae_death", "tests.event", "1", date(2026, 4, 28), 0, "")
