"""Reading the products reference files: each CSV parsed, its corrections applied, and every
row held to its own file's rules (a row at fault stops loading with its file and line).

Nothing here asks the law engine (saisei.products.reference.checking does) or writes (applying).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.text import slugify

from saisei.core.errors import DomainError, ErrorCode
from saisei.law import ApprovalStatusCode, ApprovalType
from saisei.products.models import (
    Category,
    DatePrecision,
    Designation,
    EventKind,
    precision_matches,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SYSTEM = "reference"
DESIGNATIONS = {"sakigake": Designation.SAKIGAKE, "orphan": Designation.ORPHAN}
PRODUCT_COLUMNS = (
    "id",
    "brand_name",
    "brand_name_ja",
    "what_it_is",
    "holder",
    "category",
    "indication",
    "approval_type",
    "council_endorsed_on",
    "approved_on",
    "time_limit_years",
    "designations",
    "notes",
    "sources",
)
# Columns a field correction may set: the reference's own, and the Japanese ones, which the
# reference does not have (indication_ja, what_it_is_ja: a correction of one expects it empty
# there, and stops loading if the shared file ever fills it in).
JAPANESE_COLUMNS = frozenset({"indication_ja", "what_it_is_ja"})
CORRECTABLE_COLUMNS = frozenset(PRODUCT_COLUMNS) - {"id"} | JAPANESE_COLUMNS


class ReferenceDataError(DomainError):
    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(
            ErrorCode.PRODUCT_REFERENCE_DATA_INVALID,
            f"{file}, line {line}: {message}",
            details={"file": file, "line": line},
        )


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            (number, {k: (v or "").strip() for k, v in row.items()})
            for number, row in enumerate(csv.DictReader(handle), start=2)
        ]


def _date(value: str, file: str, line: int, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ReferenceDataError(file, line, f"{column} is not a date: {value!r}") from None


def _int(value: str, file: str, line: int, column: str) -> int | None:
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise ReferenceDataError(file, line, f"{column} is not a whole number: {value!r}") from None
    if number < 0:
        raise ReferenceDataError(file, line, f"{column} is negative: {value!r}")
    return number


def _bool(value: str, file: str, line: int, column: str) -> bool | None:
    if not value:
        return None
    if value.lower() in ("yes", "true", "1"):
        return True
    if value.lower() in ("no", "false", "0"):
        return False
    raise ReferenceDataError(file, line, f"{column} must be yes or no: {value!r}")


def _join_sources(*texts: str) -> str:
    """One " ; "-separated list, each source once, in order."""
    seen: list[str] = []
    for text in texts:
        for part in (p.strip() for p in text.split(" ; ")):
            if part and part not in seen:
                seen.append(part)
    return " ; ".join(seen)


@dataclass
class Parsed:
    holders: list[str]
    products: dict[str, dict[str, Any]]
    approvals: dict[str, dict[str, Any]]
    events: dict[str, dict[str, Any]]  # reference_key → values (with "product")
    gaps: dict[str, dict[str, Any]]
    designations: dict[str, dict[str, Any]] = field(default_factory=dict)


def _field_corrections(
    data_dir: Path, reference: dict[str, tuple[int, dict[str, str]]]
) -> dict[str, list[tuple[str, str]]]:
    """Apply field_corrections.csv to the reference rows in place; return each product's
    correction sources with the corrected column."""
    file = "field_corrections.csv"
    applied: dict[str, list[tuple[str, str]]] = {}
    seen: set[tuple[str, str]] = set()
    for line, row in _read(data_dir / file):
        slug, column = row["product_id"], row["column"]
        if slug not in reference:
            raise ReferenceDataError(
                file, line, f"no product {slug!r} in approved_products.csv to correct"
            )
        if column not in CORRECTABLE_COLUMNS:
            raise ReferenceDataError(file, line, f"column {column!r} cannot be corrected")
        if (slug, column) in seen:
            raise ReferenceDataError(file, line, f"a second correction of {slug} {column}")
        seen.add((slug, column))
        if not row["source"]:
            raise ReferenceDataError(file, line, "source is empty")
        ref_line, values = reference[slug]
        current = values.get(column, "")
        if current != row["reference_value"]:
            raise ReferenceDataError(
                file,
                line,
                f"approved_products.csv line {ref_line} ({slug}) now has {column} = {current!r}, "
                f"not {row['reference_value']!r} as this correction expects: the shared file "
                "changed, so review the correction",
            )
        values[column] = row["value"]
        applied.setdefault(slug, []).append((column, row["source"]))
    return applied


def _product_row(
    file: str, line: int, row: dict[str, str], products: dict[str, Any], approvals: dict[str, Any]
) -> None:
    slug = row["id"]
    if not slug or slugify(slug) != slug:
        raise ReferenceDataError(file, line, f"id must be a slug: {slug!r}")
    if slug in products:
        raise ReferenceDataError(file, line, f"duplicate id {slug!r}")
    if row["category"] not in Category.values:
        raise ReferenceDataError(file, line, f"unknown category {row['category']!r}")
    if row["approval_type"] not in ApprovalType._value2member_map_:
        raise ReferenceDataError(file, line, f"unknown approval_type {row['approval_type']!r}")
    if not row["holder"]:
        raise ReferenceDataError(file, line, "holder is empty")
    if not row["sources"]:
        raise ReferenceDataError(file, line, "sources is empty")
    designations = []
    for part in filter(None, (p.strip() for p in row["designations"].split(";"))):
        if part.lower() not in DESIGNATIONS:
            raise ReferenceDataError(file, line, f"unknown designation {part!r}")
        designations.append(DESIGNATIONS[part.lower()].value)
    approved_on = _date(row["approved_on"], file, line, "approved_on")
    if approved_on is None:
        raise ReferenceDataError(file, line, "approved_on is empty")
    years = _int(row["time_limit_years"], file, line, "time_limit_years")
    conditional = row["approval_type"] == ApprovalType.CONDITIONAL_TIME_LIMITED.value
    if conditional and years is None:
        raise ReferenceDataError(file, line, "a conditional approval needs time_limit_years")
    if not conditional and years is not None:
        raise ReferenceDataError(file, line, "a standard approval has no time_limit_years")
    endorsed = _date(row["council_endorsed_on"], file, line, "council_endorsed_on")
    if endorsed is not None and endorsed > approved_on:
        raise ReferenceDataError(file, line, "council_endorsed_on is after approved_on")
    products[slug] = {
        "brand_name": row["brand_name"],
        "brand_name_ja": row["brand_name_ja"],
        "what_it_is": row["what_it_is"],
        "what_it_is_ja": row.get("what_it_is_ja", ""),
        "category": row["category"],
        "holder": row["holder"],
        "notes": row["notes"],
        "sources": row["sources"],
    }
    approvals[slug] = {
        "approval_type": row["approval_type"],
        "indication": row["indication"],
        "indication_ja": row.get("indication_ja", ""),
        "council_endorsed_on": endorsed,
        "approved_on": approved_on,
        "time_limit_years": years,
        "designations": designations,
        "sources": row["sources"],
        # Filled from approval_details.csv when it has a row for the product.
        "evidence_trial_phase": "",
        "evidence_patients": None,
        "evidence_follow_up_months": None,
        "evidence_serious_adverse_events": None,
        "target_patients": None,
        "all_case_surveillance": None,
        "re_examination_years": None,
        "conditions": "",
        "evidence_source": "",
    }


def read(data_dir: Path = DATA_DIR) -> Parsed:
    """Read every file and hold each row to its own file's rules; nothing is written."""
    products: dict[str, dict[str, Any]] = {}
    approvals: dict[str, dict[str, Any]] = {}
    file = "approved_products.csv"
    rows = _read(data_dir / file)
    reference: dict[str, tuple[int, dict[str, str]]] = {}
    for line, row in rows:
        reference.setdefault(row["id"], (line, row))
    # Corrections change the row dicts in place, before any row is checked.
    corrections = _field_corrections(data_dir, reference)
    for line, row in rows:
        _product_row(file, line, row, products, approvals)
    for slug, applied in corrections.items():
        approvals[slug]["sources"] = _join_sources(
            approvals[slug]["sources"], *(source for _, source in applied)
        )

    file = "extra_products.csv"
    brands = {values["brand_name"].casefold(): slug for slug, values in products.items()}
    for line, row in _read(data_dir / file):
        if row["id"] in products:
            raise ReferenceDataError(
                file,
                line,
                f"{row['id']!r} is now in approved_products.csv: remove it from this file "
                "(move any fact the shared row lacks into a correction)",
            )
        if row["brand_name"].casefold() in brands:
            raise ReferenceDataError(
                file,
                line,
                f"{row['brand_name']!r} is already in approved_products.csv as "
                f"{brands[row['brand_name'].casefold()]!r}",
            )
        _product_row(file, line, row, products, approvals)
    holders: list[str] = []
    for values in products.values():
        if values["holder"] not in holders:
            holders.append(values["holder"])

    file = "approval_details.csv"
    for line, row in _read(data_dir / file):
        slug = row["product_id"]
        if slug not in approvals:
            raise ReferenceDataError(file, line, f"unknown product {slug!r}")
        if not row["source"]:
            raise ReferenceDataError(file, line, "source is empty")
        approvals[slug].update(
            evidence_trial_phase=row["trial_phase"],
            evidence_patients=_int(row["evidence_patients"], file, line, "evidence_patients"),
            evidence_follow_up_months=_int(row["follow_up_months"], file, line, "follow_up_months"),
            evidence_serious_adverse_events=_int(
                row["serious_adverse_events"], file, line, "serious_adverse_events"
            ),
            target_patients=_int(row["target_patients"], file, line, "target_patients"),
            all_case_surveillance=_bool(
                row["all_case_surveillance"], file, line, "all_case_surveillance"
            ),
            re_examination_years=_int(
                row["re_examination_years"], file, line, "re_examination_years"
            ),
            conditions=row["conditions"],
            evidence_source=row["source"],
        )

    designations = _designations(data_dir, approvals)
    events = _events(data_dir, approvals)
    gaps = _gaps(data_dir, approvals)
    return Parsed(holders, products, approvals, events, gaps, designations)


def _designations(
    data_dir: Path, approvals: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    file = "designations.csv"
    found: dict[str, dict[str, Any]] = {}
    for line, row in _read(data_dir / file):
        slug, code = row["product_id"], row["designation"].lower()
        if slug not in approvals:
            raise ReferenceDataError(file, line, f"unknown product {slug!r}")
        if code not in DESIGNATIONS:
            raise ReferenceDataError(file, line, f"unknown designation {row['designation']!r}")
        if code not in approvals[slug]["designations"]:
            raise ReferenceDataError(
                file,
                line,
                f"{slug} has no {code} designation in the product data (add it there, or "
                "correct the reference row in field_corrections.csv)",
            )
        if not row["source"]:
            raise ReferenceDataError(file, line, "source is empty")
        key = f"{slug}:{code}"
        if key in found:
            raise ReferenceDataError(file, line, f"duplicate designation {key}")
        found[key] = {
            "product": slug,
            "code": code,
            "designated_on": _date(row["designated_on"], file, line, "designated_on"),
            "number": row["number"],
            "source": row["source"],
        }
    return found


def _event_corrections(data_dir: Path) -> dict[tuple[str, str, str], dict[str, Any]]:
    file = "event_corrections.csv"
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for line, row in _read(data_dir / file):
        key = (row["product_id"], row["date"], row["event"])
        if key in found:
            raise ReferenceDataError(file, line, f"a second correction of {':'.join(key)}")
        if row["new_event"] not in EventKind.values:
            raise ReferenceDataError(file, line, f"unknown event {row['new_event']!r}")
        if not row["source"] or not row["note"]:
            raise ReferenceDataError(file, line, "source and note are required")
        found[key] = {"line": line, "row": row, "used": False}
    return found


def _events(data_dir: Path, approvals: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    corrections = _event_corrections(data_dir)
    events: dict[str, dict[str, Any]] = {}
    for file in ("product_events.csv", "extra_events.csv"):
        for line, row in _read(data_dir / file):
            slug = row["product_id"]
            if slug not in approvals:
                raise ReferenceDataError(file, line, f"unknown product {slug!r}")
            on = _date(row["date"], file, line, "date")
            if on is None:
                raise ReferenceDataError(file, line, "date is empty")
            # The loader finds an event again by what the file first called it, so that a
            # correction changes the loaded row (audited) instead of replacing it.
            key = f"{slug}:{on.isoformat()}:{row['event']}"
            kind, detail, source = row["event"], row["detail"], row["source"]
            correction = (
                corrections.get((slug, row["date"], row["event"]))
                if file == "product_events.csv"
                else None
            )
            if correction is not None:
                fix = correction["row"]
                if fix["detail"] != row["detail"]:
                    raise ReferenceDataError(
                        "event_corrections.csv",
                        correction["line"],
                        f"product_events.csv line {line} ({key}) now has the detail "
                        f"{row['detail']!r}, not {fix['detail']!r} as this correction expects: "
                        "the shared file changed, so review the correction",
                    )
                kind, detail, source = fix["new_event"], fix["new_detail"], fix["source"]
                correction["used"] = True
            if kind not in EventKind.values:
                raise ReferenceDataError(file, line, f"unknown event {kind!r}")
            precision = row.get("date_precision") or DatePrecision.DAY.value
            if precision not in DatePrecision.values:
                raise ReferenceDataError(file, line, f"unknown date_precision {precision!r}")
            if not precision_matches(on, precision):
                raise ReferenceDataError(
                    file,
                    line,
                    f"a date known to the {precision} is stored as its first day, not {on}",
                )
            years = _int(row.get("years", ""), file, line, "years")
            approval = approvals[slug]
            if kind == EventKind.APPROVED and on != approval["approved_on"]:
                raise ReferenceDataError(
                    file,
                    line,
                    f"approved on {on} but the product row says {approval['approved_on']}",
                )
            if (
                kind == EventKind.COUNCIL_ENDORSED
                and on <= approval["approved_on"]
                and on != approval["council_endorsed_on"]
            ):
                raise ReferenceDataError(
                    file,
                    line,
                    f"council endorsement on {on} but the product row says "
                    f"{approval['council_endorsed_on'] or 'none'}",
                )
            if kind == EventKind.TIME_LIMIT_EXTENDED and years is None:
                raise ReferenceDataError(
                    file, line, "a time-limit extension needs its years (extra_events.csv)"
                )
            if kind != EventKind.TIME_LIMIT_EXTENDED and years is not None:
                raise ReferenceDataError(file, line, "only a time-limit extension has years")
            if not source:
                raise ReferenceDataError(file, line, "source is empty")
            if key in events:
                raise ReferenceDataError(file, line, f"duplicate event {key}")
            events[key] = {
                "product": slug,
                "kind": kind,
                "occurred_on": on,
                "date_precision": precision,
                "years": years,
                "detail": detail,
                "source": source,
                "file": file,
                "line": line,
            }
    for (slug, on_text, kind), correction in corrections.items():
        if not correction["used"]:
            raise ReferenceDataError(
                "event_corrections.csv",
                correction["line"],
                f"no row {slug},{on_text},{kind} in product_events.csv to correct: the shared "
                "file changed, so review the correction",
            )

    # Every approval gets its approval (and council endorsement) as events, derived from its
    # row where the events file has none, so that each timeline is complete.
    for slug, approval in approvals.items():
        for kind, column in (
            (EventKind.APPROVED, "approved_on"),
            (EventKind.COUNCIL_ENDORSED, "council_endorsed_on"),
        ):
            on = approval[column]
            if on is None:
                continue
            key = f"{slug}:{on.isoformat()}:{kind}"
            events.setdefault(
                key,
                {
                    "product": slug,
                    "kind": str(kind),
                    "occurred_on": on,
                    "date_precision": DatePrecision.DAY.value,
                    "years": None,
                    "detail": "",
                    "source": approval["sources"],
                    "file": "approved_products.csv",
                    "line": 0,
                },
            )
    return events


def _gaps(data_dir: Path, approvals: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    gaps: dict[str, dict[str, Any]] = {}
    file = "status_gaps.csv"
    for line, row in _read(data_dir / file):
        slug = row["product_id"]
        if slug not in approvals:
            raise ReferenceDataError(file, line, f"unknown product {slug!r}")
        starts = _date(row["starts_on"], file, line, "starts_on")
        ends = _date(row["ends_on"], file, line, "ends_on")
        if starts is None or (ends is not None and starts > ends):
            raise ReferenceDataError(
                file, line, "starts_on must be a date on or before ends_on (empty: no known end)"
            )
        known = row["known_status"]
        if known and known not in ApprovalStatusCode._value2member_map_:
            raise ReferenceDataError(file, line, f"unknown known_status {known!r}")
        if not row["note"] or not row["note_ja"] or not row["source"]:
            raise ReferenceDataError(file, line, "note, note_ja and source are required")
        for other in gaps.values():
            if other["product"] == slug and overlap(other, starts, ends):
                raise ReferenceDataError(file, line, f"overlaps the gap from {other['starts_on']}")
        gaps[f"{slug}:{starts.isoformat()}"] = {
            "product": slug,
            "starts_on": starts,
            "ends_on": ends,
            "known_status": known,
            "note": row["note"],
            "note_ja": row["note_ja"],
            "source": row["source"],
            "line": line,
        }
    return gaps


def overlap(gap: dict[str, Any], starts: date, ends: date | None) -> bool:
    return (gap["ends_on"] is None or starts <= gap["ends_on"]) and (
        ends is None or gap["starts_on"] <= ends
    )
