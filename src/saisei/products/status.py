"""An approval's status on a day, computed by `saisei.law` from the recorded facts and events.

Nothing here stores a status. The law engine answers from the approval's facts and the events
dated on or before the day; this module translates rows into the engine's inputs, adds the
caveat of a known gap in the data, and words the answer for people in Japanese or English.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from saisei.law import (
    ApprovalEvent as LawEvent,
)
from saisei.law import (
    ApprovalEventKind,
    ApprovalFacts,
    ApprovalReason,
    ApprovalStatusCode,
    ApprovalType,
    approval_status,
)
from saisei.products.models import Approval, ApprovalEvent, StatusGap

LAW_EVENT_KINDS = frozenset(kind.value for kind in ApprovalEventKind)
STATUS_UNKNOWN_CODE = "status_unknown"
TIME_LIMIT_END_UNKNOWN_CODE = "time_limit_end_unknown"
GAP_CODES = frozenset({STATUS_UNKNOWN_CODE, TIME_LIMIT_END_UNKNOWN_CODE})


@dataclass(frozen=True)
class ProductStatus:
    """The status of one approval on one day, as the law engine computed it.

    Inside a status gap the recorded events cannot settle everything: in a gap with a known
    status, `status` and `in_force` are that status and `time_limit_ends_on` is None (the end is
    what is not known); in any other gap all three are None. `reason` (English, for programs)
    and `explanation()` (the active language, for people) then say what is not known, from the
    gap's note. `reason` is otherwise the law engine's English explanation.
    """

    as_of: date
    status: str | None
    in_force: bool | None
    time_limit_ends_on: date | None
    reason: str
    reason_code: str
    approved_on: date | None
    caveats: tuple[str, ...] = field(default_factory=tuple)
    gap_note: str = ""
    gap_note_ja: str = ""

    @property
    def uncertain(self) -> bool:
        return self.status is None

    @property
    def in_gap(self) -> bool:
        return self.reason_code in GAP_CODES

    def to_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "status": self.status,
            "in_force": self.in_force,
            "time_limit_ends_on": (
                self.time_limit_ends_on.isoformat() if self.time_limit_ends_on else None
            ),
            "reason": self.full_reason,
        }

    @property
    def full_reason(self) -> str:
        """The reason with every caveat appended, for outputs that have one text field."""
        return " ".join([self.reason, *self.caveats])

    def label(self) -> str:
        return status_label(self.status)

    def explanation(self) -> str:
        return explain(self)

    def summary(self) -> str:
        """The explanation without the gap's note (for a page that shows the notes)."""
        return explain(self, with_note=False)


def status_label(code: str | None) -> str:
    labels = {
        ApprovalStatusCode.NOT_APPROVED: _("Not approved"),
        ApprovalStatusCode.APPROVED: _("Approved"),
        ApprovalStatusCode.CONDITIONAL: _("Conditionally approved, within its time limit"),
        ApprovalStatusCode.CONDITIONAL_PENDING_DECISION: _(
            "Conditionally approved, time limit passed, decision on full approval pending"
        ),
        ApprovalStatusCode.LAPSED: _("Approval lapsed"),
        ApprovalStatusCode.REVOKED: _("Approval revoked"),
    }
    if code is None:
        return _("Cannot be computed from the recorded events")
    return str(labels.get(ApprovalStatusCode(code), code))


def law_inputs(
    approval: Approval, events: Iterable[ApprovalEvent]
) -> tuple[ApprovalFacts, list[LawEvent]]:
    if approval.approved_on is None:
        # Not approved yet: the time limit may not be decided, and the engine answers
        # not_approved for any approval without a date whatever its type.
        facts = ApprovalFacts(ApprovalType.STANDARD, None)
    elif approval.is_conditional:
        facts = ApprovalFacts(
            ApprovalType.CONDITIONAL_TIME_LIMITED,
            approval.approved_on,
            time_limit_years=approval.time_limit_years,
            time_limit_ends_on=approval.time_limit_ends_on,
        )
    else:
        facts = ApprovalFacts(ApprovalType.STANDARD, approval.approved_on)
    law_events = [
        LawEvent(
            kind=ApprovalEventKind(event.kind),
            on=event.occurred_on,
            years=event.years,
            new_end_date=event.new_end_date,
            detail=event.detail,
        )
        for event in events
        if event.kind in LAW_EVENT_KINDS
    ]
    return facts, law_events


def compute_status(
    approval: Approval,
    as_of: date,
    *,
    events: Iterable[ApprovalEvent] | None = None,
    gaps: Iterable[StatusGap] | None = None,
) -> ProductStatus:
    """The approval's status on `as_of`. Uses prefetched events and gaps when present."""
    if events is None:
        events = list(approval.events.all())
    if gaps is None:
        gaps = list(approval.status_gaps.all())
    facts, law_events = law_inputs(approval, events)
    result = approval_status(facts, law_events, as_of)
    gaps = list(gaps)
    inside = [gap for gap in gaps if gap.covers(as_of)]
    if inside:
        # The engine's own answer is not shown at all here: it rests on the first possible day
        # of an event whose day is not known, and would cite that day as if it were known.
        gap = inside[0]
        day = as_of.isoformat()
        if gap.known_status:
            known = ApprovalStatusCode(gap.known_status)
            return ProductStatus(
                as_of=as_of,
                status=known.value,
                in_force=known.in_force,
                time_limit_ends_on=None,
                reason=(
                    f"On {day} the status is {known.value} whichever day the undated events "
                    f"fell on, but the end of the time limit on that day is not known: {gap.note}"
                ),
                reason_code=TIME_LIMIT_END_UNKNOWN_CODE,
                approved_on=approval.approved_on,
                gap_note=gap.note,
                gap_note_ja=gap.note_ja,
            )
        return ProductStatus(
            as_of=as_of,
            status=None,
            in_force=None,
            time_limit_ends_on=None,
            reason=(f"The status on {day} cannot be computed from the recorded events: {gap.note}"),
            reason_code=STATUS_UNKNOWN_CODE,
            approved_on=approval.approved_on,
            gap_note=gap.note,
            gap_note_ja=gap.note_ja,
        )
    # A past gap whose status was not known is part of the history a reader should know of;
    # one whose status was known never hid a status, so it is no caveat.
    caveats = tuple(
        f"Caveat: from {gap.starts_on.isoformat()} to {gap.ends_on.isoformat()} the status "
        f"could not be computed, because some events' days are not known: {gap.note}"
        for gap in gaps
        if gap.ends_on is not None and gap.ends_on < as_of and not gap.known_status
    )
    return ProductStatus(
        as_of=as_of,
        status=result.status.value,
        in_force=result.in_force,
        time_limit_ends_on=result.time_limit_ends_on,
        reason=result.reason,
        reason_code=result.reason_code.value,
        approved_on=approval.approved_on,
        caveats=caveats,
    )


def _is_japanese() -> bool:
    return (get_language() or "").startswith("ja")


def explain(status: ProductStatus, *, with_note: bool = True) -> str:
    """A plain-language sentence for a patient, in the active language. Inside a status gap it
    ends with the gap's note in that language, unless `with_note` is False (a page that shows
    the notes beside it)."""
    end = status.time_limit_ends_on.isoformat() if status.time_limit_ends_on else ""
    note = status.gap_note_ja if _is_japanese() and status.gap_note_ja else status.gap_note
    gap_texts = {
        STATUS_UNKNOWN_CODE: _(
            "Some events of this approval happened on days that are not known, and on this day "
            "the status depends on them, so it is not given."
        ),
        TIME_LIMIT_END_UNKNOWN_CODE: _(
            "On this day the approval's status is known, whichever day the undated events fell "
            "on, but the end of its time limit is not."
        ),
    }
    if status.reason_code in gap_texts:
        text = str(gap_texts[status.reason_code])
        if with_note and note:
            text = _("%(text)s What is known: %(note)s") % {"text": text, "note": note}
        return str(text)
    texts: dict[str, str] = {
        ApprovalReason.NO_APPROVAL: _("No approval has been recorded for this product."),
        ApprovalReason.BEFORE_APPROVAL: _("On this day the product was not yet approved."),
        ApprovalReason.STANDARD_APPROVAL: _(
            "The product is approved: its efficacy and safety were shown before approval."
        ),
        ApprovalReason.CONVERTED_TO_FULL_APPROVAL: _(
            "The product was first approved conditionally and later received full approval."
        ),
        ApprovalReason.WITHIN_TIME_LIMIT: _(
            "The product is approved on early evidence: its efficacy is presumed, its safety is "
            "confirmed. The approval is valid until %(end)s. Before then the company must apply "
            "again with evidence that it works."
        )
        % {"end": end},
        ApprovalReason.REAPPLICATION_PENDING: _(
            "The time limit ended on %(end)s, but the company applied for full approval in time. "
            "The approval stays in force until the Minister decides."
        )
        % {"end": end},
        ApprovalReason.REAPPLICATION_REFUSED: _(
            "The application for full approval was refused, so the conditional approval ended."
        ),
        ApprovalReason.REAPPLICATION_WITHDRAWN: _(
            "The application for full approval was withdrawn, so the conditional approval ended."
        ),
        ApprovalReason.TIME_LIMIT_PASSED: _(
            "The time limit ended on %(end)s and no application for full approval is recorded, "
            "so the approval lapsed."
        )
        % {"end": end},
        ApprovalReason.RECORDED_LAPSED: _("The approval was recorded as lapsed."),
        ApprovalReason.REVOKED: _("The approval was revoked."),
    }
    found = texts.get(status.reason_code)
    if found is None:  # pragma: no cover - a new reason code from the law engine
        return status.reason
    return found
