"""Registering the registry's entries: institutions, certified committees (their members and
meeting rules) and cell processing facilities, each validated, written and audited in one
transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.accounts.roles import OrganisationKind
from saisei.accounts.services import organisation_create
from saisei.audit.services import audit_record
from saisei.core.errors import Conflict, ErrorCode, field_error, invalid, invalid_fields
from saisei.core.time import legal_today
from saisei.law import period_bounds
from saisei.obligations.models import Obligation
from saisei.obligations.services import current_rules, obligation_open
from saisei.registry import dependents
from saisei.registry.models import (
    DEFAULT_REQUIRED_CATEGORIES,
    Committee,
    CommitteeKind,
    CommitteeMember,
    FacilityKind,
    Institution,
    InstitutionKind,
    MemberCategory,
    ProcessingFacility,
)
from saisei.registry.obligations import (
    COMMITTEE,
    committee_renewal_spec,
    facility_duties_begun,
)
from saisei.registry.regions import Prefecture, bureau_for_prefecture
from saisei.registry.services.common import authorise, full_clean, not_future


def _check_institution(*, kind: str, prefecture: str, manager_name: str) -> None:
    """What every institution registered here records (only one known from MHLW's list lacks a
    kind and a manager): its prefecture, whether it is a hospital or a clinic, its manager."""
    if prefecture not in Prefecture.values:
        raise invalid("prefecture", _("Choose a prefecture."))
    if kind not in InstitutionKind.values:
        raise invalid("kind", _("Choose a hospital or a clinic."))
    if not manager_name.strip():
        raise invalid("manager_name", _("Name the manager."))


@transaction.atomic
def institution_create(
    *,
    slug: str,
    name: str,
    name_en: str = "",
    kind: str,
    prefecture: str,
    address: str = "",
    manager_name: str,
    organisation: Any = None,
    actor: User | None,
    system: str | None = None,
) -> Institution:
    authorise(actor, "registry.manage", None, system)
    _check_institution(kind=kind, prefecture=prefecture, manager_name=manager_name)
    if organisation is None:
        organisation = organisation_create(
            kind=OrganisationKind.INSTITUTION,
            slug=slug,
            name=name,
            name_en=name_en,
            actor=actor,
            system=system,
        )
    elif organisation.kind != OrganisationKind.INSTITUTION:
        raise invalid("organisation", _("This organisation is not an institution."))
    institution = Institution(
        organisation=organisation,
        name=name.strip(),
        name_en=name_en.strip(),
        kind=kind,
        prefecture=prefecture,
        address=address.strip(),
        manager_name=manager_name.strip(),
    )
    full_clean(institution)
    institution.save()
    audit_record(
        action="registry.institution.created",
        actor=actor,
        target=institution,
        data={
            "name": institution.name,
            "name_en": institution.name_en,
            "kind": kind,
            "prefecture": prefecture,
            "regional_bureau": institution.regional_bureau.code,
        },
        system=system,
    )
    return institution


def _check_committee(
    *, kind: str, certification_number: str, certified_on: date, today: date
) -> str:
    """What every committee's record must say, registered or corrected: one of the two kinds, a
    number whose letter matches it, a day of certification already come. Answers the number as
    stored (upper case, without spaces around it)."""
    if kind not in CommitteeKind.values:
        raise invalid("kind", _("Choose a specially certified or a certified committee."))
    certification_number = certification_number.strip().upper()
    # The number's second letter says who certified it: A the Minister, B a Regional Bureau.
    expected_letter = "A" if kind == CommitteeKind.SPECIALLY_CERTIFIED else "B"
    if certification_number[1:2] != expected_letter:
        raise invalid(
            "certification_number",
            _(
                "A specially certified committee's number starts with NA, "
                "a certified committee's with NB."
            ),
        )
    not_future("certified_on", certified_on, today)
    return certification_number


@transaction.atomic
def committee_create(
    *,
    slug: str,
    name: str,
    name_en: str = "",
    kind: str,
    certification_number: str,
    founder_name: str,
    founder_type: str,
    certified_on: date,
    scope: str = "",
    organisation: Any = None,
    actor: User | None,
    system: str | None = None,
    today: date | None = None,
) -> Committee:
    """Register a certified committee. Its first term of validity is the law's (three years
    counting the day of certification as day 1, Act Art 28(1)); from it, the term's renewal
    duty is opened at once."""
    authorise(actor, "registry.manage", None, system)
    today = today or legal_today()
    certification_number = _check_committee(
        kind=kind, certification_number=certification_number, certified_on=certified_on, today=today
    )
    valid_until = period_bounds("committee_renewal", certified_on, 1, rules=current_rules())[1]
    if organisation is None:
        organisation = organisation_create(
            kind=OrganisationKind.COMMITTEE,
            slug=slug,
            name=name,
            name_en=name_en,
            actor=actor,
            system=system,
        )
    elif organisation.kind != OrganisationKind.COMMITTEE:
        raise invalid("organisation", _("This organisation is not a committee."))
    committee = Committee(
        organisation=organisation,
        name=name.strip(),
        name_en=name_en.strip(),
        kind=kind,
        certification_number=certification_number,
        founder_name=founder_name.strip(),
        founder_type=founder_type,
        certified_on=certified_on,
        valid_until=valid_until,
        scope=scope.strip(),
        rule_required_categories=list(DEFAULT_REQUIRED_CATEGORIES.get(kind, [])),
    )
    full_clean(committee)
    committee.save()
    audit_record(
        action="registry.committee.created",
        actor=actor,
        target=committee,
        data={
            "name": committee.name,
            "kind": kind,
            "certification_number": certification_number,
            "valid_until": valid_until,
        },
        system=system,
    )
    obligation_open(
        spec=committee_renewal_spec(committee, 1), actor=actor, today=today, system=system
    )
    return committee


@transaction.atomic
def committee_rules_set(
    *,
    committee: Committee,
    min_present: int,
    majority_present: bool,
    both_sexes: bool,
    required_categories: list[str],
    min_no_interest: int,
    min_independent: int,
    actor: User | None,
    system: str | None = None,
) -> Committee:
    """Change the meeting rules a committee has filed (data, not code)."""
    authorise(actor, "registry.committee.manage", committee, system)
    unknown = sorted(set(required_categories) - set(MemberCategory.values))
    if unknown:
        raise invalid("required_categories", _("Unknown member category."))
    for name, value in (
        ("min_present", min_present),
        ("min_no_interest", min_no_interest),
        ("min_independent", min_independent),
    ):
        if not 0 <= value <= 100 or (name == "min_present" and value < 1):
            raise invalid(
                name,
                _("Give a number from 0 to 100 (at least 1 for the members present)."),
            )
    Committee.objects.filter(pk=committee.pk).update(
        rule_min_present=min_present,
        rule_majority_present=majority_present,
        rule_both_sexes=both_sexes,
        rule_required_categories=sorted(set(required_categories)),
        rule_min_no_interest=min_no_interest,
        rule_min_independent=min_independent,
    )
    committee.refresh_from_db()
    audit_record(
        action="registry.committee.rules_changed",
        actor=actor,
        target=committee,
        data={
            "min_present": min_present,
            "majority_present": majority_present,
            "both_sexes": both_sexes,
            "required_categories": committee.rule_required_categories,
            "min_no_interest": min_no_interest,
            "min_independent": min_independent,
        },
        system=system,
    )
    return committee


@transaction.atomic
def committee_member_add(
    *,
    committee: Committee,
    name: str,
    category: str,
    sex: str,
    independent_of_founder: bool,
    affiliation: str = "",
    user: User | None = None,
    actor: User | None,
    system: str | None = None,
) -> CommitteeMember:
    authorise(actor, "registry.committee.manage", committee, system)
    member = CommitteeMember(
        committee=committee,
        name=name.strip(),
        category=category,
        sex=sex,
        independent_of_founder=independent_of_founder,
        affiliation=affiliation.strip(),
        user=user,
    )
    full_clean(member)
    member.save()
    audit_record(
        action="registry.committee.member_added",
        actor=actor,
        target=committee,
        data={"member_id": member.pk, "name": member.name, "category": category, "sex": sex},
        system=system,
    )
    return member


def _member_set_active(
    *, member: CommitteeMember, active: bool, actor: User | None, system: str | None
) -> CommitteeMember:
    """Move a member on or off the roster's active list: one conditional update, so of two
    requests at once one moves it and the other is told it already had. A meeting counts only
    the active members (saisei.plans.services.review); the row itself stays, as the meetings it
    attended name it."""
    committee = member.committee
    authorise(actor, "registry.committee.manage", committee, system)
    changed = CommitteeMember.objects.filter(pk=member.pk, is_active=not active).update(
        is_active=active
    )
    if not changed:
        raise Conflict(
            ErrorCode.CONFLICT,
            _("This member is already active.")
            if active
            else _("This member is already inactive."),
            details={"member": member.pk},
        )
    member.refresh_from_db()
    audit_record(
        action="registry.committee.member_reactivated"
        if active
        else "registry.committee.member_deactivated",
        actor=actor,
        target=committee,
        data={"member_id": member.pk, "name": member.name, "category": member.category},
        system=system,
    )
    return member


@transaction.atomic
def committee_member_deactivate(
    *, member: CommitteeMember, actor: User | None, system: str | None = None
) -> CommitteeMember:
    """Take a member off the committee's active roster (resigned, or no longer serving): the
    meetings recorded from now on do not count them. 409 if already inactive."""
    return _member_set_active(member=member, active=False, actor=actor, system=system)


@transaction.atomic
def committee_member_reactivate(
    *, member: CommitteeMember, actor: User | None, system: str | None = None
) -> CommitteeMember:
    """Put an inactive member back on the active roster. 409 if already active."""
    return _member_set_active(member=member, active=True, actor=actor, system=system)


@transaction.atomic
def facility_create(
    *,
    name: str,
    name_en: str = "",
    kind: str,
    number: str,
    operator_name: str,
    operator_institution: Institution | None = None,
    domestic: bool = True,
    country: str = "",
    prefecture: str = "",
    valid_from: date,
    valid_until: date | None = None,
    actor: User | None,
    system: str | None = None,
) -> ProcessingFacility:
    authorise(actor, "registry.manage", None, system)
    if domestic and kind == FacilityKind.ACCREDITATION:
        raise invalid(
            "kind",
            _("Accreditation is for foreign facilities; a domestic one is licensed or notified."),
        )
    if not domestic and kind != FacilityKind.ACCREDITATION:
        raise invalid("kind", _("A foreign facility is accredited by the Minister."))
    if valid_until is not None and valid_until < valid_from:
        raise invalid("valid_until", _("The validity must end after it starts."))
    facility = ProcessingFacility(
        name=name.strip(),
        name_en=name_en.strip(),
        kind=kind,
        number=number.strip(),
        operator_name=operator_name.strip(),
        operator_institution=operator_institution,
        domestic=domestic,
        country=country.strip(),
        prefecture=prefecture,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    full_clean(facility)
    facility.save()
    audit_record(
        action="registry.facility.created",
        actor=actor,
        target=facility,
        data={
            "name": facility.name,
            "kind": kind,
            "number": facility.number,
            "operator": facility.operator_name,
            "in_house": facility.in_house,
        },
        system=system,
    )
    # The duties the record opens at once (what the tick would open for it): the licence's or
    # accreditation's expiry (Act Art 36(1)) and the yearly reports of the periods begun so far
    # (Act Art 46), for a facility whose validity has started.
    today = legal_today()
    for spec in facility_duties_begun(facility.pk, today):
        obligation_open(spec=spec, actor=actor, today=today, system=system)
    return facility


def _apply_changes(
    obj: Model,
    values: dict[str, Any],
    *,
    action: str,
    actor: User | None,
    system: str | None,
    data: dict[str, Any] | None = None,
    only_these: bool = False,
) -> dict[str, list[Any]]:
    """Write the fields whose value differs and record them, [old, new] each, in one audit
    event (`action`); nothing is written or recorded when nothing differs. `only_these`
    validates the fields of `values` alone: what other services keep (a committee's meeting
    rules, which may leave its required categories empty) is not this correction's to refuse."""
    changes = {
        name: [getattr(obj, name), value]
        for name, value in values.items()
        if getattr(obj, name) != value
    }
    if not changes:
        return changes
    for field, (_old, new) in changes.items():
        setattr(obj, field, new)
    others = [f.name for f in obj._meta.concrete_fields if f.name not in values]
    full_clean(obj, exclude=others if only_these else None)
    obj.save(update_fields=list(changes))
    audit_record(
        action=action,
        actor=actor,
        target=obj,
        data={"changes": changes, **(data or {})},
        system=system,
    )
    return changes


@transaction.atomic
def institution_update(
    *,
    institution: Institution,
    name: str,
    name_en: str = "",
    kind: str,
    prefecture: str,
    address: str = "",
    manager_name: str,
    actor: User | None,
    system: str | None = None,
) -> Institution:
    """Correct or update an institution's record (its names, kind, prefecture, address and
    manager). The public search follows its names and prefecture (saisei.plans.search)."""
    authorise(actor, "registry.manage", institution, system)
    _check_institution(kind=kind, prefecture=prefecture, manager_name=manager_name)
    if not name.strip():
        raise invalid("name", _("This field is required."))
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    _apply_changes(
        institution,
        {
            "name": name.strip(),
            "name_en": name_en.strip(),
            "kind": kind,
            "prefecture": prefecture,
            "address": address.strip(),
            "manager_name": manager_name.strip(),
        },
        action="registry.institution.changed",
        actor=actor,
        system=system,
        data={"regional_bureau": bureau_for_prefecture(prefecture).code},
    )
    return institution


def _renewal_basis_fixed(committee: Committee) -> bool:
    """Whether the committee's renewal duty exists (opened with the record, or by the tick), or
    an application to renew has been recorded: from then on its kind and the day it was
    certified are what the duty counts from."""
    return (
        committee.renewals.exists()
        or Obligation.objects.filter(
            rule="committee_renewal", subject_type=COMMITTEE, subject_id=str(committee.pk)
        ).exists()
    )


@transaction.atomic
def committee_update(
    *,
    committee: Committee,
    name: str,
    name_en: str = "",
    kind: str,
    certification_number: str,
    founder_name: str,
    founder_type: str,
    certified_on: date,
    scope: str = "",
    actor: User | None,
    system: str | None = None,
    today: date | None = None,
) -> Committee:
    """Correct a committee's record: its names, number, founder and scope of review.

    Its renewal duty counts from the day it was certified and is owed to the authority that
    certified it, which its kind decides (RM Act Art 28(1), (3)): once that duty exists the kind
    and the day stay as registered (COMMITTEE_RENEWAL_BASIS_FIXED, 409). Before, a changed day
    moves the end of the first term with it, and a changed kind is refused while plans in the
    committee's care are of a class the new kind may not review (saisei.registry.dependents).
    The public search follows its names (saisei.plans.search)."""
    authorise(actor, "registry.committee.manage", committee, system)
    today = today or legal_today()
    certification_number = _check_committee(
        kind=kind, certification_number=certification_number, certified_on=certified_on, today=today
    )
    if not name.strip():
        raise invalid("name", _("This field is required."))
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    basis = {
        "kind": _(
            "Its renewal is applied for to the authority that certified it, which its kind "
            "decides (RM Act Art 28(3)), so the kind stays as registered."
        ),
        "certified_on": _(
            "Its renewal duty counts from the day it was certified (RM Act Art 28(1)), so that "
            "day stays as registered."
        ),
    }
    moved = {"kind": kind != committee.kind, "certified_on": certified_on != committee.certified_on}
    if any(moved.values()) and _renewal_basis_fixed(committee):
        raise invalid_fields(
            [field_error(field, message) for field, message in basis.items() if moved[field]],
            ErrorCode.COMMITTEE_RENEWAL_BASIS_FIXED,
            message=_(
                "The committee's renewal duty counts from its kind and the day it was certified, "
                "so they stay as registered."
            ),
            status=409,
        )
    if moved["kind"]:
        blocking = dependents.committee_kind.blocking(committee, kind)
        if blocking:
            raise invalid(
                "kind",
                _(
                    "Plans in this committee's care are of a class that a committee of the kind "
                    "chosen (%(kind)s) may not review: %(plans)s."
                )
                % {
                    "kind": CommitteeKind(kind).label,
                    "plans": ", ".join(d.label for d in blocking[:10]),
                },
                ErrorCode.COMMITTEE_KIND_MISMATCH,
                status=409,
                context={"dependents": [d.as_dict() for d in blocking]},
            )
    values: dict[str, Any] = {
        "name": name.strip(),
        "name_en": name_en.strip(),
        "kind": kind,
        "certification_number": certification_number,
        "founder_name": founder_name.strip(),
        "founder_type": founder_type,
        "certified_on": certified_on,
        "scope": scope.strip(),
    }
    if moved["certified_on"]:
        values["valid_until"] = period_bounds(
            "committee_renewal", certified_on, 1, rules=current_rules()
        )[1]
    _apply_changes(
        committee,
        values,
        action="registry.committee.changed",
        actor=actor,
        system=system,
        only_these=True,
    )
    return committee


@transaction.atomic
def facility_update(
    *,
    facility: ProcessingFacility,
    name: str,
    name_en: str = "",
    operator_name: str,
    country: str = "",
    prefecture: str = "",
    valid_until: date | None = None,
    actor: User | None,
    system: str | None = None,
) -> ProcessingFacility:
    """Correct or update a facility's record: its names, operator, place, and the end of its
    validity (a licence renewed for five more years). Its kind, number and the day its validity
    began are what its duties count from, and stay as registered."""
    authorise(actor, "registry.manage", facility, system)
    facility = ProcessingFacility.objects.select_for_update().get(pk=facility.pk)
    if valid_until is not None and valid_until < facility.valid_from:
        raise invalid("valid_until", _("The validity must end after it starts."))
    if facility.domestic and prefecture not in Prefecture.values:
        raise invalid("prefecture", _("Choose a prefecture."))
    _apply_changes(
        facility,
        {
            "name": name.strip(),
            "name_en": name_en.strip(),
            "operator_name": operator_name.strip(),
            "country": country.strip(),
            "prefecture": prefecture,
            "valid_until": valid_until,
        },
        action="registry.facility.changed",
        actor=actor,
        system=system,
    )
    return facility
