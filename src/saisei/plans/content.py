"""A plan's content, declared once (domain.md §1.4).

Each field is named here with what the model cannot say (whether the public API shows it,
whether a change or a minor change may touch it, whether its text may span lines where the
column does not tell); its limit, whether it is required, its choices and its label come from the
model field (max_length, blank and default, choices, verbose_name). The services' validation,
the versions' snapshot, the API's schemas and serialisers, the plan forms and the labels of the
public diff are all derived from these lists, so a new content field is added to the model and
here, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from saisei.plans.models import EvaluationCriterion, Plan

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class ContentField:
    """One field of a plan's content (a column of Plan, or of EvaluationCriterion)."""

    name: str
    # Shown by the public API (a filed plan's page and search); the others only to those who
    # may see the plan.
    public: bool = True
    # A change of a filed plan may replace it (plan_type is fixed once the plan is drafted).
    changeable: bool = True
    # May be changed by a minor change notice (様式第3) without a new review. The Ordinance's list
    # is longer and more specific; these are the plan fields this registry holds that fall in it.
    minor: bool = False
    # Whether the text may span lines; None: as the column (TextField spans lines).
    multiline: bool | None = None
    model: type[models.Model] = Plan

    @property
    def column(self) -> models.Field[Any, Any]:
        field = self.model._meta.get_field(self.name)
        assert isinstance(field, models.Field)
        return field

    @property
    def max_length(self) -> int:
        limit = self.column.max_length
        assert limit is not None, f"{self.name} has no max_length"
        return limit

    @property
    def required(self) -> bool:
        """Required of a whole plan (a partial edit may leave it out)."""
        return not self.column.blank and not self.column.has_default()

    @property
    def choices(self) -> list[str] | None:
        return [value for value, _label in self.column.choices] if self.column.choices else None

    @property
    def spans_lines(self) -> bool:
        if self.multiline is not None:
            return self.multiline
        return isinstance(self.column, models.TextField)

    @property
    def label(self) -> StrOrPromise:
        return capfirst(self.column.verbose_name)


# The plan's own content, in the model's order.
PLAN_CONTENT: tuple[ContentField, ...] = (
    ContentField("plan_type", changeable=False),
    ContentField("title"),
    ContentField("title_en", minor=True),
    ContentField("therapy"),
    ContentField("target_disease"),
    ContentField("description"),
    ContentField("class_reasons"),
    ContentField("responsible_physician", public=False, minor=True),
    ContentField("other_physicians", public=False, minor=True),
    ContentField("consent_document", public=False, minor=True),
)
# An evaluation criterion's texts (each required); the computable threshold is apart.
CRITERION_CONTENT: tuple[ContentField, ...] = (
    ContentField("measure", model=EvaluationCriterion),
    ContentField("method", model=EvaluationCriterion, multiline=True),
    ContentField("time_point", model=EvaluationCriterion),
    ContentField("success_threshold", model=EvaluationCriterion),
)

BY_NAME = {f.name: f for f in PLAN_CONTENT}
CONTENT_NAMES = tuple(f.name for f in PLAN_CONTENT)
# Texts: limit and whether a whole plan needs it; choices: the values allowed.
TEXT_FIELDS: dict[str, tuple[int, bool]] = {
    f.name: (f.max_length, f.required) for f in PLAN_CONTENT if f.choices is None
}
CHOICE_FIELDS: dict[str, list[str]] = {
    f.name: f.choices for f in PLAN_CONTENT if f.choices is not None
}
REQUIRED_CHOICES = frozenset(f.name for f in PLAN_CONTENT if f.choices is not None and f.required)
PUBLIC_NAMES = tuple(f.name for f in PLAN_CONTENT if f.public)
PRIVATE_NAMES = tuple(f.name for f in PLAN_CONTENT if not f.public)
CHANGEABLE_NAMES = frozenset(f.name for f in PLAN_CONTENT if f.changeable)
MINOR_CHANGE_FIELDS = frozenset(f.name for f in PLAN_CONTENT if f.minor)
CRITERION_FIELDS: dict[str, int] = {f.name: f.max_length for f in CRITERION_CONTENT}
# How a measured value is compared with the criterion's computable threshold.
THRESHOLD_OPERATORS: tuple[str, ...] = tuple(
    ContentField("threshold_operator", model=EvaluationCriterion).choices or ()
)

# What the public history compares between versions: what a change may replace, and the
# committee, criteria and facilities the snapshot holds.
DIFF_FIELDS = (
    *(f.name for f in PLAN_CONTENT if f.changeable),
    "committee",
    "criteria",
    "facilities",
)
RELATION_LABELS: dict[str, StrOrPromise] = {
    "committee": capfirst(Plan._meta.get_field("committee").verbose_name),
    "criteria": _("Evaluation criteria for scientific validity"),
    "facilities": _("Processing facilities"),
}


def label(name: str) -> StrOrPromise:
    """The label of a content field or of the committee, criteria or facilities."""
    return BY_NAME[name].label if name in BY_NAME else RELATION_LABELS[name]


def content_of(plan: Plan, names: tuple[str, ...] = CONTENT_NAMES) -> dict[str, Any]:
    return {name: getattr(plan, name) for name in names}


__all__ = [
    "CHANGEABLE_NAMES",
    "CHOICE_FIELDS",
    "CONTENT_NAMES",
    "CRITERION_CONTENT",
    "CRITERION_FIELDS",
    "DIFF_FIELDS",
    "MINOR_CHANGE_FIELDS",
    "PLAN_CONTENT",
    "PRIVATE_NAMES",
    "PUBLIC_NAMES",
    "REQUIRED_CHOICES",
    "TEXT_FIELDS",
    "THRESHOLD_OPERATORS",
    "ContentField",
    "content_of",
    "label",
]
