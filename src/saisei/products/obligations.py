"""The holder's duties under a conditional, time-limited approval (PMD Act Art 23-26).

Before the time limit ends the holder must apply again for approval with confirmatory
evidence; an application filed on or before the limit's last day keeps the approval in force
until it is decided (domain.md §2). The limit's end is what the law engine computes from the
approval and its recorded events (extensions included), so the duties follow it.

The approval's conditions that name a deliverable are duties too, due by the same day: a
target number of patients (met by confirmatory data covering that many) and all-case
surveillance (met by its results, submitted as confirmatory data). Conditions kept only as
free text are shown on the product page but cannot be tracked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from saisei.accounts.models import User
from saisei.obligations import sources
from saisei.obligations.sources import ObligationSpec

APPROVAL = "products.approval"
BASIS = (
    "PMD Act Art 23-26 (conditional, time-limited approval: apply again for approval, with "
    "confirmatory evidence, by the last day of the time limit)"
)
CONDITION_BASIS = (
    "PMD Act Art 23-26 (conditions attached to a conditional, time-limited approval; the "
    "confirmatory evidence they call for supports the application due by the time limit)"
)


def _time_limit(approval: Any, today: date) -> tuple[date, Any, list[Any]] | None:
    """The time limit the holder's duties run to, the status today and the recorded events.

    None where there is no duty to compute: not a conditional approval, not yet approved, or a
    history the recorded events cannot settle.
    """
    from saisei.products.models import EventKind
    from saisei.products.status import compute_status

    if approval.approval_type != "conditional_time_limited" or approval.approved_on is None:
        return None
    if approval.approved_on > today:
        return None
    events = list(approval.events.all())
    gaps = list(approval.status_gaps.all())
    if gaps:
        # The recorded events cannot settle this approval's history (HeartSheet's extension
        # and re-application are undated): no duty is computed rather than a false one.
        return None
    status = compute_status(approval, today, events=events, gaps=gaps)
    limit = status.time_limit_ends_on
    converted = sorted(
        e.occurred_on for e in events if e.kind == EventKind.CONVERTED_TO_FULL_APPROVAL
    )
    if limit is None and converted:
        # A full approval has no limit; the duty was the one in force the day before.
        before = compute_status(
            approval, converted[0] - timedelta(days=1), events=events, gaps=gaps
        )
        limit = before.time_limit_ends_on
    if limit is None:
        return None
    return limit, status, events


def _label(approval: Any) -> str:
    product = approval.product
    return f"{product.brand_name_ja or product.brand_name} ({product.brand_name})"


def _first(events: list[Any], matches: Any) -> Any:
    found = sorted((e for e in events if matches(e)), key=lambda e: (e.occurred_on, e.pk))
    return found[0] if found else None


def approval_duty_specs(approval: Any, today: date) -> list[ObligationSpec]:
    """The holder's duties under one conditional approval, from its recorded events: the
    re-application before the time limit, and each condition that names a deliverable."""
    from saisei.products.models import EventKind

    found = _time_limit(approval, today)
    if found is None:
        return []
    limit, status, events = found
    common = {
        "organisation_id": approval.product.holder.organisation_id,
        "subject_type": APPROVAL,
        "subject_id": str(approval.pk),
        "subject_label": _label(approval),
        "starts_on": approval.approved_on,
        "recipient": "minister",
        "fixed_due": limit,
    }
    limit_text = (
        f"the time limit of the conditional approval of {approval.approved_on} ends {limit} "
        "(the approval day counts as day 1; extensions and a stated end date as recorded)"
    )
    limit_ja = (
        f"{approval.approved_on}の条件及び期限付承認の期限は{limit}に終わります(承認日を1日目"
        "とし、延長や承認書に記載された期限を反映)"
    )
    reapplication = _first(events, lambda e: e.kind == EventKind.REAPPLICATION_FILED)
    specs = [
        ObligationSpec(
            rule="pmd_time_limit",
            fixed_basis=BASIS,
            fixed_explanation=(
                f"{limit_text[0].upper()}{limit_text[1:]}. {status.reason or ''}"
            ).strip(),
            fixed_explanation_ja=(
                f"{limit_ja}。期限の末日までに、検証的な証拠を添えて改めて承認を申請します"
                "(医薬品医療機器等法第23条の26)。"
            ),
            met_on=reapplication.occurred_on if reapplication else None,
            met_by=("products.approvalevent", str(reapplication.pk)) if reapplication else None,
            **common,
        )
    ]
    # A conversion to full approval is the Minister's finding that the conditions were
    # fulfilled: it meets a condition no confirmatory-data submission was recorded for.
    conversion = _first(events, lambda e: e.kind == EventKind.CONVERTED_TO_FULL_APPROVAL)
    target = approval.target_patients
    if target:
        data = _first(
            events,
            lambda e: (
                e.kind == EventKind.CONFIRMATORY_DATA_SUBMITTED
                and e.patients is not None
                and e.patients >= target
            ),
        )
        met = data or conversion
        specs.append(
            ObligationSpec(
                rule="pmd_condition_patients",
                fixed_basis=CONDITION_BASIS,
                fixed_explanation=(
                    f"Condition of the approval: confirmatory data on at least {target} patients, "
                    f"submitted by the end of the time limit; {limit_text}. Met by the first "
                    f"confirmatory-data submission covering {target} patients or more, or by "
                    "conversion to full approval."
                ),
                fixed_explanation_ja=(
                    f"承認条件:少なくとも{target}例についての確認データを期限の末日までに提出;"
                    f"{limit_ja}。{target}例以上を含む最初の確認データの提出、または本承認への"
                    "切替えで満たされます。"
                ),
                met_on=met.occurred_on if met else None,
                met_by=("products.approvalevent", str(met.pk)) if met else None,
                **common,
            )
        )
    if approval.all_case_surveillance:
        data = _first(events, lambda e: e.kind == EventKind.CONFIRMATORY_DATA_SUBMITTED)
        met = data or conversion
        specs.append(
            ObligationSpec(
                rule="pmd_condition_surveillance",
                fixed_basis=CONDITION_BASIS,
                fixed_explanation=(
                    "Condition of the approval: all-case surveillance, its results submitted as "
                    f"confirmatory data by the end of the time limit; {limit_text}. Met by the "
                    "first confirmatory-data submission, or by conversion to full approval."
                ),
                fixed_explanation_ja=(
                    "承認条件:全例調査を行い、その結果を確認データとして期限の末日までに提出;"
                    f"{limit_ja}。最初の確認データの提出、または本承認への切替えで満たされます。"
                ),
                met_on=met.occurred_on if met else None,
                met_by=("products.approvalevent", str(met.pk)) if met else None,
                **common,
            )
        )
    return specs


def _conditional_approvals(today: date) -> dict[str, Any]:
    from saisei.products.models import Approval

    return {
        APPROVAL: Approval.objects.filter(
            approval_type="conditional_time_limited", approved_on__lte=today
        )
    }


def _approval_specs(today: date, subject_type: str, pks: Sequence[int]) -> Iterator[ObligationSpec]:
    approvals = (
        _conditional_approvals(today)[subject_type]
        .filter(pk__range=(pks[0], pks[-1]))
        .select_related("product__holder")
        .prefetch_related("events", "status_gaps")
        .order_by("pk")
    )
    for approval in approvals:
        yield from approval_duty_specs(approval, today)


# Registered by ProductsConfig.ready() with time_limits_expected.
TIME_LIMITS = sources.BySubject(_conditional_approvals, _approval_specs)


def time_limits_expected(today: date) -> Iterator[ObligationSpec]:
    return sources.expected_by_subject(TIME_LIMITS, today)


def approval_duty_refresh(approval: Any, *, actor: User, today: date) -> None:
    """Open or update the duties after an event of this approval (inside its transaction)."""
    from saisei.obligations.services import obligation_open, obligation_sync

    for spec in approval_duty_specs(approval, today):
        obligation_open(spec=spec, actor=actor, today=today)
        obligation_sync(spec=spec, today=today)
