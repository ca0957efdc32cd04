from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saisei.core.bounds import RmActFormMixin


class FilingForm(RmActFormMixin, forms.Form):
    filed_on = forms.DateField(label=_("Filed on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference (receipt or file number)"), max_length=100)


class WaiverForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the waiver"),
        help_text=_(
            "Recorded with the duty and in the audit trail: why the duty no longer has to be met."
        ),
        max_length=4000,
        widget=forms.Textarea,
    )
