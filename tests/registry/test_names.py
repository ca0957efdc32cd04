"""The keys institutions are matched by across the spellings of MHLW's lists
(saisei.registry.names)."""

from __future__ import annotations

import pytest

from saisei.registry.names import NameKey, legal_form_only, name_key


@pytest.mark.parametrize(
    "spelling",
    [
        "社会医療法人孝仁会 釧路孝仁会記念病院",
        "社会医療法人孝仁会　釧路孝仁会記念病院",
        "社会医療法人　孝仁会　釧路孝仁会記念病院",
        "社会医療法人孝仁会\n釧路孝仁会記念病院",
        "社会医療法人孝仁会釧路孝仁会記念病院",
    ],
)
def test_one_clinic_written_several_ways_has_one_key(spelling: str) -> None:
    assert name_key(spelling) == NameKey("社会医療法人孝仁会", "釧路孝仁会記念病院")


def test_the_facility_key_ignores_width_case_and_spaces() -> None:
    assert name_key("医療法人美喜有会 リペアセルクリニック 札幌院") == name_key(
        "医療法人美喜有会　リペアセルクリニック札幌院"
    )
    assert name_key("ＧＤＨインプラントオフィス札幌").facility == "gdhいんぷらんとおふぃす札幌"
    assert name_key("TOKUTOMI DENTAL CLINIC") == NameKey("", "tokutomidentalclinic")


def test_the_longest_legal_form_is_the_corporations() -> None:
    # 医療法人社団, not 医療法人 followed by a corporation named 社団悠仁会.
    assert name_key("医療法人社団悠仁会羊ヶ丘病院").corporation == "医療法人社団悠仁会"
    # A legal form with no name of its own before the facility: no corporation is known.
    assert name_key("医療法人社団音更歯科医院") == NameKey("", "音更歯科医院")
    # A corporation's name that does not end in 会, set apart by a space.
    assert name_key("社会医療法人北斗　北斗病院") == NameKey("社会医療法人北斗", "北斗病院")


def test_a_legal_form_alone_names_no_corporation() -> None:
    assert legal_form_only("医療法人社団") and legal_form_only("一般社団法人")
    assert not legal_form_only("医療法人社団悠仁会")
    # (The key writes 澤 as its common form 沢: saisei.core.text.ITAIJI.)
    assert name_key("社会医療法人財団 慈泉会 相澤病院") == NameKey(
        "社会医療法人財団慈泉会", "相沢病院"
    )


def test_small_ke_and_punctuation_do_not_split_a_name() -> None:
    assert name_key("羊ヶ丘病院") == name_key("羊ケ丘病院")
    assert name_key("エフ. クリニック") == name_key("エフクリニック")
