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
