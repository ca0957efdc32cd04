"""Verification: every stored obligation recomputed from the recorded events and the law."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from saisei.law import Recipient
from saisei.obligations.models import OUTSTANDING, Obligation, ObligationStatus
from saisei.obligations.services.core import SUPERSEDING_RECORD, _expected, compute_due
from saisei.obligations.sources import ObligationSpec, covered_rules


@dataclass(frozen=True)
class Difference:
    kind: str  # missing, unexpected, due_date, period, status
    rule: str
    subject: str
    detail: str
    obligation_id: int | None = None

    def __str__(self) -> str:
        where = f"obligation #{self.obligation_id}" if self.obligation_id else "no obligation"
        return f"{self.kind}: {self.rule} for {self.subject} ({where}): {self.detail}"


def obligations_verify(*, today: date) -> list[Difference]:
    """Recompute every obligation from the recorded events and report each difference."""
    differences: list[Difference] = []
    expected = {s.key: s for s in _expected(today)}
    covered = covered_rules()
    seen: set[tuple[str, str, str, date, int, str]] = set()
    for ob in Obligation.objects.order_by("pk").iterator(chunk_size=2000):
        key = (ob.rule, ob.subject_type, ob.subject_id, ob.starts_on, ob.period, ob.recipient)
        seen.add(key)
        subject = f"{ob.subject_type}:{ob.subject_id}"
        if ob.rule in covered and key not in expected:
            if ob.status == ObligationStatus.WAIVED and ob.met_by_type == SUPERSEDING_RECORD:
                continue  # no longer owed: the record named on it covers it (see supersede)
            differences.append(
                Difference(
                    "unexpected", ob.rule, subject, _("no recorded event calls for it"), ob.pk
                )
            )
            continue
        spec = expected.get(key) or ObligationSpec(
            rule=ob.rule,
            organisation_id=ob.organisation_id,
            subject_type=ob.subject_type,
            subject_id=ob.subject_id,
            subject_label=ob.subject_label,
            starts_on=ob.starts_on,
            period=ob.period,
            also_visible_to_id=ob.also_visible_to_id,
            recipient=ob.recipient,
        )
        if ob.status not in OUTSTANDING and spec.recipient == Recipient.COMMITTEE.value:
            # A duty already met or waived was judged against the committee's rules as they were
            # then; the stored explanation records them.
            spec = dataclasses.replace(
                spec, committee_closed=tuple(ob.explanation.get("committee_closed") or ())
            )
        try:
            due = compute_due(spec)
        except Exception as exc:  # a rule id the law no longer knows
            differences.append(Difference("unknown_rule", ob.rule, subject, str(exc), ob.pk))
            continue
        if (ob.nominal_due, ob.due_on) != (due.nominal_due, due.due):
            differences.append(
                Difference(
                    "due_date",
                    ob.rule,
                    subject,
                    f"stored due {ob.due_on} (nominal {ob.nominal_due}), "
                    f"the law gives {due.due} (nominal {due.nominal_due})",
                    ob.pk,
                )
            )
        elif (ob.period_start, ob.period_end) != (due.period_start, due.period_end):
            differences.append(
                Difference(
                    "period",
                    ob.rule,
                    subject,
                    f"stored period {ob.period_start} to {ob.period_end}, "
                    f"the law gives {due.period_start} to {due.period_end}",
                    ob.pk,
                )
            )
        elif ob.organisation_id != spec.organisation_id:
            differences.append(
                Difference(
                    "organisation", ob.rule, subject, "responsible organisation differs", ob.pk
                )
            )
        elif ob.status == ObligationStatus.OPEN and ob.due_on < today:
            differences.append(
                Difference(
                    "status", ob.rule, subject, "open past its due date: run the tick", ob.pk
                )
            )
        elif ob.status == ObligationStatus.MET and ob.met_on and ob.met_on > ob.due_on:
            differences.append(
                Difference("status", ob.rule, subject, "met late but marked met", ob.pk)
            )
    for key, spec in expected.items():
        if key not in seen:
            differences.append(
                Difference(
                    "missing",
                    spec.rule,
                    f"{spec.subject_type}:{spec.subject_id}",
                    f"clock started {spec.starts_on}"
                    + (f", period {spec.period}" if spec.period else ""),
                )
            )
    return differences
