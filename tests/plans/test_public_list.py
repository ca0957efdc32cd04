"""MHLW's public list of filed plans imported (saisei.plans.services.public_list): the real sample
as it is, institutions matched across spellings and rows, all or nothing, idempotent, and the
history a newer list leaves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError, ErrorCode
from saisei.plans.models import (
    ListedPlan,
    ListedPlanChange,
    Plan,
    PublicList,
    RiskClass,
    Therapy,
)
from saisei.plans.reference import SAMPLE
from saisei.plans.services.public_list import COLUMNS, public_plans_import, therapy_of
from saisei.registry.models import Institution
from tests.support import unavailable

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
HEADER = "\t".join(COLUMNS)
SEPTEMBER = date(2026, 9, 1)


def _lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").splitlines()


def _file(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _import(data: bytes, listed_on: date = SEPTEMBER, **kwargs):  # type: ignore[no-untyped-def]
    return public_plans_import(
        data=data, file_name="list.tsv", listed_on=listed_on, actor=None, system="test", **kwargs
    )


def _refusal(data: bytes) -> DomainError:
    with pytest.raises(DomainError) as caught:
        _import(data)
    assert caught.value.code == ErrorCode.CSV_INVALID
    return caught.value


def test_the_shipped_sample_is_a_copy_of_the_shared_reference() -> None:
    if not SHARED.is_dir():
        unavailable(f"the shared reference directory {SHARED} is not on this machine")
    name = "mhlw_published_plans_sample.tsv"
    assert SAMPLE.read_bytes() == (SHARED / name).read_bytes()


def test_the_real_sample_is_imported_with_one_institution_per_clinic() -> None:
    summary = _import(SAMPLE.read_bytes(), listed_precision="month")
    assert (summary.rows, summary.listed, summary.changed, summary.delisted) == (30, 30, 0, 0)
    assert ListedPlan.objects.count() == 30
    # 30 rows name 24 clinics: one written three ways, one twice with three plans, ...
    assert summary.institutions_new == Institution.objects.count() == 24
    kushiro = Institution.objects.get(name_key="釧路孝仁会記念病院")
    assert sorted(kushiro.listed_names) == sorted(
        [
            "社会医療法人孝仁会 釧路孝仁会記念病院",
            "社会医療法人孝仁会　釧路孝仁会記念病院",
            "社会医療法人　孝仁会　釧路孝仁会記念病院",
        ]
    )
    assert sorted(kushiro.listed_plans.values_list("plan_number", flat=True)) == [
        "03A2505004",
        "03A2505008",
        "03A2505012",
    ]
    assert kushiro.prefecture == "01" and kushiro.kind == "" and kushiro.manager_name == ""
    repair = Institution.objects.get(name_key="りぺあせるくりにっく札幌院")
    assert repair.listed_plans.count() == 3 and len(repair.listed_names) == 2
    # Each plan keeps the name as its row wrote it, on one line.
    row = ListedPlan.objects.get(plan_number="02A2605012")
    assert row.institution == repair
    assert row.institution_name == "医療法人美喜有会 リペアセルクリニック 札幌院"
    assert row.risk_class == RiskClass.III and row.prefecture == "01"
    assert row.documents == ["https://saiseiiryo.mhlw.go.jp/published_plan/download/02A2605012/5/0"]
    listed = PublicList.objects.get()
    assert (listed.listed_on, listed.listed_precision, listed.rows) == (SEPTEMBER, "month", 30)
    assert listed.summary["listed"] == 30
    assert set(ListedPlanChange.objects.values_list("kind", flat=True)) == {"listed"}
    assert AuditEvent.objects.filter(action="plans.public_list.imported.plans").count() == 1
    assert AuditEvent.objects.filter(action="registry.institution.listed").count() == 24


def test_the_same_file_again_changes_nothing() -> None:
    _import(SAMPLE.read_bytes())
    audited = AuditEvent.objects.count()
    again = _import(SAMPLE.read_bytes(), listed_on=date(2026, 10, 1))
    assert again.already_imported and again.listed_on == SEPTEMBER
    assert PublicList.objects.count() == 1 and ListedPlan.objects.count() == 30
    assert Institution.objects.count() == 24 and AuditEvent.objects.count() == audited


def test_a_newer_list_records_what_appeared_changed_and_left() -> None:
    lines = _lines()
    _import(_file(lines))
    header, first, second, *rest = lines
    renamed = second.split("\t")
    renamed[4] = "自家多血小板血漿を用いた慢性関節炎の治療"
    added = "01B2612001\t3\t岩手県\tTOKUTOMI DENTAL CLINIC\t自家多血小板フィブリンを利用した治療\t"
    october = _file([header, "\t".join(renamed), *rest, added])
    summary = _import(october, listed_on=date(2026, 10, 1))
    assert (summary.listed, summary.changed, summary.delisted) == (1, 1, 1)
    assert summary.unchanged == 28 and summary.institutions_new == 0
    gone = ListedPlan.objects.get(plan_number=first.split("\t")[0])
    assert gone.delisted_by is not None and gone.delisted_by.listed_on == date(2026, 10, 1)
    change = ListedPlanChange.objects.get(kind="changed")
    assert change.listed_plan.plan_number == renamed[0]
    assert change.fields["title"][1] == "自家多血小板血漿を用いた慢性関節炎の治療"
    # The new plan's institution is the one its name already matched.
    assert ListedPlan.objects.get(plan_number="01B2612001").institution.name_key == (
        "tokutomidentalclinic"
    )
    # Back in November: relisted, its history kept in order.
    # (The September rows again, in a file of its own: a blank line more.)
    summary = _import(_file(lines) + b"\n", listed_on=date(2026, 11, 1))
    assert summary.relisted == 1 and summary.delisted == 1  # the October plan left again
    gone.refresh_from_db()
    assert gone.delisted_by is None
    assert list(gone.changes.values_list("kind", flat=True)) == ["listed", "delisted", "relisted"]


def test_a_list_older_than_the_last_one_is_refused() -> None:
    _import(SAMPLE.read_bytes(), listed_on=date(2026, 10, 1))
    with pytest.raises(DomainError) as caught:
        _import(_file(_lines()[:5]), listed_on=SEPTEMBER)
    assert caught.value.errors[0]["field"] == "listed_on"


def test_a_file_with_any_bad_row_is_refused_whole_each_error_with_its_line() -> None:
    lines = _lines()
    bad = [
        lines[0],
        lines[1],
        "1A2507002\t2\t北海道\tクリニック\t治療\t",  # the number's format
        "01A2507099\t4\t北海道\tクリニック\t治療\t",  # no Class 4
        "01A2507098\t2\tホッカイドウ\tクリニック\t治療\t",  # not a prefecture
        "01A2507097\t2\t北海道\tクリニック\t治療\tjavascript:alert(1)",  # not a web address
        "01A2507096\t2\t北海道\t\t治療\t",  # no institution
        lines[1],  # listed twice
        "01A2507095\t2\t北海道",  # too few columns
    ]
    with translation.override("en"):
        error = _refusal(_file(bad))
    found = {(e.get("line"), e["field"]) for e in error.errors}
    assert found == {
        (3, "plan_no"),
        (4, "class"),
        (5, "prefecture"),
        (6, "documents"),
        (7, "institution"),
        (8, "plan_no"),
        (9, ""),
    }
    assert str(error.message) == "The list was not imported: 7 error(s). Nothing was saved."
    with translation.override("ja"):
        assert "何も保存されていません" in str(_refusal(_file(bad)).message)
    assert not ListedPlan.objects.exists() and not Institution.objects.exists()
    assert not PublicList.objects.exists()


def test_a_file_not_in_the_lists_shape_is_refused() -> None:
    assert _refusal(b"plan_no,class\n01A2507002,2\n").errors[0]["line"] == 1
    assert _refusal("\t".join(COLUMNS).encode() + b"\n").message
    assert _refusal(b"\xff\xfe" + HEADER.encode("utf-16-le")).errors[0]["field"] == "file"


def test_a_bureau_letter_that_is_not_the_prefectures_is_reported_not_corrected() -> None:
    row = "02A2605099\t2\t青森県\t八戸平和病院\t自家多血小板血漿を用いた治療\t"
    summary = _import(_file([HEADER, row]))
    [note] = summary.notes
    assert note["kind"] == "bureau_letter" and note["line"] == 2
    assert "Hokkaido" in note["detail"] and "Tohoku" in note["detail"]
    assert "uncertain" in note["detail"]
    listed = ListedPlan.objects.get()
    assert listed.prefecture == "02" and listed.notes == [note]


def test_a_plan_filed_through_saisei_under_the_listed_number_is_linked(personas) -> None:
    from tests.support.world import build_world

    world = build_world(personas)
    plan = world.plan_in("active", risk_class="III")
    Plan.objects.filter(pk=plan.pk).update(plan_number="02B2511001")
    summary = _import(SAMPLE.read_bytes())
    listed = ListedPlan.objects.get(plan_number="02B2511001")
    assert listed.plan_id == plan.pk and summary.linked == 1
    # The list says Class II: reported against the filing, which keeps its class.
    [note] = [n for n in summary.notes if n["kind"] == "class"]
    assert note["plan_number"] == "02B2511001"
    assert Plan.objects.get(pk=plan.pk).risk_class == RiskClass.III


def test_a_registered_institution_is_matched_by_its_name_without_the_corporation(
    personas,
) -> None:
    from tests.support.world import build_world

    world = build_world(personas)
    Institution.objects.filter(pk=world.institution.pk).update(prefecture="01")
    institution = Institution.objects.get(pk=world.institution.pk)
    institution.name = "リペアセルクリニック札幌院"
    institution.save()
    before = Institution.objects.count()
    summary = _import(SAMPLE.read_bytes())
    assert summary.institutions_matched == 1
    assert Institution.objects.count() == before + 23
    assert institution.listed_plans.count() == 3


@pytest.mark.parametrize(
    ("title", "therapy"),
    [
        ("自家多血小板血漿（Platelet-rich plasma：PRP）を用いた慢性関節炎の治療", Therapy.PRP),  # noqa: RUF001
        ("自己脂肪由来幹細胞を用いた脊髄損傷の治療", Therapy.ADIPOSE_MSC),
        ("自家培養真皮線維芽細胞を用いた皮膚再生治療", Therapy.FIBROBLASTS),
        ("悪性腫瘍の予防に対する自己活性NK細胞を用いた細胞治療", Therapy.LYMPHOCYTES),
        ("神経変性疾患に対する骨髄由来間葉系幹細胞を用いた治療", Therapy.BONE_MARROW),
        ("自家血小板含有フィブリンゲル（CGF：concentrated growth factors）", Therapy.PRP),  # noqa: RUF001
        ("自家滑膜間葉系幹細胞由来三次元人工組織移植", Therapy.OTHER),
    ],
)
def test_the_therapy_kind_is_read_from_the_treatments_name(title: str, therapy: str) -> None:
    assert therapy_of(title) == therapy


def test_the_command_prints_what_changed_and_refuses_a_bad_date(tmp_path, capsys) -> None:
    path = tmp_path / "list.tsv"
    path.write_bytes(SAMPLE.read_bytes())
    call_command("import-public-plans", str(path), "--listed-on", "2026-09")
    out = capsys.readouterr().out
    assert "30 plans; 30 new" in out and "24 registered from the list" in out
    call_command("import-public-plans", str(path), "--listed-on", "2026-09-30")
    assert "already imported" in capsys.readouterr().out
    with pytest.raises(CommandError, match="not a date"):
        call_command("import-public-plans", str(path), "--listed-on", "September")
    path.write_bytes(_file([HEADER, "bad\t2\t北海道\tX\tY\t"]))
    with pytest.raises(CommandError, match="line 2, plan_no"):
        call_command("import-public-plans", str(path), "--listed-on", "2026-12-01")


def _row(number: str, institution: str, prefecture: str = "北海道") -> str:
    return f"{number}\t2\t{prefecture}\t{institution}\t自家多血小板血漿を用いた治療\t"


def test_a_name_that_fits_two_corporations_is_registered_apart_and_found_again() -> None:
    rows = [
        _row("01A2600001", "医療法人社団A会 中央クリニック"),
        _row("01A2600002", "医療法人社団B会 中央クリニック"),
        _row("01A2600003", "中央クリニック"),
        _row("01A2600004", "中央クリニック"),
    ]
    summary = _import(_file([HEADER, *rows]))
    assert [n["kind"] for n in summary.notes] == ["institution_ambiguous"]
    bare = ListedPlan.objects.get(plan_number="01A2600003").institution
    # The second row of the same spelling is the one registered apart, not a new question.
    assert ListedPlan.objects.get(plan_number="01A2600004").institution == bare
    assert Institution.objects.count() == 3
    assert ListedPlan.objects.get(plan_number="01A2600003").notes[0]["kind"] == (
        "institution_ambiguous"
    )
    # Next month the same rows import again, into the same three institutions.
    again = _import(_file([HEADER, *rows]) + b"\n", listed_on=date(2026, 10, 1))
    assert again.unchanged == 4 and again.institutions_new == 0
    assert Institution.objects.count() == 3


def test_a_clinic_registered_in_saisei_after_an_import_does_not_block_the_next(personas) -> None:
    from saisei.registry.services import institution_create

    _import(SAMPLE.read_bytes())
    institution_create(
        slug="eimy",
        name="EIMY CLINIC",
        kind="clinic",
        prefecture="01",
        manager_name="試験 太郎",
        actor=None,
        system="test",
    )
    summary = _import(SAMPLE.read_bytes() + b"\n", listed_on=date(2026, 10, 1))
    assert summary.unchanged == 30 and summary.institutions_new == 0


def test_a_corporation_once_known_keeps_another_corporations_clinic_apart() -> None:
    rows = [
        _row("01A2600001", "中央クリニック"),
        _row("01A2600002", "医療法人社団A会 中央クリニック"),
        _row("01A2600003", "医療法人社団B会 中央クリニック"),
    ]
    _import(_file([HEADER, *rows]))
    first, second, third = (
        ListedPlan.objects.get(plan_number=f"01A260000{n}").institution for n in (1, 2, 3)
    )
    assert first == second != third


def test_a_quotation_mark_is_part_of_its_field_and_swallows_no_row() -> None:
    rows = [_row("01A2600001", '"クリニック'), _row("01A2600002", 'クリニック"')]
    _import(_file([HEADER, *rows]))
    assert ListedPlan.objects.count() == 2
    assert ListedPlan.objects.get(plan_number="01A2600001").institution_name == '"クリニック'


@pytest.mark.parametrize("hidden", ["\x00", "\x1b[31m", "\u202e", "\u200b"])
def test_a_control_or_invisible_character_is_refused(hidden: str) -> None:
    error = _refusal(_file([HEADER, _row("01A2600001", f"クリ{hidden}ニック")]))
    assert [(e["line"], e["field"]) for e in error.errors] == [(2, "institution")]


def test_a_name_that_normalises_beyond_its_column_is_refused() -> None:
    error = _refusal(_file([HEADER, _row("01A2600001", "ﷺ" * 150)]))
    assert [(e["line"], e["field"]) for e in error.errors] == [(2, "institution")]


def test_a_list_dated_after_today_is_refused() -> None:
    from saisei.core.time import legal_today

    with pytest.raises(DomainError) as caught:
        _import(SAMPLE.read_bytes(), listed_on=legal_today().replace(year=2099))
    assert caught.value.errors[0]["field"] == "listed_on"


def test_the_samples_are_not_loaded_over_a_real_list() -> None:
    from saisei.plans.reference import load

    lines = _lines()
    _import(_file([*lines, _row("01A2600009", "小樽市立病院")]))
    assert "not loaded" in load()
    assert ListedPlan.objects.filter(delisted_by__isnull=False).count() == 0


def test_a_linked_plan_of_another_institution_is_reported(personas) -> None:
    from tests.support.world import build_world

    world = build_world(personas)
    plan = world.plan_in("active")
    Plan.objects.filter(pk=plan.pk).update(plan_number="02B2511001")
    summary = _import(SAMPLE.read_bytes())
    assert "institution" in [n["kind"] for n in summary.notes]
