from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from saisei.core.bounds import BoundedFormMixin
from saisei.law import ApprovalStatusCode
from saisei.products.models import ApprovalTypeChoice, Category
from saisei.products.selectors import UNCERTAIN_FILTER

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def status_choices() -> list[tuple[str, str | StrOrPromise]]:
    from saisei.products.status import status_label

    return [
        ("", _("Any status")),
        *((code.value, status_label(code.value)) for code in ApprovalStatusCode),
        (UNCERTAIN_FILTER, _("Cannot be computed from the recorded events")),
    ]


class ProductFilterForm(BoundedFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=status_choices)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Any category")), *Category.choices]
    )
    approval_type = forms.ChoiceField(
        label=_("Approval type"),
        required=False,
        choices=[("", _("Any type")), *ApprovalTypeChoice.choices],
    )
    as_of = forms.DateField(
        label=_("Status on (date)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for today (Japan time)."),
    )


class AsOfForm(BoundedFormMixin, forms.Form):
    as_of = forms.DateField(
        label=_("Status on (date)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _day(label: StrOrPromise, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


def decision_choices() -> list[tuple[str, str | StrOrPromise]]:
    from saisei.products.models import EventKind
    from saisei.products.services import DECISION_KINDS

    return [(kind, EventKind(kind).label) for kind in DECISION_KINDS]


class DecisionForm(BoundedFormMixin, forms.Form):
    """A decision or measure of the Minister on an approval (products.services.decision_record)."""

    kind = forms.ChoiceField(label=_("Decision or measure"), choices=decision_choices)
    occurred_on = _day(_("On"))
    detail = forms.CharField(label=_("Detail"), max_length=2000, required=False)
    source = forms.CharField(
        label=_("Source (where it is published)"), max_length=2000, required=False
    )
    years = forms.IntegerField(
        label=_("Years added to the time limit"),
        help_text=_("Only for an extension of the time limit."),
        min_value=1,
        max_value=7,
        required=False,
    )
    new_end_date = _day(_("New last day of the time limit"), required=False)


class GrantForm(BoundedFormMixin, forms.Form):
    """The Minister grants an application (products.services.approval_grant)."""

    approved_on = _day(_("Approved on"))
    council_endorsed_on = _day(_("Council endorsed on"), required=False)
    time_limit_years = forms.IntegerField(
        label=_("Time limit (years)"),
        help_text=_("A conditional, time-limited approval: at most 7 years."),
        min_value=1,
        max_value=7,
        required=False,
    )
    time_limit_ends_on = _day(_("Last day of the time limit, as the letter states"), required=False)
    target_patients = forms.IntegerField(
        label=_("Target number of patients"), min_value=1, max_value=1_000_000, required=False
    )
    all_case_surveillance = forms.NullBooleanField(
        label=_("All-case surveillance"), required=False, widget=forms.NullBooleanSelect
    )
    conditions = forms.CharField(
        label=_("Conditions"), max_length=4000, required=False, widget=forms.Textarea
    )
    source = forms.CharField(
        label=_("Source (where it is published)"), max_length=2000, required=False
    )
