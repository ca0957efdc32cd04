"""The law engine's words on a page, in the page's language.

`saisei.law` speaks English (its command-line contracts print it) and keeps its Japanese in
`saisei.law.text_ja`; these filters pick one by the active language. Stored results (a plan's
classification path, an obligation's explanation) keep the English the engine gave, and find
their Japanese by the question's key or text, so pages of older records are translated too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from saisei.law import CLASSIFICATION_RULES
from saisei.law.text_ja import question_ja, rule_summary_ja

register = template.Library()

_SUMMARIES = {rule.id: rule.summary for rule in CLASSIFICATION_RULES}


def _japanese() -> bool:
    return (get_language() or "").startswith("ja")


@register.filter
def law_question(step: Mapping[str, Any]) -> str:
    """A classification step's question (`{"question", "answer", "basis"}`, maybe `"key"`)."""
    english = str(step.get("question", ""))
    if _japanese():
        stored = step.get("question_ja")
        return str(stored or question_ja(str(step.get("key") or english)) or english)
    return english


@register.filter
def law_basis(step: Mapping[str, Any]) -> str:
    """A classification step's legal basis in the page's language (paths stored before the
    engine kept the Japanese show the English)."""
    english = str(step.get("basis", ""))
    if _japanese():
        return str(step.get("basis_ja") or english)
    return english


@register.filter
def law_answer(value: Any) -> str:
    """An answer as words: yes, no, not applicable, or the chosen option's label."""
    if value is True:
        return pgettext("answer to a question", "Yes")
    if value is False:
        return pgettext("answer to a question", "No")
    if value is None:
        return "—"
    labels = {
        "treatment": _("Treatment of disease"),
        "prevention": _("Prevention of disease"),
        "reconstruction": _("Reconstruction, repair or formation of body structure or function"),
        "other": _("Other (for example cosmetic only)"),
        "transfusion": _("Blood transfusion"),
        "hsc_transplant": _("Haematopoietic stem-cell transplant (HSC Act)"),
        "assisted_reproduction": _("Assisted reproduction"),
        "approved_device": _("Only cells made with an approved medical device, used as approved"),
        "designated_vaccine": _("A designated nucleic-acid vaccine"),
    }
    return str(labels.get(str(value), value))


@register.filter
def law_rule(rule_id: str) -> str:
    """What a classification outcome means, in words (the id itself is for machines)."""
    if _japanese():
        return rule_summary_ja(rule_id) or _SUMMARIES.get(rule_id, rule_id)
    return _SUMMARIES.get(rule_id, rule_id)


@register.filter
def law_explanation(explanation: Mapping[str, Any] | None) -> str:
    """A stored due date's explanation (`{"explain", "explain_ja", …}`) in the page's language."""
    if not explanation:
        return ""
    english = str(explanation.get("explanation") or explanation.get("explain") or "")
    if _japanese():
        return str(explanation.get("explain_ja") or english)
    return english


@register.filter
def law_local(obj: Any, field: str) -> str:
    """A field the law engine wrote in both languages (`field` and `field_ja`), in the page's."""
    english = str(getattr(obj, field, "") or "")
    if _japanese():
        return str(getattr(obj, f"{field}_ja", "") or english)
    return english
