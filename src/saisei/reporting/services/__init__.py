"""Writes to reporting: treatments, outcomes, adverse events, their reports, periodic reports.

Each service checks the permission, applies the law's guards, writes in one transaction with
its audit event, and opens or meets the obligations the event creates. One module per stage;
callers import from this package, which names every service.
"""

from __future__ import annotations

from saisei.reporting.obligation_sources import ae_cycle_period
from saisei.reporting.services.adverse_events import (
    adverse_event_record,
    adverse_event_report_file,
    adverse_event_report_review,
    ae_report_recipients,
)
from saisei.reporting.services.common import ensure_plan_may_provide
from saisei.reporting.services.imports import (
    IMPORT_CHUNK_ROWS,
    MAX_IMPORT_ROWS,
    CsvSource,
    ImportResult,
    OutcomeImport,
    TreatmentImport,
    outcomes_import_check,
    outcomes_import_csv,
    outcomes_import_write,
    treatments_import_check,
    treatments_import_csv,
    treatments_import_write,
)
from saisei.reporting.services.periodic_reports import (
    ART37_FIELDS,
    ART37_ITEMS,
    periodic_report_file,
    periodic_report_generate,
    periodic_report_review,
    periodic_report_submit,
    periodic_report_write,
)
from saisei.reporting.services.treatments import outcome_record, treatment_record

__all__ = [
    "ART37_FIELDS",
    "ART37_ITEMS",
    "IMPORT_CHUNK_ROWS",
    "MAX_IMPORT_ROWS",
    "CsvSource",
    "ImportResult",
    "OutcomeImport",
    "TreatmentImport",
    "adverse_event_record",
    "adverse_event_report_file",
    "adverse_event_report_review",
    "ae_cycle_period",
    "ae_report_recipients",
    "ensure_plan_may_provide",
    "outcome_record",
    "outcomes_import_check",
    "outcomes_import_csv",
    "outcomes_import_write",
    "periodic_report_file",
    "periodic_report_generate",
    "periodic_report_review",
    "periodic_report_submit",
    "periodic_report_write",
    "treatment_record",
    "treatments_import_check",
    "treatments_import_csv",
    "treatments_import_write",
]
