"""Forms parse input; services decide. A refusal from a service lands on the form's field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from saisei.core.bounds import MAX_PERIOD, RmActFormMixin
from saisei.reporting.models import (
    REPORT_TEXT_MAX,
    AECategory,
    AECausality,
    AEOutcome,
    Continuation,
    Recipient,
)

DATE = forms.DateInput(attrs={"type": "date"})


class TreatmentForm(RmActFormMixin, forms.Form):
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
        cast(forms.ChoiceField, self.fields["facility"]).choices = [
            (f.pk, f"{f} ") for f in facilities
        ]


class OutcomeForm(RmActFormMixin, forms.Form):
    treatment = forms.ChoiceField(label=_("Treatment"))
    criterion = forms.ChoiceField(label=_("Evaluation criterion"))
    measured_on = forms.DateField(label=_("Measured on"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=4)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(
        self, *args: Any, treatments: list[Any], criteria: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["treatment"]).choices = [
            (t.pk, str(t)) for t in treatments
        ]
        cast(forms.ChoiceField, self.fields["criterion"]).choices = [
            (c.pk, f"{c.position}. {c.measure} ({c.time_point})") for c in criteria
        ]


class CsvForm(forms.Form):
    """A CSV file (a streamed upload, as large as SAISEI_MAX_UPLOAD_BYTES allows the request)
    or pasted text (within SAISEI_MAX_REQUEST_BYTES). `csv` is the file itself, read row by row
    by the import, or the text; the import reports a file that is not UTF-8 by its line."""

    file = forms.FileField(label=_("CSV file (UTF-8)"), required=False)
    text = forms.CharField(
        label=_("or paste the CSV here"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def clean(self) -> dict[str, Any]:
        # Form.clean gives back cleaned_data, which is never None once the fields are cleaned.
        cleaned = cast(dict[str, Any], super().clean())
        upload = cleaned.get("file")
        if upload is not None:
            cleaned["csv"] = upload
        elif cleaned.get("text", "").strip():
            cleaned["csv"] = cleaned["text"]
        else:
            raise forms.ValidationError(_("Choose a file or paste the CSV."))
        return cleaned


class AdverseEventForm(RmActFormMixin, forms.Form):
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


class AdverseEventReportForm(RmActFormMixin, forms.Form):
    """One report to one recipient. `recipients` are those the law sends this report to (the
    committee and the plan's authority, or the committee only); the service refuses others."""

    recipient = forms.ChoiceField(label=_("Submitted to"))
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE)
    summary = forms.CharField(
        label=_("Summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, recipients: Sequence[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["recipient"]).choices = (
            Recipient.choices
            if recipients is None
            else [(r, Recipient(r).label) for r in recipients if r in Recipient.values]
        )


class CycleReportForm(AdverseEventReportForm):
    period = forms.IntegerField(label=_("60-day period"), min_value=1, max_value=MAX_PERIOD)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The other events of a 60-day period are reported to the committee only.
        kwargs.setdefault("recipients", [Recipient.COMMITTEE.value])
        super().__init__(*args, **kwargs)


class GenerateForm(RmActFormMixin, forms.Form):
    period = forms.IntegerField(label=_("Period"), min_value=1, max_value=MAX_PERIOD)


class OpinionForm(RmActFormMixin, forms.Form):
    opinion = forms.CharField(
        label=_("Committee's opinion"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class PeriodicContentForm(RmActFormMixin, forms.Form):
    """What the institution writes in its periodic report (Ordinance Art 37(1)(iii)-(v)).

    A draft may be saved with items empty; submission refuses until each is written."""

    evaluation = forms.CharField(
        label=_("Evaluation of safety and scientific validity"),
        help_text=_(
            "The institution's own evaluation, in the light of the adverse events and the "
            "outcomes against each evaluation criterion shown above (Ordinance Art 37(1)(iii))."
        ),
        max_length=REPORT_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    conflicts_of_interest = forms.CharField(
        label=_("Conflict-of-interest matters"),
        help_text=_(
            "The involvement of anyone with an interest in the treatment (Ordinance Art 8-8, "
            'Art 37(1)(iv)). Write "none" if there were none.'
        ),
        max_length=REPORT_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    non_compliance = forms.CharField(
        label=_("Non-compliance with the Ordinance or the plan, and its handling"),
        help_text=_(
            "Each case of non-compliance in the period and what was done about it (Ordinance "
            'Art 37(1)(v)). Write "none" if there was none.'
        ),
        max_length=REPORT_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PeriodicOpinionForm(RmActFormMixin, forms.Form):
    """The committee's opinion on a periodic report (Ordinance Art 37(4))."""

    continuation = forms.ChoiceField(
        label=_("Opinion on continuing provision"),
        choices=[("", "—"), *Continuation.choices],
    )
    opinion = forms.CharField(
        label=_("Committee's opinion"),
        max_length=REPORT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FileForm(RmActFormMixin, forms.Form):
    filed_on = forms.DateField(label=_("Filed on"), widget=DATE)
