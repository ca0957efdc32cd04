"""Forms of the registry's pages: a committee's closed days and renewal, a facility's notices,
and the regulator's records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saisei.core.bounds import RmActFormMixin
from saisei.law import COMMITTEE_CLOSED_DAY_CHOICES
from saisei.registry.models import (
    CommitteeKind,
    FacilityKind,
    FacilityNoticeKind,
    FounderType,
    InstitutionKind,
    MemberCategory,
    Sex,
)
from saisei.registry.regions import Prefecture

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


# -- The regulator's records (registry.manage): new institutions, committees and facilities,
# a committee's rules and members. Each form's fields are the service's, bounded as the API's.


class InstitutionForm(RmActFormMixin, forms.Form):
    slug = forms.SlugField(
        label=_("Identifier"),
        help_text=_("Letters, digits and hyphens: the institution's account name in Saisei."),
        max_length=80,
    )
    name = forms.CharField(label=_("Name (Japanese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=InstitutionKind.choices)
    prefecture = forms.ChoiceField(label=_("Prefecture"), choices=Prefecture.choices)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    manager_name = forms.CharField(label=_("Manager"), max_length=150)


class CommitteeForm(RmActFormMixin, forms.Form):
    slug = forms.SlugField(label=_("Identifier"), max_length=80)
    name = forms.CharField(label=_("Name (Japanese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=CommitteeKind.choices)
    certification_number = forms.CharField(
        label=_("Certification number"),
        help_text=_("NA… for a specially certified committee, NB… for a certified one."),
        max_length=9,
    )
    founder_name = forms.CharField(label=_("Founder"), max_length=200)
    founder_type = forms.ChoiceField(label=_("Founder type"), choices=FounderType.choices)
    certified_on = _date(_("Certified on"))
    scope = forms.CharField(label=_("Scope of review"), max_length=300, required=False)


class RulesForm(RmActFormMixin, forms.Form):
    min_present = forms.IntegerField(label=_("Minimum members present"), min_value=1, max_value=100)
    majority_present = forms.BooleanField(label=_("A majority of members present"), required=False)
    both_sexes = forms.BooleanField(label=_("At least one man and one woman"), required=False)
    required_categories = forms.MultipleChoiceField(
        label=_("Member categories that must be present"),
        choices=MemberCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    min_no_interest = forms.IntegerField(
        label=_("Members with no interest in the applicant, at least"), min_value=0, max_value=100
    )
    min_independent = forms.IntegerField(
        label=_("Members independent of the founder, at least"), min_value=0, max_value=100
    )


class MemberForm(RmActFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    category = forms.ChoiceField(label=_("Category"), choices=MemberCategory.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    independent_of_founder = forms.BooleanField(
        label=_("Independent of the founder"), required=False, initial=True
    )
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200, required=False)


class FacilityForm(RmActFormMixin, forms.Form):
    name = forms.CharField(label=_("Name (Japanese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=FacilityKind.choices)
    number = forms.CharField(label=_("Facility number"), max_length=40)
    operator_name = forms.CharField(label=_("Operator"), max_length=200)
    domestic = forms.BooleanField(label=_("In Japan"), required=False, initial=True)
    country = forms.CharField(
        label=_("Country (a foreign facility)"), max_length=80, required=False
    )
    prefecture = forms.ChoiceField(
        label=_("Prefecture"), choices=[("", "—"), *Prefecture.choices], required=False
    )
    valid_from = _date(_("Licensed, notified or accredited on"))
    valid_until = forms.DateField(
        label=_("Valid until"),
        help_text=_("A licence: five years (Act Art 36(1)); empty for a notified facility."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class InstitutionEditForm(InstitutionForm):
    """The same record without its identifier (the account name stays as registered)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["slug"]


class CommitteeEditForm(CommitteeForm):
    """The same record without its identifier (the account name stays as registered)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["slug"]
        self.fields["certified_on"].help_text = _(
            "The kind and this day stay as registered once the renewal duty is open: the duty "
            "counts from them."
        )


class FacilityEditForm(RmActFormMixin, forms.Form):
    name = forms.CharField(label=_("Name (Japanese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    operator_name = forms.CharField(label=_("Operator"), max_length=200)
    country = forms.CharField(
        label=_("Country (a foreign facility)"), max_length=80, required=False
    )
    prefecture = forms.ChoiceField(
        label=_("Prefecture"), choices=[("", "—"), *Prefecture.choices], required=False
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        help_text=_(
            "A renewed licence: its new last day. The kind, number and start of validity stay as "
            "registered: the facility's duties count from them."
        ),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
