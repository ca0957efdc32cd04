"""Whether a committee meeting was valid, under the rules the committee itself has filed.

The rules are data on the Committee row (domain.md §1.6 gives the example defaults). Members with
an interest in the applicant are present but excluded from the decision, so the composition rules
(sexes, categories, independence) count only the members who decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from saisei.registry.models import (
    GENE_THERAPY_CATEGORIES,
    GENE_THERAPY_CATEGORIES_FROM,
    Committee,
    CommitteeMember,
)

# Classification rules that make a review one of gene therapy (categories i and j needed).
GENE_THERAPY_RULES = frozenset({"rm.class1.in_vivo_gene_therapy", "rm.class1.gene_modified"})


@dataclass(frozen=True)
class Seat:
    member: CommitteeMember
    present: bool
    conflicted: bool


def required_categories(committee: Committee, *, classification_rule: str, on: date) -> list[str]:
    categories = list(committee.rule_required_categories)
    if classification_rule in GENE_THERAPY_RULES and on >= GENE_THERAPY_CATEGORIES_FROM:
        categories += [c for c in GENE_THERAPY_CATEGORIES if c not in categories]
    return categories


def evaluate(
    committee: Committee,
    *,
    roster_size: int,
    seats: list[Seat],
    classification_rule: str,
    on: date,
) -> list[dict[str, Any]]:
    """One entry per rule: {"rule", "ok", "params"}. Stored as data and rendered in the
    reader's language by `describe`."""
    present = [s for s in seats if s.present]
    deciding = [s for s in present if not s.conflicted]
    results: list[dict[str, Any]] = []

    needed = committee.rule_min_present
    if committee.rule_majority_present:
        needed = max(needed, roster_size // 2 + 1)
    results.append(
        {
            "rule": "present",
            "ok": len(present) >= needed,
            "params": {"present": len(present), "roster": roster_size, "needed": needed},
        }
    )
    if committee.rule_both_sexes:
        sexes = {s.member.sex for s in deciding}
        results.append({"rule": "both_sexes", "ok": {"male", "female"} <= sexes, "params": {}})
    categories = required_categories(committee, classification_rule=classification_rule, on=on)
    missing = [c for c in categories if c not in {s.member.category for s in deciding}]
    results.append(
        {"rule": "categories", "ok": not missing, "params": {"missing": ", ".join(missing)}}
    )
    results.append(
        {
            "rule": "no_interest",
            "ok": len(deciding) >= committee.rule_min_no_interest,
            "params": {"count": len(deciding), "needed": committee.rule_min_no_interest},
        }
    )
    independent = sum(1 for s in deciding if s.member.independent_of_founder)
    results.append(
        {
            "rule": "independent",
            "ok": independent >= committee.rule_min_independent,
            "params": {"count": independent, "needed": committee.rule_min_independent},
        }
    )
    return results


def describe(entry: dict[str, Any]) -> str:
    """A stored rule result as a sentence in the active language."""
    params: dict[str, Any] = entry.get("params", {})
    rule = entry.get("rule")
    if rule == "present":
        return _("%(present)d of %(roster)d members present; at least %(needed)d needed.") % params
    if rule == "both_sexes":
        return _("At least one man and one woman must take part in the decision.")
    if rule == "categories":
        if entry.get("ok"):
            return _("Every required category is present.")
        return _("Categories missing among the members deciding: %(missing)s.") % params
    if rule == "no_interest":
        return (
            _("%(count)d members with no interest in the applicant; at least %(needed)d needed.")
            % params
        )
    if rule == "independent":
        return (
            _("%(count)d members independent of the founder; at least %(needed)d needed.") % params
        )
    return str(rule)
