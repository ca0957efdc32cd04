from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel("2026-11-25 10:00 +0900", tick=False):
        yield


def test_the_product_page_shows_both_dates_labelled_in_english(reference: str) -> None:
    response = Client().get("/products/amchepry/?as_of=2026-04-01", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>AMCHEPRY" in html
    assert "Council endorsement date" in html and "2026-02-19" in html
    assert "Approval date" in html and "2026-03-06" in html
    assert "Time limit ends" in html and "2033-03-05" in html
    assert "Conditionally approved, within its time limit" in html
    assert "https://www.nippon.com/en/news/" in html
    assert "may be out of date" in html


def test_the_product_page_in_japanese_shows_the_japanese_name(reference: str) -> None:
    html = Client().get("/products/amchepry/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "<h1>アムシェプリ" in html
    assert "審議会" in html and "承認日" in html


def test_heartsheet_in_its_unknown_window_says_so(reference: str) -> None:
    html = (
        Client()
        .get("/products/heartsheet/?as_of=2024-07-20", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert 'data-status="unknown"' in html
    assert "Cannot be computed from the recorded events" in html
    assert "From 2023-09-18, with no known end:" in html
    assert "neither is the refusal" in html
    assert "Approval lapsed" not in html
    # The undated events show what is known of their date, never the stored first day.
    assert "September 2023" in html and "2023-09-01" not in html
    assert "<td>2018 <span" in html
    assert "Council panel found approval not appropriate (not a refusal)" in html


def test_heartsheet_in_2018_shows_the_status_and_an_unknown_end(reference: str) -> None:
    html = (
        Client()
        .get("/products/heartsheet/?as_of=2018-06-01", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert 'data-status="conditional"' in html
    assert "From 2018-01-01 to 2018-12-31:" in html
    assert "the end of the time limit is not." in html
    assert 'data-testid="time-limit-ends-on">cannot be computed on this date' in html


def test_heartsheet_page_in_japanese_explains_the_gap_in_japanese(reference: str) -> None:
    html = (
        Client()
        .get("/products/heartsheet/?as_of=2024-07-20", HTTP_ACCEPT_LANGUAGE="ja")
        .content.decode()
    )
    assert "不承認の処分そのものではありません" in html
    # The timeline gives the undated events' month and year in Japanese.
    assert "<td>2023年9月 <span" in html and "<td>2018年 <span" in html
    assert "2023-09-18から(終わりは不明):" in html and "From 2023-09-18" not in html


def test_the_product_page_shows_designations_and_the_indication_in_its_language(
    reference: str,
) -> None:
    en = Client().get("/products/stemirac/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "SAKIGAKE designation (先駆審査(27再)第1号), designated 2016-02-10" in en
    amchepry_en = Client().get("/products/amchepry/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        'data-testid="indication">improvement of motor symptoms during OFF periods' in amchepry_en
    )
    amchepry_ja = Client().get("/products/amchepry/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert (
        'data-testid="indication">進行期パーキンソン病患者のオフ時の運動症状の改善' in amchepry_ja
    )
    # What it is, in each language, from the project's cited corrections.
    assert (
        '<p class="lead">ラグネプロセル(非自己iPS細胞由来ドパミン神経前駆細胞)</p>' in amchepry_ja
    )
    assert '<p class="lead">raguneprocel (allogeneic iPSC-derived' in amchepry_en


def test_a_product_without_japanese_fields_is_marked_in_english_on_a_japanese_page(
    reference: str,
) -> None:
    """Nepic's reference row has English only, and no cited Japanese has been added."""
    ja = Client().get("/products/nepic/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert (
        '<p class="lead"><span lang="en">autologous cultured corneal epithelium</span> '
        '<span class="fallback">（英語）</span></p>' in ja  # noqa: RUF001
    )
    assert 'data-testid="indication"><span lang="en">limbal stem-cell deficiency</span>' in ja
    # Every product whose Japanese is recorded shows it, with no mark.
    for slug, name in (
        ("jace", "ヒト(自己)表皮由来細胞シート"),
        ("reheart", "iPS細胞由来心筋細胞"),
    ):
        page = Client().get(f"/products/{slug}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert name in page
        assert '<p class="lead"><span lang="en">' not in page


def test_the_list_filters_by_status_on_a_day(reference: str) -> None:
    response = Client().get(
        "/products/?status=conditional_pending_decision&as_of=2026-11-25",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "/products/stemirac/" in html and "/products/amchepry/" not in html


def test_a_bad_filter_shows_the_form_error_and_no_list(reference: str) -> None:
    response = Client().get("/products/?as_of=2026-02-30", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "/products/amchepry/" not in response.content.decode()


def test_an_unknown_product_page_is_404(reference: str) -> None:
    assert Client().get("/products/nope/").status_code == 404


def test_the_nav_links_to_products(db: None) -> None:
    html = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/products/"' in html


def test_product_status_prints_exactly_the_contract(reference: str, capsys: Any) -> None:
    call_command("product-status", "stemirac", "--as-of", "2026-11-25")
    out = json.loads(capsys.readouterr().out)
    assert list(out) == [
        "product",
        "as_of",
        "status",
        "in_force",
        "time_limit_ends_on",
        "reason",
        "reason_ja",
    ]
    assert out["product"] == "stemirac"
    assert out["status"] == "conditional_pending_decision"
    assert out["in_force"] is True
    assert out["time_limit_ends_on"] == "2025-12-27"


def test_product_status_of_heartsheet_after_the_panel_says_what_is_not_known(
    reference: str, capsys: Any
) -> None:
    call_command("product-status", "heartsheet", "--as-of", "2024-07-20")
    out = json.loads(capsys.readouterr().out)
    assert (out["status"], out["in_force"], out["time_limit_ends_on"]) == (None, None, None)
    assert "cannot be computed" in out["reason"] and "lapsed on 2024-07-19" not in out["reason"]
    assert "聴聞を経て" in out["reason_ja"]


def test_product_status_defaults_to_today_in_tokyo(reference: str, capsys: Any) -> None:
    with time_machine.travel("2033-03-05 23:30 +0900", tick=False):
        call_command("product-status", "amchepry")
    out = json.loads(capsys.readouterr().out)
    assert (out["as_of"], out["status"]) == ("2033-03-05", "conditional")


def test_a_standard_approval_has_no_time_limit_end(reference: str, capsys: Any) -> None:
    call_command("product-status", "jace", "--as-of", "2026-11-25")
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "approved" and out["time_limit_ends_on"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [(["nope"], "no product"), (["amchepry", "--as-of", "2026-13-01"], "--as-of")],
)
def test_product_status_refusals_write_only_to_stderr(
    reference: str, capsys: Any, args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        call_command("product-status", *args)
    assert exit_info.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_the_saisei_command_exits_non_zero_with_empty_stdout(tmp_path: Any) -> None:
    import os

    env = {**os.environ, "SAISEI_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "saisei", "migrate", "-v0"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, "-m", "saisei", "product-status", "nope"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert "no product" in result.stderr
