"""The obligations the RM Act creates, as a table (domain.md §1.8): one ``Rule`` each, in the
order of domain.md, with every recipient's route and the provision that sends the report there.

Data only: saisei.law.obligations builds ``RULES`` from ``DEFAULT_RULES`` and applies an
operator's overrides to the uncertain ones.
"""

from __future__ import annotations

from saisei.law.obligation_types import Route, Rule, RuleKind, Unit
from saisei.law.procedures import CLASS1_RESTRICTION_DAYS
from saisei.law.recipients import Recipient

__all__ = ["DEFAULT_RULES"]

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

DEFAULT_RULES: tuple[Rule, ...] = (
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
