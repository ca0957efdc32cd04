"""Variant kanji (異体字) in institutions' names: 髙 and 高 are one name to a reader, to the
import's matching and to the search."""

from __future__ import annotations

from datetime import date

import pytest

from saisei.core.text import ITAIJI, normalise
from saisei.plans import selectors
from saisei.plans.services.public_list import public_plans_import
from saisei.registry.models import Institution
from saisei.registry.names import name_key

HEADER = "plan_no\tclass\tprefecture\tinstitution\ttreatment\tdocuments\n"


def test_variant_kanji_make_the_same_keys() -> None:
    assert name_key("医療法人社団髙橋会 髙橋整形外科") == name_key(
        "医療法人社団高橋会　高橋整形外科"
    )
    assert name_key("宮﨑クリニック") == name_key("宮崎クリニック")
    assert name_key("渡邉医院") == name_key("渡辺医院")
    # Every variant is folded to a character NFKC leaves alone, and to no other variant.
    assert set(ITAIJI.values()).isdisjoint(ITAIJI)
    # Two different characters are not folded together.
    assert normalise("淵") != normalise("渕")


@pytest.mark.django_db
def test_a_clinic_listed_in_both_forms_is_one_institution_found_by_either() -> None:
    rows = [
        "01A2501001\t2\t北海道\t医療法人社団髙橋会 髙橋整形外科\t自家PRPによる膝の治療\t",
        "01A2501002\t3\t北海道\t医療法人社団高橋会 高橋整形外科\t自家PRPによる腱の治療\t",
    ]
    public_plans_import(
        data=(HEADER + "\n".join(rows) + "\n").encode(),
        file_name="list.tsv",
        listed_on=date(2026, 9, 1),
        actor=None,
        system="test",
    )
    assert Institution.objects.count() == 1
    for text in ("髙橋整形", "高橋整形"):
        found = {row["plan_number"] for row in selectors.public_plan_search(q=text)}
        assert found == {"01A2501001", "01A2501002"}, text
