"""Forms for the plan pages. They only parse input; the services decide and validate the rules,
and their refusals are attached back to the fields by saisei.core.forms.attach_errors, with
`plan_field_name` mapping a service's field path to the form's field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ValidationError

from saisei.core.bounds import SEARCH_MAX, RmActFormMixin
from saisei.core.errors import field_error, invalid_fields
from saisei.law import CellKind, CellSource, ExcludedPractice, Purpose, Species
from saisei.plans.content import (
    BY_NAME,
    CONTENT_NAMES,
    CRITERION_CONTENT,
    PLAN_CONTENT,
    ContentField,
    content_of,
)
from saisei.plans.models import (
    PUBLIC_STATUS_CHOICES,
    Condition,
    Decision,
    Meeting,
    OrderKind,
    OrderRecord,
    OrderTarget,
    ReportingRecord,
    Therapy,
)
from saisei.plans.schemas import CriterionIn, PlanContentIn
from saisei.plans.selectors import SEARCH_STATUSES
from saisei.registry.models import Committee, Institution, ProcessingFacility
from saisei.registry.regions import Prefecture

CRITERIA_ROWS = 3

PURPOSES = [
    (Purpose.TREATMENT.value, _("Treatment of disease")),
    (Purpose.PREVENTION.value, _("Prevention of disease")),
    (
        Purpose.RECONSTRUCTION.value,
        _("Reconstruction, repair or formation of body structure or function"),
    ),
    (Purpose.OTHER.value, _("Other (for example cosmetic only)")),
]
EXCLUDED = [
    ("", _("None of these")),
    (ExcludedPractice.TRANSFUSION.value, _("Blood transfusion")),
    (ExcludedPractice.HSC_TRANSPLANT.value, _("Haematopoietic stem-cell transplant (HSC Act)")),
    (ExcludedPractice.ASSISTED_REPRODUCTION.value, _("Assisted reproduction")),
    (
        ExcludedPractice.APPROVED_DEVICE.value,
        _("Only cells made with an approved medical device, used as its approval states"),
    ),
    (
        ExcludedPractice.DESIGNATED_VACCINE.value,
        _("A nucleic-acid vaccine against an infectious disease designated by the Minister"),
    ),
]
SPECIES = [(Species.HUMAN.value, _("Human")), (Species.ANIMAL.value, _("Animal (xenogeneic)"))]
SOURCES = [
    (CellSource.AUTOLOGOUS.value, _("The patient's own (autologous)")),
    (CellSource.ALLOGENEIC.value, _("Someone else's (allogeneic)")),
]
KINDS = [
    (CellKind.SOMATIC.value, _("Somatic cells (not stem cells)")),
    (CellKind.SOMATIC_STEM.value, _("Somatic stem cells (e.g. adipose-derived, bone marrow)")),
    (CellKind.IPS.value, _("iPS or iPS-like cells")),
    (CellKind.ES.value, _("ES cells")),
]


def through_schema(
    schema: type[BaseModel], data: Mapping[str, Any], *, prefix: str = ""
) -> dict[str, Any]:
    """A valid form's data as the API's schema for it takes it (the fields given, and only
    those), so that the pages and the API hold a plan's content to the same declaration. A
    refusal names its field in the one details shape; plan_field_name maps it to the form."""
    try:
        return schema.model_validate(data).model_dump(exclude_unset=True)
    except ValidationError as exc:
        raise invalid_fields(
            field_error(".".join([*([prefix] if prefix else []), *map(str, e["loc"])]), e["msg"])
            for e in exc.errors()
        ) from None


def content_form_field(
    f: ContentField, *, required: bool | None = None, **extra: Any
) -> forms.Field:
    """A form field for a content field: label, limit, choices and whether it is required come
    from the model (saisei.plans.content); a text that spans lines gets a textarea."""
    if f.choices is not None:
        return forms.ChoiceField(label=f.label, choices=f.column.choices or (), **extra)
    if f.spans_lines:
        extra.setdefault("widget", forms.Textarea)
    return forms.CharField(
        label=f.label,
        max_length=f.max_length,
        required=not f.column.blank if required is None else required,
        **extra,
    )


HELP_TEXTS = {
    "class_reasons": _("In your own words; the class itself comes from the answers below."),
}
# The content fields of a plan, as a form class so that the plan form declares them once.
_PlanContentForm = forms.forms.DeclarativeFieldsMetaclass(
    "_PlanContentForm",
    (forms.Form,),
    {
        "__module__": __name__,
        **{
            # Field's own default help text is "".
            f.name: content_form_field(f, help_text=HELP_TEXTS.get(f.name, ""))
            for f in PLAN_CONTENT
        },
    },
)


class PlanForm(RmActFormMixin, _PlanContentForm):  # type: ignore[misc, valid-type]
    field_order = ["institution", *CONTENT_NAMES]

    institution: forms.ModelChoiceField[Institution] = forms.ModelChoiceField(
        queryset=None, label=_("Institution")
    )
    # Classification questions (notice 医政研発0515第18号, Fig. 2), in the flowchart's order.
    excluded_practice = forms.ChoiceField(
        label=_("Is it one of these practices outside the Act?"), choices=EXCLUDED, required=False
    )
    pmd_act_clinical_trial = forms.BooleanField(
        label=_("It is a clinical trial under the PMD Act (治験)"), required=False
    )
    approved_product_on_label = forms.BooleanField(
        label=_("Only an approved product is used, exactly as approved"), required=False
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=PURPOSES)
    nucleic_acids_in_vivo = forms.BooleanField(
        label=_("Nucleic acids are introduced into the patient's cells in the body"),
        required=False,
        help_text=_(
            "Nucleic acids that carry a gene to express (DNA, mRNA, viral vectors, plasmids) or "
            "genome-editing agents. Not siRNA, antisense or miRNA mimics, which carry no gene."
        ),
    )
    in_vivo_provided_before_amendment = forms.BooleanField(
        label=_(
            "This in vivo gene therapy was already being provided on 2025-05-31 (transitional "
            "rule: no 90-day restriction when filed by 2026-05-30)"
        ),
        required=False,
    )
    uses_cells = forms.BooleanField(label=_("Processed cells are used"), required=False)
    cells_species = forms.ChoiceField(label=_("Cells from"), choices=SPECIES, required=False)
    cells_source = forms.ChoiceField(label=_("Whose cells"), choices=SOURCES, required=False)
    cells_kind = forms.ChoiceField(label=_("Kind of cells"), choices=KINDS, required=False)
    cells_gene_modified = forms.BooleanField(
        label=_("A gene was introduced into the cells or their genes were modified"),
        required=False,
    )
    cells_cultured = forms.BooleanField(
        label=_("The cells are cultured"),
        required=False,
        help_text=_(
            "Stem cells count as Class II only when cultured: uncultured stromal vascular "
            "fraction, cord blood or bone-marrow concentrate are judged by homologous use."
        ),
    )
    cells_reconstructive = forms.BooleanField(
        label=_("The cultured cells reconstruct, repair or form body structure or function"),
        required=False,
    )
    cells_homologous = forms.BooleanField(
        label=_("The cells have the same function at the target site (homologous use)"),
        required=False,
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.order_by("name"), label=_("Reviewing committee"), required=False
    )
    facilities = forms.ModelMultipleChoiceField(
        queryset=ProcessingFacility.objects.order_by("name"),
        label=_("Processing facilities (including third parties)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        for i in range(CRITERIA_ROWS):
            for f in CRITERION_CONTENT:
                self.fields[f"criteria_{i}_{f.name}"] = content_form_field(
                    f, required=i == 0, widget=forms.TextInput
                )

    def criteria_rows(self) -> list[list[Any]]:
        return [
            [self[f"criteria_{i}_{f.name}"] for f in CRITERION_CONTENT]
            for i in range(CRITERIA_ROWS)
        ]

    def content(self) -> dict[str, Any]:
        return through_schema(
            PlanContentIn, {name: self.cleaned_data[name] for name in CONTENT_NAMES}
        )

    def answers(self) -> dict[str, Any]:
        d = self.cleaned_data
        cells = None
        if d.get("uses_cells"):
            cells = {
                "species": d.get("cells_species") or Species.HUMAN.value,
                "source": d.get("cells_source") or CellSource.AUTOLOGOUS.value,
                "kind": d.get("cells_kind") or CellKind.SOMATIC.value,
                "gene_modified": bool(d.get("cells_gene_modified")),
                "cultured": bool(d.get("cells_cultured")),
                "reconstructive": bool(d.get("cells_reconstructive")),
                "homologous": bool(d.get("cells_homologous")),
            }
        return {
            "purpose": d["purpose"],
            "excluded_practice": d.get("excluded_practice") or None,
            "pmd_act_clinical_trial": bool(d.get("pmd_act_clinical_trial")),
            "approved_product_on_label": bool(d.get("approved_product_on_label")),
            "nucleic_acids_in_vivo": bool(d.get("nucleic_acids_in_vivo")),
            "cells": cells,
            "in_vivo_provided_before_amendment": bool(d.get("in_vivo_provided_before_amendment")),
        }

    def criteria(self) -> list[dict[str, str]]:
        rows = []
        for i in range(CRITERIA_ROWS):
            row = {
                f.name: self.cleaned_data.get(f"criteria_{i}_{f.name}", "")
                for f in CRITERION_CONTENT
            }
            if any(row.values()):
                rows.append(through_schema(CriterionIn, row, prefix=f"criteria.{i}"))
        return rows


def initial_from_plan(plan: Any) -> dict[str, Any]:
    a = plan.classification_answers
    cells = a.get("cells") or {}
    initial: dict[str, Any] = {
        "institution": plan.institution_id,
        "committee": plan.committee_id,
        "facilities": [link.facility_id for link in plan.current_facilities()],
        "purpose": a.get("purpose"),
        "excluded_practice": a.get("excluded_practice") or "",
        "pmd_act_clinical_trial": a.get("pmd_act_clinical_trial"),
        "approved_product_on_label": a.get("approved_product_on_label"),
        "nucleic_acids_in_vivo": a.get("nucleic_acids_in_vivo"),
        "in_vivo_provided_before_amendment": a.get("in_vivo_provided_before_amendment", False),
        "uses_cells": bool(cells),
        **{f"cells_{k}": v for k, v in cells.items()},
    }
    initial.update(content_of(plan))
    for i, c in enumerate(plan.current_criteria()[:CRITERIA_ROWS]):
        for k, v in c.as_dict().items():
            initial[f"criteria_{i}_{k}"] = v
    return initial


def plan_field_name(field: str) -> str:
    """A service's dotted field path as the plan forms name the field, for
    saisei.core.forms.attach_errors ("answers.cells.kind" is "cells_kind", "criteria.0.measure"
    is "criteria_0_measure", "facility_ids" is "facilities")."""
    name = field.replace("answers.cells.", "cells_").replace("answers.", "")
    name = name.replace("criteria.", "criteria_").replace(".", "_")
    return "facilities" if name == "facility_ids" else name


class DateReasonForm(RmActFormMixin, forms.Form):
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea)


class DiscontinueForm(DateReasonForm):
    """Discontinuation; a research plan may give the end of its data collection as well."""

    data_collection_ended_on = forms.DateField(
        label=_("Data collection ended on"),
        help_text=_(
            "Research plans: leave empty if data collection goes on; record its end later. The "
            "research summary report is due a year after the later of the two dates."
        ),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, research: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not research:
            del self.fields["data_collection_ended_on"]


class DataCollectionEndForm(RmActFormMixin, forms.Form):
    ended_on = forms.DateField(
        label=_("Data collection ended on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AcceptForm(RmActFormMixin, forms.Form):
    plan_number = forms.CharField(label=_("Plan number"), max_length=60)


class MinorChangeForm(RmActFormMixin, forms.Form):
    field = forms.ChoiceField(
        label=_("What changes"), choices=[(f.name, f.label) for f in PLAN_CONTENT if f.minor]
    )
    # As long as the longest field a minor change may touch; the service holds each to its own.
    value = forms.CharField(
        label=_("New value"), max_length=max(f.max_length for f in PLAN_CONTENT if f.minor)
    )
    changed_on = forms.DateField(
        label=_("Date of the change"), widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(label=_("Summary"), max_length=4000, widget=forms.Textarea)


class ChangeForm(RmActFormMixin, forms.Form):
    target_disease = content_form_field(BY_NAME["target_disease"], required=False)
    description = content_form_field(BY_NAME["description"], required=False)
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=4000, widget=forms.Textarea
    )

    def changes(self) -> dict[str, Any]:
        return through_schema(
            PlanContentIn, {k: v for k, v in self.cleaned_data.items() if k != "reason" and v}
        )


class OpinionForm(RmActFormMixin, forms.Form):
    meeting: forms.ModelChoiceField[Meeting] = forms.ModelChoiceField(
        queryset=None, label=_("Meeting")
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    conditions = forms.CharField(
        label=_("Conditions"), required=False, max_length=4000, widget=forms.Textarea
    )
    reasons = forms.CharField(label=_("Reasons"), max_length=4000, widget=forms.Textarea)
    scientific_validity = forms.CharField(
        label=_("Assessment of scientific validity"), max_length=4000, widget=forms.Textarea
    )

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


class OrderForm(RmActFormMixin, forms.Form):
    """An order against the target the regulator chose from the page's search (the `target`
    token, `kind:id`, is the choice's own: nobody types an id)."""

    kind = forms.ChoiceField(
        label=_("Kind of order"),
        choices=OrderKind.choices,
        help_text=_(
            "The legal basis is the kind's: an improvement order (Art 23(1)) orders changes and "
            "provision goes on; an order restricting provision (Art 23(2)) and an emergency "
            "order (Art 22, the Minister's own) suspend every plan in its reach until lifted."
        ),
    )
    target = forms.CharField(widget=forms.HiddenInput, max_length=40)
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea)


RESTRICTION_CHOICES = [
    ("plan", _("The plan's own restriction (Act Art 8-9)")),
    ("change", _("The restriction of its change (Act Art 10(1))")),
]


class RestrictionExtendForm(RmActFormMixin, forms.Form):
    which = forms.ChoiceField(label=_("Which restriction"), choices=RESTRICTION_CHOICES)
    until = forms.DateField(
        label=_("Provision allowed from (the new first day)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    notified_on = forms.DateField(
        label=_("Notified to the institution on"),
        help_text=_("Within the current period (Act Art 8(2)); today if left empty."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea)


class RestrictionShortenForm(RmActFormMixin, forms.Form):
    which = forms.ChoiceField(label=_("Which restriction"), choices=RESTRICTION_CHOICES)
    until = forms.DateField(
        label=_("Provision allowed from (the new first day)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea)


class OrderTargetSearchForm(forms.Form):
    find = forms.CharField(
        label=_("Find the plan, institution or facility"),
        help_text=_("A name (in Japanese or English), a plan number or a facility number."),
        max_length=100,
        min_length=2,
    )
    against = forms.ChoiceField(
        label=_("Among"),
        choices=[("", _("Plans, institutions and facilities")), *OrderTarget.choices],
        required=False,
    )


def _attributes(attrs: Mapping[str, Any]) -> str:
    """Django's django/forms/widgets/attrs.html, in Python."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        )
    return "".join(out)


class QuickSelect(forms.Select):
    """Django's Select, written out in Python rather than through two templates an option, its
    options' markup made once per language: the same markup (a test compares the two), for the
    search form's long lists (the prefectures' 47 options cost a search page more than its
    fifty rows)."""

    _options: ClassVar[dict[tuple[Any, ...], list[tuple[str, str, str]]]] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> QuickSelect:
        # A widget's own copy (Django's Widget), so each form's copy shares the choices: Select's
        # normalises them again for every form; they are never changed in place.
        obj: QuickSelect = forms.Widget.__deepcopy__(self, memo)
        return obj

    def _markup(self) -> list[tuple[str, str, str]] | None:
        """(value, its option's opening markup, its escaped label) per option; None for grouped
        choices (Django's own rendering then)."""
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return None
        key = (get_language(), *(value for value, _label in choices))
        markup = self._options.get(key)
        if markup is None:
            markup = [
                (
                    str(value),
                    format_html('\n  <option value="{}"', value),
                    conditional_escape(str(label)),
                )
                for value, label in choices
            ]
            self._options[key] = markup
        return markup

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        markup = self._markup()
        if markup is None or self.allow_multiple_selected:
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        parts = [
            format_html('<select name="{}"', name),
            _attributes(self.build_attrs(self.attrs, attrs)),
            ">",
        ]
        chosen = False
        for option_value, start, label in markup:
            mark = ""
            if not chosen and option_value in selected:
                mark, chosen = " selected", True
            parts.append(f"{start}{mark}>{label}</option>\n")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


class FixedChoiceField(forms.ChoiceField):
    """A ChoiceField whose choices are the same for every form: each form shares them rather than
    deep-copying them (Django copies every choice and lazy label of each field for each form,
    which cost the search page a quarter of a millisecond for its 47 prefectures)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> FixedChoiceField:
        # A field's own copy (Django's Field): ChoiceField's adds a deep copy of the choices.
        result: FixedChoiceField = forms.Field.__deepcopy__(self, memo)
        return result


class SearchForm(RmActFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Name, disease, institution or plan number"),
        max_length=SEARCH_MAX,
        required=False,
    )
    prefecture = FixedChoiceField(
        label=_("Prefecture"),
        choices=[("", _("Any")), *list(Prefecture.choices)],
        required=False,
        widget=QuickSelect,
    )
    risk_class = FixedChoiceField(
        label=_("Class"),
        choices=[
            ("", _("Any")),
            ("I", _("Class I")),
            ("II", _("Class II")),
            ("III", _("Class III")),
        ],
        required=False,
        widget=QuickSelect,
    )
    therapy = FixedChoiceField(
        label=_("Therapy"),
        choices=[("", _("Any")), *Therapy.choices],
        required=False,
        widget=QuickSelect,
    )
    status = FixedChoiceField(
        label=_("Status"),
        choices=[
            ("", _("Any")),
            *((value, label) for value, label in PUBLIC_STATUS_CHOICES if value in SEARCH_STATUSES),
        ],
        required=False,
        widget=QuickSelect,
    )
    condition = FixedChoiceField(
        label=_("What it treats"),
        choices=[("", _("Any")), *Condition.choices],
        required=False,
        widget=QuickSelect,
    )
    reporting = FixedChoiceField(
        label=_("Reports and notices"),
        choices=[("", _("Any")), *ReportingRecord.choices],
        required=False,
        widget=QuickSelect,
    )
    orders = FixedChoiceField(
        label=_("Orders"),
        choices=[("", _("Any")), *OrderRecord.choices],
        required=False,
        widget=QuickSelect,
    )
    sort = FixedChoiceField(
        label=_("Order"),
        choices=[("", _("By institution")), ("number", _("By plan number"))],
        required=False,
        widget=QuickSelect,
    )
