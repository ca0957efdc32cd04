"""Forms of the registry's pages: a committee's closed days and renewal, a facility's notices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from saisei.core.bounds import RmActFormMixin
from saisei.law import COMMITTEE_CLOSED_DAY_CHOICES
from saisei.registry.models import FacilityNoticeKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CLOSED_DAY_LABELS = {
    "sunday": _("Sundays"),
    "saturday": _("Saturdays"),
    "national_holiday": _("National holidays (including substitute and citizens' holidays)"),
    "year_end_closure": _("29 December to 3 January"),
}


def _date(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


class ClosedDaysForm(RmActFormMixin, forms.Form):
    closed_days = forms.MultipleChoiceField(
        label=_("Kinds of day the committee's rules record it closed"),
        choices=[(name, CLOSED_DAY_LABELS[name]) for name in COMMITTEE_CLOSED_DAY_CHOICES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class RenewalForm(RmActFormMixin, forms.Form):
    applied_on = _date(_("Applied on"))
    reference = forms.CharField(label=_("Reference (receipt or file number)"), max_length=100)
    excused = forms.BooleanField(
        label=_("Made outside the window for a disaster or other unavoidable reason"),
        required=False,
    )
    excused_reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RenewalDecisionForm(RmActFormMixin, forms.Form):
    granted = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Renewal granted")), ("no", _("Renewal refused"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    decided_on = _date(_("Decided on"))


class NoticeForm(RmActFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=FacilityNoticeKind.choices)
    event_on = _date(_("Date of the change or of the stop"))
    summary = forms.CharField(
        label=_("What changed, or why manufacture stopped"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
