from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from saisei.audit.models import AuditEvent
from saisei.audit.services import audit_verify
from saisei.core.errors import ErrorCode
from saisei.products.models import Approval, ApprovalEvent, Holder, Product, StatusGap
from saisei.products.reference import DATA_DIR, ReferenceDataError, load

pytestmark = pytest.mark.django_db

SHARED = Path("/work/shared/reference")


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_shipped_files_are_copies_of_the_shared_reference() -> None:
    if not SHARED.exists():
        pytest.skip("the shared reference directory is not on this machine")
    for name in ("approved_products.csv", "product_events.csv"):
        assert (DATA_DIR / name).read_bytes() == (SHARED / name).read_bytes()


def test_every_reference_product_is_loaded_with_its_events_under_its_id(reference: str) -> None:
    products = _rows("approved_products.csv")
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
    for row in _rows("product_events.csv"):
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
    assert StatusGap.objects.filter(approval__product__slug="heartsheet").count() == 1


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
    assert "products: 20 products" in out.getvalue()
