"""The demo personas: one fictional organisation of each kind and an account for each role.

The same personas back the demo (`saisei demo`) and the test suite's fixtures, so that a
person trying the demo and a test both meet an institution officer, an officer of another
institution, a committee secretariat and member, a regulator and a holder. Every name is
marked fictional (架空) so no one can take it for a real clinic.
"""

from __future__ import annotations

from dataclasses import dataclass

from saisei.accounts.roles import OrganisationKind, Role
from saisei.core.demo import DemoContext

DEMO_PASSWORD = "saisei-demo-2026"  # noqa: S105 - published demo credential, fictional data only


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    kind: str
    slug: str
    name: str
    name_en: str


@dataclass(frozen=True)
class PersonaSpec:
    username: str
    display_name: str
    organisation: str
    role: str


ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    OrganisationSpec(
        "institution",
        OrganisationKind.INSTITUTION,
        "demo-hinata-clinic",
        "架空ひなた再生クリニック",
        "Hinata Regenerative Clinic (fictional)",
    ),
    OrganisationSpec(
        "other_institution",
        OrganisationKind.INSTITUTION,
        "demo-tsukimi-hospital",
        # Run by the medical corporation that founded the demo's specially certified committee,
        # which reviews its plans: the public pages say so (saisei.registry.names).
        "医療法人社団架空つきみ会 架空つきみ記念病院",
        "Tsukimi Memorial Hospital (fictional)",
    ),
    OrganisationSpec(
        "committee",
        OrganisationKind.COMMITTEE,
        "demo-kasumi-committee",
        "架空かすみ特定認定再生医療等委員会",
        "Kasumi Specially Certified Committee (fictional)",
    ),
    OrganisationSpec(
        "regulator",
        OrganisationKind.REGULATOR,
        "demo-regulator",
        "架空 厚生労働省 審査室(デモ)",
        "Demo Regulator Office (fictional)",
    ),
    OrganisationSpec(
        "holder",
        OrganisationKind.HOLDER,
        "demo-aozora-bio",
        "架空あおぞらバイオ株式会社",
        "Aozora Bio Inc. (fictional)",
    ),
)

PERSONAS: tuple[PersonaSpec, ...] = (
    PersonaSpec("officer", "日向 花子 (demo officer)", "institution", Role.INSTITUTION_OFFICER),
    PersonaSpec("staff", "日向 次郎 (demo staff)", "institution", Role.INSTITUTION_STAFF),
    PersonaSpec(
        "other-officer", "月見 太郎 (demo officer)", "other_institution", Role.INSTITUTION_OFFICER
    ),
    PersonaSpec(
        "secretariat", "霞 事務局 (demo secretariat)", "committee", Role.COMMITTEE_SECRETARIAT
    ),
    PersonaSpec("member", "霞 委員 (demo member)", "committee", Role.COMMITTEE_MEMBER),
    PersonaSpec("regulator", "審査 官 (demo regulator)", "regulator", Role.REGULATOR),
    PersonaSpec("holder", "青空 担当 (demo holder)", "holder", Role.HOLDER_OFFICER),
)


def demo_loaded() -> bool:
    from saisei.accounts.models import Organisation

    return Organisation.objects.filter(slug=ORGANISATIONS[0].slug).exists()


def create_personas(context: DemoContext, *, password: str | None = DEMO_PASSWORD) -> None:
    """Demo step: the organisations and the persona accounts (must run inside a transaction)."""
    from saisei.accounts.services import membership_grant, organisation_create, user_create

    context.password = password
    organisations = context.organisations
    users = context.users
    for spec in ORGANISATIONS:
        organisations[spec.key] = organisation_create(
            kind=spec.kind,
            slug=spec.slug,
            name=spec.name,
            name_en=spec.name_en,
            actor=None,
            system="demo",
        )
    for persona in PERSONAS:
        user = user_create(
            username=persona.username,
            password=password,
            display_name=persona.display_name,
            actor=None,
            system="demo",
        )
        membership_grant(
            user=user,
            organisation=organisations[persona.organisation],
            role=persona.role,
            actor=None,
            system="demo",
        )
        users[persona.username] = user
