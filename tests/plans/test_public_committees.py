"""MHLW's public list of certified committees imported (saisei.plans.services.public_list): the
real sample as it is, kinds read from the scope, founders, links to committees registered in
Saisei, the history of a newer list, and the page of each, with the institutions its founder
also runs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from saisei.core.errors import DomainError, ErrorCode
from saisei.plans.models import ListedCommittee, ListedCommitteeChange, PublicList
from saisei.plans.reference import COMMITTEES_SAMPLE
from saisei.plans.services.public_list import (
    COMMITTEE_COLUMNS,
    committee_kind_of,
    founder_type_of,
    public_committees_import,
)
from saisei.registry.models import Committee, CommitteeKind, FounderType, Institution
from tests.support import unavailable

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
HEADER = "\t".join(COMMITTEE_COLUMNS)
SEPTEMBER = date(2026, 9, 1)


def _import(data: bytes, listed_on: date = SEPTEMBER):  # type: ignore[no-untyped-def]
    return public_committees_import(
        data=data, file_name="committees.tsv", listed_on=listed_on, actor=None, system="test"
    )


def _file(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_the_shipped_sample_is_a_copy_of_the_shared_reference() -> None:
    if not SHARED.is_dir():
        unavailable(f"the shared reference directory {SHARED} is not on this machine")
    name = "mhlw_committees_sample.tsv"
    assert COMMITTEES_SAMPLE.read_bytes() == (SHARED / name).read_bytes()


def test_the_real_sample_is_imported_with_kinds_and_founders() -> None:
    summary = _import(COMMITTEES_SAMPLE.read_bytes())
    assert (summary.rows, summary.listed, summary.delisted) == (11, 11, 0)
    a3pa = ListedCommittee.objects.get(number="05C2411001")
    assert a3pa.kind == CommitteeKind.SPECIALLY_CERTIFIED
    assert a3pa.founder == "一般社団法人 アジア・オセアニア抗衰老促進協会"
    assert a3pa.founder_representative == "代表理事 日比野佐和子"
    assert a3pa.founder_type == FounderType.ASSOCIATION
    assert a3pa.founder_address == "東京都港区南麻布5-15-2"
    kasshu = ListedCommittee.objects.get(number="07C2403002")
    assert kasshu.founder_type == FounderType.MEDICAL_INSTITUTION
    assert kasshu.founder_key == "医療法人社団活寿会"
    assert ListedCommittee.objects.get(number="12C2301002").kind == CommitteeKind.CERTIFIED
    assert ListedCommittee.objects.get(number="08B2108001").founder_type == FounderType.NPO
    tokyo = ListedCommittee.objects.get(number="NA8150016")
    assert tokyo.founder_type == FounderType.UNIVERSITY and tokyo.founder_address == ""
    # A founder written without a representative keeps its name whole.
    assert ListedCommittee.objects.get(number="NA8190011").founder == "一般社団法人"
    assert PublicList.objects.get().kind == "committees"


def test_the_same_file_again_changes_nothing_and_a_newer_list_is_history() -> None:
    lines = COMMITTEES_SAMPLE.read_text(encoding="utf-8").splitlines()
    _import(_file(lines))
    assert _import(_file(lines), listed_on=date(2026, 10, 1)).already_imported
    header, first, second, *rest = lines
    moved = second.split("\t")
    moved[4] = "東京都千代田区1-1"
    summary = _import(_file([header, "\t".join(moved), *rest]), listed_on=date(2026, 10, 1))
    assert (summary.changed, summary.delisted, summary.unchanged) == (1, 1, 9)
    change = ListedCommitteeChange.objects.get(kind="changed")
    assert change.fields == {"founder_address": ["東京都港区東新橋1-5-2", "東京都千代田区1-1"]}
    assert ListedCommittee.objects.get(number=first.split("\t")[0]).delisted_by is not None
    with pytest.raises(DomainError) as caught:
        _import(_file(lines[:5]), listed_on=SEPTEMBER)
    assert caught.value.errors[0]["field"] == "listed_on"


def test_a_committee_registered_in_saisei_is_linked(personas) -> None:
    from tests.support.world import build_world

    world = build_world(personas)
    committee = world.committee
    row = "\t".join(
        [
            committee.certification_number,
            committee.name,
            "第三種のみ",
            "一般社団法人 テスト協会 (代表理事 試験 太郎)",
            "",
            "https://saiseiiryo.mhlw.go.jp/disclosed_committee/preview/x",
        ]
    )
    summary = _import(_file([HEADER, row]))
    listed = ListedCommittee.objects.get()
    assert listed.committee == committee and summary.linked == 1
    # The personas' committee is Specially Certified (NA…): the scope 第三種のみ is reported
    # against its number and against its registration, and neither is changed.
    assert committee.kind == CommitteeKind.SPECIALLY_CERTIFIED
    assert committee.certification_number.startswith("NA")
    assert [n["kind"] for n in summary.notes] == ["committee_kind", "registered_kind"]
    assert Committee.objects.get(pk=committee.pk).name == committee.name  # never changed


def test_a_file_with_any_bad_row_is_refused_whole() -> None:
    rows = [
        HEADER,
        "X1\t名前\t特定\t一般社団法人 A\t\thttps://example.org/",
        "NA8150016\t\t特定\t一般社団法人 A\t\thttps://example.org/",
        "NA8150017\t名前\t特定\t一般社団法人 A\t\tjavascript:alert(1)",
        "NA8150018\t名前\t特定\t\t\thttps://example.org/",
    ]
    with translation.override("en"), pytest.raises(DomainError) as caught:
        _import(_file(rows))
    assert caught.value.code == ErrorCode.CSV_INVALID
    assert {(e.get("line"), e["field"]) for e in caught.value.errors} == {
        (2, "committee_no"),
        (3, "committee_name"),
        (4, "source_url"),
        (5, "founder"),
    }
    assert not ListedCommittee.objects.exists() and not PublicList.objects.exists()


@pytest.mark.parametrize(
    ("scope", "kind"),
    [
        ("特定(第一/二/三種)", CommitteeKind.SPECIALLY_CERTIFIED),
        ("特定", CommitteeKind.SPECIALLY_CERTIFIED),
        ("第三種のみ", CommitteeKind.CERTIFIED),
        ("", ""),
    ],
)
def test_the_kind_is_read_from_the_scope(scope: str, kind: str) -> None:
    assert committee_kind_of(scope) == kind


def test_the_founders_type_is_read_from_its_legal_form() -> None:
    assert founder_type_of("医療法人財団康生会") == FounderType.MEDICAL_INSTITUTION
    assert founder_type_of("大阪大学") == FounderType.UNIVERSITY
    assert founder_type_of("日本再生医療学会") == FounderType.ACADEMIC_SOCIETY
    assert founder_type_of("株式会社テスト") == FounderType.OTHER


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_committees_page_names_the_institutions_its_founder_also_runs(
    client, language: str
) -> None:
    from saisei.plans.services.public_list import public_plans_import

    _import(COMMITTEES_SAMPLE.read_bytes())
    plans = "\t".join(
        ["05C2501001", "2", "東京都", "医療法人社団　活寿会　テストクリニック", "PRP療法", ""]
    )
    public_plans_import(
        data=_file(["plan_no\tclass\tprefecture\tinstitution\ttreatment\tdocuments", plans]),
        file_name="plans.tsv",
        listed_on=SEPTEMBER,
        actor=None,
        system="test",
    )
    clinic = Institution.objects.get(corporation_key="医療法人社団活寿会")
    client.cookies["saisei_language"] = language
    html = client.get("/plans/listed-committees/07C2403002/").content.decode()
    assert f'href="/registry/institutions/{clinic.pk}/"' in html
    assert ("Its founder also runs" if language == "en" else "設置者") in html
    # A committee whose founder runs none says nothing of it.
    other = client.get("/plans/listed-committees/05C2411001/").content.decode()
    assert "/registry/institutions/" not in other
    assert client.get("/plans/listed-committees/00X0000000/").status_code == 404
    assert client.get("/plans/listed-committees/nope/").status_code == 404


def test_the_command_imports_the_committees(tmp_path, capsys) -> None:
    path = tmp_path / "committees.tsv"
    path.write_bytes(COMMITTEES_SAMPLE.read_bytes())
    call_command("import-public-committees", str(path), "--listed-on", "2026-09")
    assert "11 committees; 11 new" in capsys.readouterr().out
    path.write_bytes(_file([HEADER, "bad\tX\t\tY\t\thttps://example.org/"]))
    with pytest.raises(CommandError, match="line 2, committee_no"):
        call_command("import-public-committees", str(path), "--listed-on", "2026-10")


def test_a_founder_named_by_its_legal_form_alone_runs_no_institution(client) -> None:
    from saisei.plans.services.public_list import public_plans_import

    _import(COMMITTEES_SAMPLE.read_bytes())
    assert ListedCommittee.objects.get(number="NA8190011").founder_key == ""
    row = "05C2501001\t2\t東京都\t一般社団法人ABCクリニック\tPRP療法\t"
    public_plans_import(
        data=_file(["plan_no\tclass\tprefecture\tinstitution\ttreatment\tdocuments", row]),
        file_name="plans.tsv",
        listed_on=SEPTEMBER,
        actor=None,
        system="test",
    )
    html = client.get("/plans/listed-committees/NA8190011/").content.decode()
    assert "/registry/institutions/" not in html


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_registered_committee_shows_the_institutions_its_founder_runs_whose_plans_it_reviewed(
    client, personas, language: str
) -> None:
    from tests.support.world import build_world

    world = build_world(personas)
    plan = world.plan_in("active")
    assert plan.committee_id == world.committee.pk
    committee = Committee.objects.get(pk=world.committee.pk)
    client.cookies["saisei_language"] = language
    page = f"/registry/committees/{committee.pk}/"
    institution_link = f'href="/registry/institutions/{plan.institution_id}/"'
    assert institution_link not in client.get(page).content.decode()
    # Its founder is the corporation that runs the institution whose plan it reviewed.
    Committee.objects.filter(pk=committee.pk).update(founder_name="医療法人社団 試験会")
    institution = Institution.objects.get(pk=plan.institution_id)
    institution.name = "医療法人社団試験会　テストクリニック"
    institution.save()
    html = client.get(page).content.decode()
    assert institution_link in html
    assert ("Its founder also runs" if language == "en" else "設置者") in html
