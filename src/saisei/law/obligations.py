"""The obligations the RM Act creates, as data (domain.md §1.8).

Each rule says what starts its clock, how the due date follows from it and whether a due date
falling on a closed day rolls forward. Rules marked *(uncertain)* in domain.md carry
``uncertain=True`` and can be changed by configuration without a code change:
``load_rules(overrides)`` applies a mapping of ``rule id -> {field: value}`` on top of the defaults,
and the command line reads such a mapping from the JSON file named by the environment variable
``SAISEI_LAW_OVERRIDES``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from saisei.law.errors import LawConfigError, LawInputError, describe_value
from saisei.law.procedures import CLASS1_RESTRICTION_DAYS
from saisei.law.recipients import Recipient

__all__ = [
    "OVERRIDABLE_FIELDS",
    "OVERRIDES_ENV_VAR",
    "QUESTIONS_KEY",
    "RULES",
    "Route",
    "Rule",
    "RuleKind",
    "RuleSet",
    "Unit",
    "load_overrides_file",
    "load_rules",
    "rules_from_environment",
]

OVERRIDES_ENV_VAR = "SAISEI_LAW_OVERRIDES"


class RuleKind(StrEnum):
    SINGLE = "single"  # one due date after one event
    PERIODIC_YEARLY = "periodic_yearly"  # a report after each one-year period
    PERIODIC_60_DAY = "periodic_60_day"  # a report after each 60-day period
    RENEWAL = "renewal"  # an application due in a window before a term of validity ends
    RESTRICTION = "restriction"  # a time during which something is forbidden
    RETENTION = "retention"  # keep something until a date
    VALIDITY = "validity"  # a certification or licence that expires unless renewed

    @property
    def periodic(self) -> bool:
        """Rules whose ``period`` picks one of a series (reports per period, renewals per term)."""
        return self in (RuleKind.PERIODIC_YEARLY, RuleKind.PERIODIC_60_DAY, RuleKind.RENEWAL)


class Unit(StrEnum):
    DAYS = "days"
    YEARS = "years"


@dataclass(frozen=True, slots=True)
class Route:
    """One recipient of a rule's report, with the provision that sends it there."""

    to: Recipient
    basis: str
    basis_ja: str

    def to_dict(self) -> dict[str, str]:
        return {"to": self.to.value, "basis": self.basis, "basis_ja": self.basis_ja}


@dataclass(frozen=True, slots=True)
class Rule:
    """One obligation.

    ``offset``/``offset_unit`` give the length: for a single event, the time after it; for a
    periodic rule, the time after each period's last day; for a renewal, the days before the
    term's last day; for a restriction, the days before the act is allowed; for retention, how long
    to keep; for validity, how long the grant lasts. ``routes`` are the recipients in the order of
    domain.md §1.8 (the first is the default), each with its own basis; rules with no recipient
    (restrictions, retention, validity) have none and cite ``basis``. ``legal_name_ja`` is the
    duty's name in the statute (疾病等報告, 定期報告, …), so that a search for it finds the rule.
    """

    id: str
    title: str
    title_ja: str
    legal_name_ja: str
    basis: str
    basis_ja: str
    clock_starts: str
    kind: RuleKind
    offset: int
    offset_unit: Unit
    routes: tuple[Route, ...]
    rolls_forward: bool
    uncertain: bool = False
    note: str = ""
    note_ja: str = ""
    # RENEWAL only: the window opens this many days before the term's last day, and each term of
    # validity lasts term_years (counting its first day as day 1).
    window: int = 0
    term_years: int = 0

    @property
    def recipients(self) -> tuple[str, ...]:
        return tuple(route.to.value for route in self.routes)

    def route(self, to: Recipient | str | None) -> Route | None:
        """The route to ``to`` (the default route when ``to`` is None); None for a rule with no
        recipient. Raises ``LawInputError`` (field ``to``) for a recipient the rule does not have.
        """
        if not self.routes:
            if to is not None:
                raise LawInputError(
                    "to", f"{self.id} has no recipient (it is a {self.kind.value} rule)"
                )
            return None
        if to is None:
            return self.routes[0]
        for route in self.routes:
            if route.to.value == to:
                return route
        raise LawInputError(
            "to",
            f"{self.id} is not sent to {describe_value(to)} "
            f"(its recipients: {', '.join(self.recipients)})",
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "legal_name_ja": self.legal_name_ja,
            "basis": self.basis,
            "clock_starts": self.clock_starts,
            "kind": self.kind.value,
            "offset": self.offset,
            "offset_unit": self.offset_unit.value,
            "recipients": list(self.recipients),
            "routes": [route.to_dict() for route in self.routes],
            "rolls_forward": self.rolls_forward,
            "uncertain": self.uncertain,
            "note": self.note,
        }


class RuleSet(Mapping[str, Rule]):
    """An immutable mapping of rule id to ``Rule``, in the order of domain.md §1.8."""

    __slots__ = ("_rules",)

    def __init__(self, rules: Iterable[Rule]) -> None:
        by_id: dict[str, Rule] = {}
        for rule in rules:
            if rule.id in by_id:
                raise ValueError(f"duplicate rule id {rule.id!r}")
            by_id[rule.id] = rule
        self._rules: Mapping[str, Rule] = MappingProxyType(by_id)

    def __getitem__(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"RuleSet({list(self._rules)!r})"

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id; an unknown id raises ``LawInputError`` (field ``rule``)."""
        try:
            return self._rules[rule_id]
        except KeyError:
            raise LawInputError(
                "rule",
                f"unknown rule {describe_value(rule_id)} (expected one of {', '.join(self)})",
            ) from None


# Citations were read in the statute's own text (e-Gov: the Act 425AC0000000085 as in force from
# 2025-06-01, the Enforcement Ordinance 426M60000100110, the Cabinet Order 426CO0000000278 and the
# Act on Holidays of Administrative Organs 363AC0000000091; domain.md §5 names the copies read).
# Item numbers were counted against each article's own list. Ordinance Art 118(1) delegates to the
# Regional Bureau what the Act addresses to the Minister for Class II and III plans: (i) Act Art
# 4(1), (ii) Art 5(1), (3), (iii) Art 6, (iv) Art 18, (v) Art 21(1); for Class-III-only committees
# (x) Art 28(3); for facilities (xv) Arts 35-36, (xvi) Art 37, (xvii) Art 40(1), (3), (xviii)
# Art 41, (xix) Art 46.
_ACT = "RM Act"
_ACT_JA = "再生医療等安全性確保法"
_ORD = "Ordinance"
_ORD_JA = "施行規則"
C, M, B, J = Recipient.COMMITTEE, Recipient.MINISTER, Recipient.REGIONAL_BUREAU, Recipient.JRCT


def _route(to: Recipient, basis: str, basis_ja: str) -> Route:
    return Route(to, basis, basis_ja)


def _joined(routes: tuple[Route, ...]) -> tuple[str, str]:
    """A rule's own basis: each route's, in order, without repeating a provision."""
    english: list[str] = []
    japanese: list[str] = []
    for route in routes:
        for part in route.basis.split("; "):
            if part not in english:
                english.append(part)
        for part in route.basis_ja.split(";"):
            if part not in japanese:
                japanese.append(part)
    return "; ".join(english), ";".join(japanese)


def _reporting(
    *,
    id: str,
    title: str,
    title_ja: str,
    legal_name_ja: str,
    clock_starts: str,
    kind: RuleKind,
    offset: int,
    routes: tuple[Route, ...],
    offset_unit: Unit = Unit.DAYS,
    note: str = "",
    note_ja: str = "",
    window: int = 0,
    term_years: int = 0,
) -> Rule:
    basis, basis_ja = _joined(routes)
    return Rule(
        id=id,
        title=title,
        title_ja=title_ja,
        legal_name_ja=legal_name_ja,
        basis=basis,
        basis_ja=basis_ja,
        clock_starts=clock_starts,
        kind=kind,
        offset=offset,
        offset_unit=offset_unit,
        routes=routes,
        rolls_forward=True,
        note=note,
        note_ja=note_ja,
        window=window,
        term_years=term_years,
    )


_AE_CLOCK = "the day the institution learns of the event"
_BUREAU_AE = f"{_ORD} Art 118(1)(iv)"
_BUREAU_AE_JA = f"{_ORD_JA}第118条第1項第4号"

_DEFAULTS: tuple[Rule, ...] = (
    _reporting(
        id="ae_death",
        title="Adverse event report: death, or a case that may lead to death",
        title_ja="疾病等報告:死亡又は死亡につながるおそれのある症例",
        legal_name_ja="疾病等報告",
        clock_starts=_AE_CLOCK,
        kind=RuleKind.SINGLE,
        offset=7,
        routes=(
            _route(
                C,
                f"{_ACT} Art 17(1); {_ORD} Art 35(1)(i)",
                f"{_ACT_JA}第17条第1項;{_ORD_JA}第35条第1項第1号",
            ),
            _route(
                M,
                f"{_ACT} Art 18; {_ORD} Art 36(1), (2) applying Art 35(1)(i)",
                f"{_ACT_JA}第18条;{_ORD_JA}第36条第1項・第2項(第35条第1項第1号の準用)",
            ),
            _route(
                B,
                f"{_ACT} Art 18; {_ORD} Art 36(1), (2) applying Art 35(1)(i); {_BUREAU_AE}",
                f"{_ACT_JA}第18条;{_ORD_JA}第36条第1項・第2項(第35条第1項第1号の準用);"
                f"{_BUREAU_AE_JA}",
            ),
        ),
    ),
    _reporting(
        id="ae_serious",
        title=(
            "Adverse event report: hospitalisation or longer stay, disability or possible "
            "disability, other serious case, congenital anomaly in offspring"
        ),
        title_ja="疾病等報告:入院又は入院期間の延長、障害、障害につながるおそれ、重篤、後世代の先天性の疾病又は異常",
        legal_name_ja="疾病等報告",
        clock_starts=_AE_CLOCK,
        kind=RuleKind.SINGLE,
        offset=15,
        routes=(
            _route(
                C,
                f"{_ACT} Art 17(1); {_ORD} Art 35(1)(ii)",
                f"{_ACT_JA}第17条第1項;{_ORD_JA}第35条第1項第2号",
            ),
            _route(
                M,
                f"{_ACT} Art 18; {_ORD} Art 36(1), (2) applying Art 35(1)(ii)",
                f"{_ACT_JA}第18条;{_ORD_JA}第36条第1項・第2項(第35条第1項第2号の準用)",
            ),
            _route(
                B,
                f"{_ACT} Art 18; {_ORD} Art 36(1), (2) applying Art 35(1)(ii); {_BUREAU_AE}",
                f"{_ACT_JA}第18条;{_ORD_JA}第36条第1項・第2項(第35条第1項第2号の準用);"
                f"{_BUREAU_AE_JA}",
            ),
        ),
    ),
    _reporting(
        id="ae_other_cycle",
        title="Adverse event report: all other suspected adverse events, reported together",
        title_ja="疾病等報告:その他の疾病等の発生(60日ごとにまとめて報告)",
        legal_name_ja="疾病等報告",
        clock_starts="the plan's filing date, day 1 of the first 60-day period",
        kind=RuleKind.PERIODIC_60_DAY,
        offset=10,
        routes=(
            _route(
                C,
                f"{_ACT} Art 17(1); {_ORD} Art 35(1)(iii)",
                f"{_ACT_JA}第17条第1項;{_ORD_JA}第35条第1項第3号",
            ),
        ),
    ),
    _reporting(
        id="periodic_report",
        title="Periodic report on provision, required even with zero cases",
        title_ja="定期報告(提供の状況の報告。提供がなくても必要)",
        legal_name_ja="定期報告",
        clock_starts="the plan's filing date, day 1 of the first one-year period",
        kind=RuleKind.PERIODIC_YEARLY,
        offset=90,
        routes=(
            _route(
                C,
                f"{_ACT} Art 20(1); {_ORD} Art 37(1), (3)",
                f"{_ACT_JA}第20条第1項;{_ORD_JA}第37条第1項・第3項",
            ),
            _route(
                M,
                f"{_ACT} Art 21(1); {_ORD} Art 38(1), (3), (4)",
                f"{_ACT_JA}第21条第1項;{_ORD_JA}第38条第1項・第3項・第4項",
            ),
            _route(
                B,
                f"{_ACT} Art 21(1); {_ORD} Art 38(1), (3), (4); {_ORD} Art 118(1)(v)",
                f"{_ACT_JA}第21条第1項;{_ORD_JA}第38条第1項・第3項・第4項;"
                f"{_ORD_JA}第118条第1項第5号",
            ),
        ),
        note=(
            "to the committee: patients treated, adverse events and their course, an evaluation "
            "of safety and scientific validity, conflict-of-interest matters, non-compliance and "
            "its handling (Ordinance Art 37(1)); the committee gives its opinion on continuing "
            "(Art 37(4)); to the plan's authority: the committee's name and opinion and the number "
            "of patients (Art 38(1), (3))"
        ),
        note_ja=(
            "委員会へ:提供を受けた者の数、疾病等の発生状況及びその後の経過、安全性及び科学的妥当性"
            "についての評価、利益相反に関する事項、不適合の発生状況及びその後の対応(施行規則第37条"
            "第1項)。委員会は継続の適否について意見を述べる(同条第4項)。計画の提出先へ:委員会の"
            "名称、継続の適否に係る意見及び提供を受けた者の数(第38条第1項・第3項)"
        ),
    ),
    _reporting(
        id="cpc_periodic_report",
        title="Cell processing facility's periodic report on manufacturing",
        title_ja="定期報告(特定細胞加工物等の製造の状況)",
        legal_name_ja="定期報告(特定細胞加工物等の製造の状況)",
        clock_starts=(
            "the facility's licence, accreditation or notification date, day 1 of the first period"
        ),
        kind=RuleKind.PERIODIC_YEARLY,
        offset=60,
        routes=(
            _route(
                B,
                f"{_ACT} Art 46; {_ORD} Art 112(1), (2); {_ORD} Art 118(1)(xix)",
                f"{_ACT_JA}第46条;{_ORD_JA}第112条第1項・第2項;{_ORD_JA}第118条第1項第19号",
            ),
        ),
        note=(
            "number of products made, complaints and their handling, adverse events notified by "
            "the providing institutions (Ordinance Art 112(1))"
        ),
        note_ja="製造件数、苦情の処理状況、提供先から通知を受けた疾病等の発生に係る情報(施行規則第112条第1項)",
    ),
    _reporting(
        id="cpc_change_notice",
        title="Notice of a change to a cell processing facility's structure or equipment",
        title_ja="特定細胞加工物等製造施設の構造設備等の変更の届出",
        legal_name_ja="変更の届出(特定細胞加工物等製造施設)",
        clock_starts="the day of the change",
        kind=RuleKind.SINGLE,
        offset=30,
        routes=(
            _route(
                B,
                f"{_ACT} Art 37 (licensed facility; Art 39(2) for an accredited one) or Art 40(3) "
                f"(notified facility); {_ORD} Art 75 or Art 87; {_ORD} Art 118(1)(xvi), (xvii)",
                f"{_ACT_JA}第37条(許可施設。認定施設は第39条第2項)又は第40条第3項(届出施設);"
                f"{_ORD_JA}第75条又は第87条;{_ORD_JA}第118条第1項第16号・第17号",
            ),
        ),
    ),
    _reporting(
        id="cpc_closure_notice",
        title="Notice that a cell processing facility has stopped manufacturing",
        title_ja="特定細胞加工物等の製造の廃止の届出",
        legal_name_ja="廃止の届出(特定細胞加工物等の製造)",
        clock_starts="the day manufacture stops",
        kind=RuleKind.SINGLE,
        offset=30,
        routes=(
            _route(
                B,
                f"{_ACT} Art 41; {_ORD} Art 88; {_ORD} Art 118(1)(xviii)",
                f"{_ACT_JA}第41条;{_ORD_JA}第88条;{_ORD_JA}第118条第1項第18号",
            ),
        ),
    ),
    _reporting(
        id="committee_renewal",
        title="Application to renew a committee's certification",
        title_ja="認定再生医療等委員会の認定の有効期間の更新の申請",
        legal_name_ja="有効期間の更新の申請",
        clock_starts=(
            "the date of certification, day 1 of the first three-year term; a renewed term counts "
            "from the day after the previous one ended"
        ),
        kind=RuleKind.RENEWAL,
        offset=60,
        window=90,
        term_years=3,
        routes=(
            _route(M, f"{_ACT} Art 28(1), (3)", f"{_ACT_JA}第28条第1項・第3項"),
            _route(
                B,
                f"{_ACT} Art 28(1), (3); {_ORD} Art 118(1)(x)",
                f"{_ACT_JA}第28条第1項・第3項;{_ORD_JA}第118条第1項第10号",
            ),
        ),
        note=(
            "the application is made between 90 and 60 days before the term ends (Art 28(3)); "
            "while a timely application is undecided the certification stays in force (Art "
            "28(4)); a renewed term counts from the day after the old one ended (Art 28(5)); the "
            "Minister certifies specially certified committees, the Regional Bureau the others"
        ),
        note_ja=(
            "申請は有効期間満了の日の90日前から60日前までの間に行う(第28条第3項)。期間内の申請に対する"
            "処分がされるまでは従前の認定が効力を有する(同条第4項)。更新後の有効期間は従前の有効期間の"
            "満了の日の翌日から起算する(同条第5項)。特定認定再生医療等委員会は厚生労働大臣、その他は"
            "地方厚生局長が認定する"
        ),
    ),
    _reporting(
        id="minor_change",
        title="Notice of a minor change to a provision plan (様式第3)",
        title_ja="軽微な変更の通知及び届出(様式第3)",
        legal_name_ja="軽微な変更の届出",
        clock_starts="the day of the change",
        kind=RuleKind.SINGLE,
        offset=10,
        routes=(
            _route(C, f"{_ACT} Art 5(3)", f"{_ACT_JA}第5条第3項"),
            _route(
                M, f"{_ACT} Art 5(3); {_ORD} Art 30(1)", f"{_ACT_JA}第5条第3項;{_ORD_JA}第30条第1項"
            ),
            _route(
                B,
                f"{_ACT} Art 5(3); {_ORD} Art 30(1); {_ORD} Art 118(1)(ii)",
                f"{_ACT_JA}第5条第3項;{_ORD_JA}第30条第1項;{_ORD_JA}第118条第1項第2号",
            ),
        ),
    ),
    _reporting(
        id="discontinuation",
        title="Notice of discontinuation of provision (様式第4)",
        title_ja="提供の中止の通知及び届出(様式第4)",
        legal_name_ja="中止の届出",
        clock_starts="the day provision stops",
        kind=RuleKind.SINGLE,
        offset=10,
        routes=(
            _route(C, f"{_ACT} Art 6", f"{_ACT_JA}第6条"),
            _route(M, f"{_ACT} Art 6; {_ORD} Art 31(1)", f"{_ACT_JA}第6条;{_ORD_JA}第31条第1項"),
            _route(
                B,
                f"{_ACT} Art 6; {_ORD} Art 31(1); {_ORD} Art 118(1)(iii)",
                f"{_ACT_JA}第6条;{_ORD_JA}第31条第1項;{_ORD_JA}第118条第1項第3号",
            ),
        ),
        note="reporting obligations continue until close-out",
        note_ja="報告の義務は終了まで続く",
    ),
    _reporting(
        id="research_summary",
        title="Research summary report (総括報告書)",
        title_ja="総括報告書",
        legal_name_ja="総括報告書",
        clock_starts="the later of the stop date and the end of data collection",
        kind=RuleKind.SINGLE,
        offset=1,
        offset_unit=Unit.YEARS,
        routes=(
            _route(C, f"{_ORD} Art 8-9(2), (4)", f"{_ORD_JA}第8条の9第2項・第4項"),
            _route(J, f"{_ORD} Art 8-9(1), (4)", f"{_ORD_JA}第8条の9第1項・第4項"),
        ),
        note=(
            "Ordinance Art 8-9(2) counts the year from the end of data collection for all "
            "endpoints; the summary's outline is published on jRCT within a month of the "
            "committee's opinion (Art 8-9(4)) after it is submitted to the Minister (Art 8-9(5))"
        ),
        note_ja=(
            "施行規則第8条の9第2項は全ての評価項目に係るデータの収集の期間の終了から1年と定める。"
            "概要は委員会の意見の日から1月以内にjRCTで公表し(同条第4項)、その前に厚生労働大臣に提出"
            "する(同条第5項)"
        ),
    ),
    Rule(
        id="class1_restriction",
        title="Class I may not be provided before the restriction ends",
        title_ja="第一種再生医療等の提供制限期間",
        legal_name_ja="提供制限期間(第一種再生医療等提供計画)",
        basis=f"{_ACT} Art 8(1)-(3), Art 9; for a change, Art 10 and Cabinet Order Art 2",
        basis_ja=f"{_ACT_JA}第8条第1項~第3項・第9条;変更は第10条及び施行令第2条",
        clock_starts="the filing date, day 1 of the restriction",
        kind=RuleKind.RESTRICTION,
        offset=CLASS1_RESTRICTION_DAYS,
        offset_unit=Unit.DAYS,
        routes=(),
        # A restriction forbids an act until a day: no rule moves it for closed days.
        rolls_forward=False,
        note=(
            "the Minister may order changes within the period, extend it for a reasonable cause "
            "(notified within the period) or shorten it (Art 8(1)-(3)); during a change's "
            "restriction the plan is provided as it stood before the change (Art 10(2))"
        ),
        note_ja=(
            "厚生労働大臣は期間内に変更等を命じ、合理的な理由があるときは延長し(期間内に通知)、又は短縮"
            "できる(第8条第1項~第3項)。変更の提供制限期間中は変更前の計画に従って提供できる(第10条第2項)"
        ),
    ),
    Rule(
        id="record_retention",
        title="Keep records of each provision",
        title_ja="再生医療等の記録の保存",
        legal_name_ja="記録の保存",
        basis=f"{_ACT} Art 16(2); {_ORD} Art 34(3)",
        basis_ja=f"{_ACT_JA}第16条第2項;{_ORD_JA}第34条第3項",
        clock_starts="the day of the provision",
        kind=RuleKind.RETENTION,
        offset=10,
        offset_unit=Unit.YEARS,
        routes=(),
        rolls_forward=False,
        uncertain=True,
        note=(
            "10 years (Ordinance Art 34(3)(ii)); 30 years where specified biological products or "
            "designated regenerative medical products, or processed cells from similar materials, "
            "are used (Art 34(3)(i)); domain.md marks Class I and xenogeneic cells uncertain"
        ),
        note_ja=(
            "10年(施行規則第34条第3項第2号)。特定生物由来製品該当医薬品・指定再生医療等製品等を用いる"
            "場合は30年(同項第1号)。第一種及び異種(動物)細胞については不確実"
        ),
    ),
    Rule(
        id="committee_certification_expiry",
        title="Certification of a (specially) certified committee expires unless renewed",
        title_ja="認定再生医療等委員会の認定の有効期間",
        legal_name_ja="認定の有効期間",
        basis=f"{_ACT} Art 28(1)",
        basis_ja=f"{_ACT_JA}第28条第1項",
        clock_starts="the date of certification, day 1 of the validity",
        kind=RuleKind.VALIDITY,
        offset=3,
        offset_unit=Unit.YEARS,
        routes=(),
        rolls_forward=False,
    ),
    Rule(
        id="cpc_licence_expiry",
        title="Licence or accreditation of a cell processing facility expires unless renewed",
        title_ja="特定細胞加工物等製造施設の許可(認定)の有効期間",
        legal_name_ja="許可の有効期間(更新)",
        basis=f"{_ACT} Art 36(1) (Art 39(2) for an accreditation); Cabinet Order Art 5",
        basis_ja=f"{_ACT_JA}第36条第1項(認定は第39条第2項);施行令第5条",
        clock_starts="the date of the licence or accreditation, day 1 of the validity",
        kind=RuleKind.VALIDITY,
        offset=5,
        offset_unit=Unit.YEARS,
        routes=(
            _route(
                B,
                f"{_ACT} Art 36(1) (Art 39(2) for an accreditation); Cabinet Order Art 5; "
                f"{_ORD} Art 78; {_ORD} Art 118(1)(xv)",
                f"{_ACT_JA}第36条第1項(認定は第39条第2項);施行令第5条;{_ORD_JA}第78条;"
                f"{_ORD_JA}第118条第1項第15号",
            ),
        ),
        rolls_forward=False,
        note="the renewal must be granted by the last day of validity, or the licence lapses",
        note_ja="有効期間の末日までに更新を受けなければ効力を失う",
    ),
)

RULES: RuleSet = RuleSet(_DEFAULTS)

# Fields an operator may change. `id` and `kind` are not among them: the kind decides the
# arithmetic, and changing it is a change to the law engine, not to a number.
# `recipients` is not among them: each recipient carries its own legal basis, so a recipient
# without one would be a route the statute does not give.
OVERRIDABLE_FIELDS: tuple[str, ...] = (
    "title",
    "basis",
    "clock_starts",
    "offset",
    "offset_unit",
    "rolls_forward",
    "uncertain",
    "note",
)

# The key of an overrides file that holds the wording of uncertain classification questions
# (saisei.law.classification.load_wording); every other top-level key is a rule id.
QUESTIONS_KEY = "questions"


def load_rules(
    overrides: Mapping[str, Mapping[str, object]] | None = None, *, source: str = "overrides"
) -> RuleSet:
    """The default rules with ``overrides`` applied.

    ``overrides`` maps a rule id to the fields to change, e.g.
    ``{"record_retention": {"offset": 20, "note": "20 years for Class I"}}``. An unknown rule id,
    an unknown or fixed field, or a value of the wrong type raises ``LawConfigError`` naming
    ``source`` and the field, so a bad configuration fails loudly instead of being ignored.
    """
    if overrides is None:
        return RULES
    if not isinstance(overrides, Mapping):
        raise LawConfigError(
            source, "", f"must be a JSON object of rule ids (got {describe_value(overrides)})"
        )
    defaults = {rule.id: rule for rule in _DEFAULTS}
    for rule_id in overrides:
        if rule_id == QUESTIONS_KEY:
            continue  # the wording of classification questions: saisei.law.classification
        if rule_id not in defaults:
            raise LawConfigError(
                source,
                str(rule_id),
                f"unknown rule (expected one of {', '.join(defaults)})",
            )
    return RuleSet(
        _apply(rule, overrides[rule.id], source) if rule.id in overrides else rule
        for rule in _DEFAULTS
    )


def _apply(rule: Rule, changes: object, source: str) -> Rule:
    if not isinstance(changes, Mapping):
        raise LawConfigError(
            source, rule.id, f"must be an object of fields (got {describe_value(changes)})"
        )
    values: dict[str, object] = {}
    for name, value in changes.items():
        field = f"{rule.id}.{name}"
        if name in ("id", "kind"):
            raise LawConfigError(source, field, "cannot be overridden")
        if name not in OVERRIDABLE_FIELDS:
            raise LawConfigError(
                source, field, f"unknown field (expected one of {', '.join(OVERRIDABLE_FIELDS)})"
            )
        values[name] = _check_value(name, value, source, field)
    # The Japanese of an overridden text would translate what the configuration no longer says:
    # the configured text is shown in both languages.
    if "basis" in values:
        basis = str(values["basis"])
        values["basis_ja"] = basis
        values["routes"] = tuple(
            replace(route, basis=basis, basis_ja=basis) for route in rule.routes
        )
    if "title" in values:
        values["title_ja"] = values["title"]
    if "note" in values:
        values["note_ja"] = values["note"]
    updated = replace(rule, **values)  # type: ignore[arg-type]  # each value checked above
    if updated.kind is RuleKind.RESTRICTION and updated.rolls_forward:
        raise LawConfigError(
            source,
            f"{rule.id}.rolls_forward",
            "a restriction is never rolled forward (Civil Code Art 142 moves only a due date)",
        )
    return updated


def _check_value(name: str, value: object, source: str, field: str) -> object:
    got = describe_value(value)
    if name == "offset":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise LawConfigError(source, field, f"must be an integer of at least 1 (got {got})")
        return value
    if name == "offset_unit":
        if isinstance(value, str) and value in {unit.value for unit in Unit}:
            return Unit(value)
        raise LawConfigError(source, field, f"must be one of days, years (got {got})")
    if name in ("rolls_forward", "uncertain"):
        if not isinstance(value, bool):
            raise LawConfigError(source, field, f"must be true or false (got {got})")
        return value
    if name == "note":
        if not isinstance(value, str):
            raise LawConfigError(source, field, f"must be a string (got {got})")
        return value
    # title, basis, clock_starts: an empty citation or title would hide what the rule is.
    if not isinstance(value, str) or not value.strip():
        raise LawConfigError(source, field, f"must be a non-empty string (got {got})")
    return value


def load_overrides_file(path: str | os.PathLike[str]) -> dict[str, dict[str, object]]:
    """Read an overrides mapping from a JSON file; any problem raises ``LawConfigError``."""
    source = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise LawConfigError(source, "", f"cannot read the file: {reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LawConfigError(source, "", f"invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise LawConfigError(
            source, "", f"must be a JSON object of rule ids (got {describe_value(data)})"
        )
    for rule_id, changes in data.items():
        if rule_id == QUESTIONS_KEY:
            continue  # checked by saisei.law.classification.load_wording
        if not isinstance(changes, dict):
            raise LawConfigError(
                source, rule_id, f"must be an object of fields (got {describe_value(changes)})"
            )
    return data


def rules_from_environment(environ: Mapping[str, str] | None = None) -> RuleSet:
    """The rules with the overrides file named by ``SAISEI_LAW_OVERRIDES`` applied, if it is set."""
    env = os.environ if environ is None else environ
    path = env.get(OVERRIDES_ENV_VAR, "")
    if not path:
        return RULES
    return load_rules(load_overrides_file(path), source=path)
