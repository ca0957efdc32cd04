"""Demo step: the fictional institutions, committees, members and processing facilities.

Dates count back from the load day, so a demo loaded on any day shows the same picture: the
specially certified committee in force, its renewal window opening in a month (the renewal
duty is on "What is due"); the certified committee past its window's opening with a timely
application awaiting the certifier's decision (RM Act Art 28(4)); a licence that runs out on
the day the law says; and an in-house facility's recent change, whose 30-day notice to the
Regional Bureau is still to be filed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from saisei.core.time import legal_today
from saisei.law import add_years, due_date
from saisei.registry.models import (
    CommitteeKind,
    FacilityKind,
    FacilityNoticeKind,
    FounderType,
    InstitutionKind,
)
from saisei.registry.services import (
    committee_create,
    committee_member_add,
    committee_renewal_apply,
    facility_create,
    facility_notice_record,
    institution_create,
)

# (name, category, sex, independent of the founder)
DEMO_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("架空 一郎 (fictional)", "a", "male", True),
    ("架空 二葉 (fictional)", "b", "female", True),
    ("架空 三太 (fictional)", "c", "male", False),
    ("架空 四季 (fictional)", "d", "female", True),
    ("架空 五郎 (fictional)", "e", "male", True),
    ("架空 六花 (fictional)", "f", "female", True),
    ("架空 七海 (fictional)", "g", "female", False),
    ("架空 八雲 (fictional)", "h", "male", True),
    ("架空 九重 (fictional)", "c", "female", True),
)


def _valid_until(rule: str, start: date) -> date:
    """The last day of a validity that starts on ``start`` (day 1), as ``saisei.law`` counts it."""
    return due_date(rule, start).due


def load_registry_demo(context: Any) -> None:
    today = legal_today()
    # Kasumi's first term ends in about 120 days: its renewal window opens in about 30.
    kasumi_on = add_years(today, -3) + timedelta(days=120)
    # Minato's ends in about 70 days: its window opened about 20 days ago.
    minato_on = add_years(today, -3) + timedelta(days=70)
    sakura_from = add_years(today, -4) + timedelta(days=150)
    orgs = context.organisations
    kw: dict[str, Any] = {"actor": None, "system": "demo"}
    hinata = institution_create(
        slug=orgs["institution"].slug,
        organisation=orgs["institution"],
        name=orgs["institution"].name,
        name_en=orgs["institution"].name_en,
        kind=InstitutionKind.CLINIC,
        prefecture="13",
        address="東京都架空区ひなた1-2-3 (fictional)",
        manager_name="日向 院長 (fictional)",
        **kw,
    )
    tsukimi = institution_create(
        slug=orgs["other_institution"].slug,
        organisation=orgs["other_institution"],
        name=orgs["other_institution"].name,
        name_en=orgs["other_institution"].name_en,
        kind=InstitutionKind.HOSPITAL,
        prefecture="27",
        address="大阪府架空市つきみ4-5-6 (fictional)",
        manager_name="月見 病院長 (fictional)",
        **kw,
    )
    kasumi = committee_create(
        slug=orgs["committee"].slug,
        organisation=orgs["committee"],
        name=orgs["committee"].name,
        name_en=orgs["committee"].name_en,
        kind=CommitteeKind.SPECIALLY_CERTIFIED,
        certification_number="NA8999001",
        # The corporation that runs the demo's hospital (架空つきみ記念病院), whose plans this
        # committee reviews: its page names the hospital, as MHLW's lists allow for real ones.
        founder_name="医療法人社団架空つきみ会",
        founder_type=FounderType.MEDICAL_INSTITUTION,
        certified_on=kasumi_on,
        scope="第一種・第二種・第三種",
        **kw,
    )
    minato = committee_create(
        slug="demo-minato-committee",
        name="架空みなと認定再生医療等委員会",
        name_en="Minato Certified Committee (fictional)",
        kind=CommitteeKind.CERTIFIED,
        certification_number="NB3999002",
        founder_name="架空みなと会 (fictional)",
        founder_type=FounderType.ASSOCIATION,
        certified_on=minato_on,
        scope="第三種のみ",
        **kw,
    )
    members = [
        committee_member_add(
            committee=kasumi,
            name=name,
            category=category,
            sex=sex,
            independent_of_founder=independent,
            affiliation="架空 (fictional)",
            **kw,
        )
        for name, category, sex, independent in DEMO_MEMBERS
    ]
    sakura = facility_create(
        name="架空さくら細胞加工センター",
        name_en="Sakura Cell Processing Center (fictional)",
        kind=FacilityKind.LICENCE,
        number="FA3999001",
        operator_name="架空さくらセルテック株式会社 (fictional)",
        domestic=True,
        prefecture="11",
        valid_from=sakura_from,
        valid_until=_valid_until("cpc_licence_expiry", sakura_from),
        **kw,
    )
    hinata_cpc = facility_create(
        name="架空ひなた再生クリニック 院内細胞加工室",
        name_en="Hinata Clinic in-house processing room (fictional)",
        kind=FacilityKind.NOTIFICATION,
        number="FC3999002",
        operator_name=hinata.name,
        operator_institution=hinata,
        domestic=True,
        prefecture="13",
        valid_from=add_years(today, -5) + timedelta(days=40),
        **kw,
    )
    # A timely application, undecided: the certification stays in force past the term's end
    # until the certifier decides (Act Art 28(4)).
    minato_window = minato.certification(today).window_opens
    renewal = committee_renewal_apply(
        committee=minato,
        applied_on=minato_window + timedelta(days=5),
        reference="架空-更新-0001 (fictional)",
        **kw,
    )
    notice = facility_notice_record(
        facility=hinata_cpc,
        kind=FacilityNoticeKind.CHANGE,
        event_on=today - timedelta(days=10),
        summary="安全キャビネットを1台増設 / one biosafety cabinet added (fictional)",
        **kw,
    )
    context.objects.update(
        {
            "institution": hinata,
            "other_institution": tsukimi,
            "committee": kasumi,
            "certified_committee": minato,
            "committee_members": members,
            "third_party_facility": sakura,
            "in_house_facility": hinata_cpc,
            "pending_renewal": renewal,
            "facility_change_notice": notice,
        }
    )
