"""Forms parse input; services decide. A refusal from a service lands on the form's field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saisei.reporting.models import AECategory, AECausality, AEOutcome, Recipient

DATE = forms.DateInput(attrs={"type": "date"})


class TreatmentForm(forms.Form):
    patient_code = forms.CharField(
        label=_("Patient code"),
        max_length=40,
        help_text=_(
            "Your institution's own pseudonymous code (letters, digits, - and _), never a name."
        ),
    )
    treated_on = forms.DateField(label=_("Treated on"), widget=DATE)
    facility = forms.ChoiceField(label=_("Processing facility"))
    lot = forms.CharField(label=_("Lot"), max_length=60, required=False)

    def __init__(self, *args: Any, facilities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [(f.pk, f"{f} ") for f in facilities]


class OutcomeForm(forms.Form):
    treatment = forms.ChoiceField(label=_("Treatment"))
    criterion = forms.ChoiceField(label=_("Evaluation criterion"))
    measured_on = forms.DateField(label=_("Measured on"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=4)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(
        self, *args: Any, treatments: list[Any], criteria: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["treatment"].choices = [(t.pk, str(t)) for t in treatments]
        self.fields["criterion"].choices = [
            (c.pk, f"{c.position}. {c.measure} ({c.time_point})") for c in criteria
        ]


class CsvForm(forms.Form):
    file = forms.FileField(label=_("CSV file (UTF-8)"), required=False)
    text = forms.CharField(
        label=_("or paste the CSV here"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > 5 * 1024 * 1024:
                raise forms.ValidationError(_("The file is larger than 5 MB."))
            try:
                cleaned["csv"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    _("Save the file as UTF-8 CSV and try again.")
                ) from None
        elif cleaned.get("text", "").strip():
            cleaned["csv"] = cleaned["text"]
        else:
            raise forms.ValidationError(_("Choose a file or paste the CSV."))
        return cleaned


class AdverseEventForm(forms.Form):
    patient_code = forms.CharField(label=_("Patient code"), max_length=40)
    learned_on = forms.DateField(
        label=_("The institution learned of it on"),
        widget=DATE,
        help_text=_("The report's deadline counts from this day."),
    )
    onset_on = forms.DateField(label=_("Onset"), widget=DATE, required=False)
    category = forms.ChoiceField(label=_("Seriousness"), choices=AECategory.choices)
    infection = forms.BooleanField(
        label=_("Suspected infection from the treatment"), required=False
    )
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AEOutcome.choices)
    causality = forms.ChoiceField(label=_("Causality"), choices=AECausality.choices)


class AdverseEventReportForm(forms.Form):
    recipient = forms.ChoiceField(label=_("Submitted to"), choices=Recipient.choices)
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE)
    summary = forms.CharField(
        label=_("Summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CycleReportForm(AdverseEventReportForm):
    period = forms.IntegerField(label=_("60-day period"), min_value=1)


class GenerateForm(forms.Form):
    period = forms.IntegerField(label=_("Period"), min_value=1)


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("Committee's opinion"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class FileForm(forms.Form):
    filed_on = forms.DateField(label=_("Filed on"), widget=DATE)
