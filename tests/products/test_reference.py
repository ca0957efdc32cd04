from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from saisei.audit.models import AuditEvent
from saisei.audit.services import audit_verify
from saisei.core.errors import ErrorCode
from saisei.products.models import (
    Approval,
    ApprovalDesignation,
    ApprovalEvent,
    Holder,
    Product,
)
from saisei.products.reference import DATA_DIR, ReferenceDataError, load
from tests.support import unavailable

pytestmark = pytest.mark.django_db

# The checkout's parent directory holds shared/ (CI runs on a clean clone with ../shared beside
# it), so the shared reference is found from the repository root, wherever that is.
REPOSITORY = Path(__file__).resolve().parents[2]
SHARED = REPOSITORY.parent / "shared" / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_shipped_files_are_copies_of_the_shared_reference() -> None:
    if not SHARED.is_dir():
        unavailable(f"the shared reference directory {SHARED} is not on this machine")
    for name in ("approved_products.csv", "product_events.csv"):
        assert (DATA_DIR / name).read_bytes() == (SHARED / name).read_bytes(), name


def test_every_product_is_loaded_with_its_events_under_its_id(reference: str) -> None:
    products = _rows("approved_products.csv") + _rows("extra_products.csv")
    assert products
    assert set(Product.objects.values_list("slug", flat=True)) == {row["id"] for row in products}
    for row in products:
        product = Product.objects.get(slug=row["id"])
        assert product.brand_name == row["brand_name"]
        assert product.holder.name == row["holder"]
        assert product.holder.organisation.kind == "holder"
        approval = product.approvals.get()
        assert approval.approved_on.isoformat() == row["approved_on"]
        assert approval.approval_type == row["approval_type"]
        # Each approval has its approval event, from the events file or derived from the row.
        assert approval.events.filter(kind="approved", occurred_on=approval.approved_on).exists()
    corrected = {(r["product_id"], r["date"], r["event"]) for r in _rows("event_corrections.csv")}
    events = [
        row
        for row in _rows("product_events.csv")
        if (row["product_id"], row["date"], row["event"]) not in corrected
    ]
    assert events
    for row in events:
        assert ApprovalEvent.objects.filter(
            approval__product__slug=row["product_id"],
            kind=row["event"],
            occurred_on=row["date"],
            detail=row["detail"],
            source=row["source"],
        ).exists()


def test_amchepry_carries_both_dates_and_the_evidence_from_its_notes(reference: str) -> None:
    approval = Approval.objects.get(product__slug="amchepry")
    assert approval.council_endorsed_on.isoformat() == "2026-02-19"
    assert approval.approved_on.isoformat() == "2026-03-06"
    assert approval.time_limit_years == 7
    assert approval.evidence_trial_phase == "phase I/II"
    assert approval.evidence_patients == 7
    assert approval.evidence_follow_up_months == 24
    assert approval.evidence_serious_adverse_events == 0
    assert approval.target_patients == 35
    assert approval.designations == ["sakigake"]
    assert approval.evidence_source


def test_a_second_load_changes_nothing_and_audits_nothing(reference: str) -> None:
    counts = (
        Product.objects.count(),
        Approval.objects.count(),
        ApprovalEvent.objects.count(),
        Holder.objects.count(),
        AuditEvent.objects.count(),
    )
    summary = load()
    assert "created nothing; updated nothing; removed nothing" in summary
    assert counts == (
        Product.objects.count(),
        Approval.objects.count(),
        ApprovalEvent.objects.count(),
        Holder.objects.count(),
        AuditEvent.objects.count(),
    )
    assert audit_verify().ok


def test_the_first_load_is_audited_as_the_reference_system(reference: str) -> None:
    events = AuditEvent.objects.filter(action__startswith="products.")
    assert events.exists()
    assert set(events.values_list("actor_label", flat=True)) == {"system:reference"}


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_changed_file_updates_its_rows_audited(reference: str, tmp_path: Path) -> None:
    data = _copy(tmp_path)
    _rewrite(
        data / "approved_products.csv",
        "severe heart failure from ischaemic cardiomyopathy",
        "severe heart failure from ischaemic cardiomyopathy (corrected)",
    )
    _rewrite(data / "product_events.csv", "application for full approval,", "re-application,")
    before = ApprovalEvent.objects.count()
    summary = load(data)
    assert "updated 1 approvals, 1 events" in summary
    assert ApprovalEvent.objects.count() == before
    approval = Approval.objects.get(product__slug="reheart")
    assert approval.indication.endswith("(corrected)")
    update = AuditEvent.objects.filter(action="products.approval.updated").get()
    assert update.actor_label == "system:reference"
    assert update.data["changes"]["indication"][1].endswith("(corrected)")
    assert AuditEvent.objects.filter(action="products.event.corrected").count() == 1
    assert "created nothing; updated nothing" in load(data)


def test_a_removed_event_row_removes_only_the_loaded_event(
    reference: str, demo_approval: Approval, tmp_path: Path
) -> None:
    data = _copy(tmp_path)
    _rewrite(
        data / "product_events.csv",
        "elevidys,2026-02-20,launched,,https://www.chugai-pharm.co.jp/news/detail/"
        "20260220113000_1564.html?year=2026\n",
        "",
    )
    demo_events = demo_approval.events.count()
    assert "removed 1 events" in load(data)
    assert not ApprovalEvent.objects.filter(approval__product__slug="elevidys", kind="launched")
    assert demo_approval.events.count() == demo_events
    assert AuditEvent.objects.filter(action="products.event.removed").count() == 1


def test_an_approved_event_that_contradicts_the_product_row_is_refused_and_nothing_is_written(
    db: None, tmp_path: Path
) -> None:
    data = _copy(tmp_path)
    _rewrite(
        data / "product_events.csv", "stemirac,2018-12-28,approved", "stemirac,2018-12-29,approved"
    )
    with pytest.raises(ReferenceDataError) as error:
        load(data)
    assert error.value.code == ErrorCode.PRODUCT_REFERENCE_DATA_INVALID
    assert "product_events.csv" in str(error.value)
    assert not Product.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_council_date_that_contradicts_the_row_is_refused(db: None, tmp_path: Path) -> None:
    data = _copy(tmp_path)
    _rewrite(
        data / "product_events.csv",
        "amchepry,2026-02-19,council_endorsed",
        "amchepry,2026-02-18,council_endorsed",
    )
    with pytest.raises(ReferenceDataError):
        load(data)


def test_load_reference_command_runs_the_products_loader(db: None) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("load-reference", stdout=out)
    assert "products: 24 products" in out.getvalue()


# The project's corrections and additions ----------------------------------------------------


def test_the_panel_finding_on_heartsheet_is_loaded_as_a_finding_not_a_refusal(
    reference: str,
) -> None:
    approval = Approval.objects.get(product__slug="heartsheet")
    kinds = [(e.occurred_on.isoformat(), e.kind, e.date_precision) for e in approval.events.all()]
    assert kinds == [
        ("2015-09-18", "approved", "day"),
        ("2018-01-01", "time_limit_extended", "year"),
        ("2023-09-01", "reapplication_filed", "month"),
        ("2024-07-19", "panel_found_not_approvable", "day"),
        ("2024-07-20", "sales_ended", "day"),
        ("2024-07-24", "council_concluded_not_approvable", "day"),
    ]
    assert not approval.events.filter(kind="reapplication_refused").exists()
    assert "refused 2024-07-19" not in approval.product.notes
    assert "not the refusal" in approval.product.notes
    finding = approval.events.get(kind="panel_found_not_approvable")
    # Found again under the key of the shared row it corrects, with its own sources.
    assert finding.reference_key == "heartsheet:2024-07-19:reapplication_refused"
    assert "moomoo.com" in finding.source and "not the refusal" in finding.detail
    extension = approval.events.get(kind="time_limit_extended")
    assert extension.years == 3 and extension.last_possible_day.isoformat() == "2018-12-31"


def test_collategene_records_the_announcement_and_the_withdrawal(reference: str) -> None:
    events = Approval.objects.get(product__slug="collategene").events.all()
    assert [(e.occurred_on.isoformat(), e.kind) for e in events][-3:] == [
        ("2024-06-24", "withdrawal_announced"),
        ("2024-06-27", "approval_lapsed"),
        ("2024-06-27", "reapplication_withdrawn"),
    ]
    assert all(e.source for e in events)


def test_designations_and_the_approved_indication_carry_their_sources(reference: str) -> None:
    designations = {
        slug: Approval.objects.get(product__slug=slug).designations
        for slug in ("stemirac", "amchepry", "reheart", "delytact")
    }
    assert designations == {
        "stemirac": ["sakigake"],
        "amchepry": ["sakigake"],
        "reheart": ["orphan"],
        "delytact": ["sakigake", "orphan"],
    }
    stemirac = ApprovalDesignation.objects.get(approval__product__slug="stemirac")
    assert (stemirac.code, stemirac.number, stemirac.designated_on.isoformat()) == (
        "sakigake",
        "先駆審査(27再)第1号",
        "2016-02-10",
    )
    assert all(d.source for d in ApprovalDesignation.objects.all())
    amchepry = Approval.objects.get(product__slug="amchepry")
    assert amchepry.indication == (
        "improvement of motor symptoms during OFF periods in patients with advanced "
        "Parkinson's disease"
    )
    assert amchepry.indication_ja == "進行期パーキンソン病患者のオフ時の運動症状の改善"
    # The correction's sources join the approval's; the product keeps the shared row's.
    assert "https://www.mixonline.jp/tabid55.html?artid=79756" in amchepry.source_list()
    assert "artid=79756" not in amchepry.product.sources


@pytest.mark.parametrize(
    ("slug", "approved_on", "holder"),
    [
        ("ocural", "2021-06-11", "J-TEC"),
        ("abecma", "2022-01-20", "Bristol-Myers Squibb"),
        ("jacemin", "2023-03-17", "J-TEC"),
        ("luxturna", "2023-06-26", "Novartis"),
    ],
)
def test_products_missing_from_the_shared_reference_are_added_with_sources(
    reference: str, slug: str, approved_on: str, holder: str
) -> None:
    product = Product.objects.get(slug=slug)
    approval = product.approvals.get()
    assert (approval.approved_on.isoformat(), product.holder.name) == (approved_on, holder)
    assert approval.approval_type == "standard" and product.sources
    assert approval.events.get(kind="approved").source


def _edit_row(path: Path, match: dict[str, str], changes: dict[str, str]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1
    hits[0].update(changes)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _drop_row(path: Path, match: dict[str, str]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    kept = [r for r in rows if not all(r[k] == v for k, v in match.items())]
    assert len(kept) == len(rows) - 1
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)


def _refused(data: Path) -> ReferenceDataError:
    with pytest.raises(ReferenceDataError) as error:
        load(data)
    assert error.value.code == ErrorCode.PRODUCT_REFERENCE_DATA_INVALID
    assert not Product.objects.exists() and not AuditEvent.objects.exists()
    return error.value


def test_a_field_correction_whose_reference_value_changed_stops_the_load(
    db: None, tmp_path: Path
) -> None:
    data = _copy(tmp_path)
    # The shared file now says something else than the correction was written against.
    _edit_row(data / "approved_products.csv", {"id": "amchepry"}, {"indication": "Parkinson's"})
    error = _refused(data)
    assert error.details["file"] == "field_corrections.csv" and error.details["line"] == 4
    assert "approved_products.csv line" in str(error) and "review the correction" in str(error)


def test_a_field_correction_of_a_column_the_shared_file_filled_in_stops_the_load(
    db: None, tmp_path: Path
) -> None:
    data = _copy(tmp_path)
    _edit_row(data / "approved_products.csv", {"id": "stemirac"}, {"designations": "orphan"})
    assert _refused(data).details == {"file": "field_corrections.csv", "line": 2}


def test_an_event_correction_whose_reference_row_changed_stops_the_load(
    db: None, tmp_path: Path
) -> None:
    data = _copy(tmp_path)
    _edit_row(
        data / "product_events.csv",
        {"product_id": "heartsheet", "event": "reapplication_refused"},
        {"detail": "full approval refused"},
    )
    error = _refused(data)
    assert error.details == {"file": "event_corrections.csv", "line": 2}
    assert "now has the detail" in str(error)


def test_an_event_correction_whose_reference_row_is_gone_stops_the_load(
    db: None, tmp_path: Path
) -> None:
    data = _copy(tmp_path)
    # The shared file fixed the row itself: the correction must then be removed, not reapplied.
    _edit_row(
        data / "product_events.csv",
        {"product_id": "heartsheet", "event": "reapplication_refused"},
        {"event": "panel_found_not_approvable"},
    )
    error = _refused(data)
    assert error.details == {"file": "event_corrections.csv", "line": 2}
    assert "no row heartsheet,2024-07-19,reapplication_refused" in str(error)


def test_an_added_product_that_the_shared_file_now_has_stops_the_load(
    db: None, tmp_path: Path
) -> None:
    data = _copy(tmp_path)
    with (data / "approved_products.csv").open("a", encoding="utf-8") as handle:
        handle.write(
            "ocural,Ocural,オキュラル,oral mucosal epithelial cell sheet,J-TEC,autologous_cells,"
            "limbal stem-cell deficiency,standard,,2021-06-11,,,,http://example.org\n"
        )
    error = _refused(data)
    assert error.details == {"file": "extra_products.csv", "line": 2}
    assert "now in approved_products.csv" in str(error)


def test_an_unknown_day_that_changes_the_status_outside_a_gap_stops_the_load(
    db: None, tmp_path: Path
) -> None:
    data = _copy(tmp_path)
    # Without the open-ended gap, the September 2023 filing would give a definite status from
    # 2023-09-18 although it depends on whether it came by 2023-09-17.
    _drop_row(data / "status_gaps.csv", {"product_id": "heartsheet", "starts_on": "2023-09-18"})
    error = _refused(data)
    assert error.details == {"file": "extra_events.csv", "line": 4}
    assert "on 2023-09-18 the answer depends on the unknown day" in str(error)


def test_a_gap_that_ends_too_early_stops_the_load(db: None, tmp_path: Path) -> None:
    data = _copy(tmp_path)
    _edit_row(
        data / "status_gaps.csv",
        {"product_id": "heartsheet", "starts_on": "2018-01-01"},
        {"ends_on": "2018-06-30"},
    )
    error = _refused(data)
    assert error.details == {"file": "extra_events.csv", "line": 3}
    assert "on 2018-07-01" in str(error)


def test_a_known_status_that_is_not_known_throughout_its_gap_stops_the_load(
    db: None, tmp_path: Path
) -> None:
    data = _copy(tmp_path)
    _edit_row(
        data / "status_gaps.csv",
        {"product_id": "heartsheet", "starts_on": "2023-09-18"},
        {"known_status": "conditional_pending_decision"},
    )
    error = _refused(data)
    assert error.details == {"file": "status_gaps.csv", "line": 3}
    assert "conditional_pending_decision throughout" in str(error)


def test_a_month_precise_date_must_be_stored_as_the_first_of_the_month(
    db: None, tmp_path: Path
) -> None:
    data = _copy(tmp_path)
    _edit_row(
        data / "extra_events.csv",
        {"product_id": "heartsheet", "event": "reapplication_filed"},
        {"date": "2023-09-15"},
    )
    assert _refused(data).details == {"file": "extra_events.csv", "line": 4}


def test_loading_the_correction_over_the_old_data_relabels_the_event_in_place(
    db: None, tmp_path: Path
) -> None:
    # A database loaded before the correction holds the shared row as a refusal.
    old = _copy(tmp_path)
    _drop_row(old / "event_corrections.csv", {"product_id": "heartsheet"})
    load(old)
    event = ApprovalEvent.objects.get(reference_key="heartsheet:2024-07-19:reapplication_refused")
    assert event.kind == "reapplication_refused"
    summary = load()
    assert "updated 1 events" in summary
    event.refresh_from_db()
    assert event.kind == "panel_found_not_approvable"
    audit = AuditEvent.objects.get(action="products.event.corrected")
    assert audit.actor_label == "system:reference"
    assert audit.data["changes"]["kind"] == ["reapplication_refused", "panel_found_not_approvable"]
    assert "created nothing; updated nothing; removed nothing" in load()
    assert audit_verify().ok
