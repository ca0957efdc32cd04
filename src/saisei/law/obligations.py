"""The obligations the RM Act creates, as data (domain.md §1.8).

Each rule says what starts its clock, how the due date follows from it and whether a due date
falling on a closed day rolls forward. Rules marked *(uncertain)* in domain.md carry
``uncertain=True`` and can be changed by configuration without a code change:
``load_rules(overrides)`` applies a mapping of ``rule id -> {field: value}`` on top of the defaults,
and the command line reads such a mapping from the JSON file named by the environment variable
``SAISEI_LAW_OVERRIDES``.

The types (``Rule``, ``Route``, ``RuleSet``, …) are in ``obligation_types`` and the table of
rules in ``obligation_table``; this module builds ``RULES`` and loads the overrides. Every
public name is re-exported here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from saisei.law.errors import LawConfigError, describe_value
from saisei.law.obligation_table import DEFAULT_RULES
from saisei.law.obligation_types import Route, Rule, RuleKind, RuleSet, Unit

__all__ = [
    "OVERRIDABLE_FIELDS",
    "OVERRIDES_ENV_VAR",
    "QUESTIONS_KEY",
    "RULES",
    "Route",
    "Rule",
    "RuleKind",
    "RuleSet",
    "Unit",
    "load_overrides_file",
    "load_rules",
    "rules_from_environment",
]

OVERRIDES_ENV_VAR = "SAISEI_LAW_OVERRIDES"


RULES: RuleSet = RuleSet(DEFAULT_RULES)

# Fields an operator may change. `id` and `kind` are not among them: the kind decides the
# arithmetic, and changing it is a change to the law engine, not to a number.
# `recipients` is not among them: each recipient carries its own legal basis, so a recipient
# without one would be a route the statute does not give.
OVERRIDABLE_FIELDS: tuple[str, ...] = (
    "title",
    "basis",
    "clock_starts",
    "offset",
    "offset_unit",
    "rolls_forward",
    "uncertain",
    "note",
)

# The key of an overrides file that holds the wording of uncertain classification questions
# (saisei.law.classification.load_wording); every other top-level key is a rule id.
QUESTIONS_KEY = "questions"


def load_rules(
    overrides: Mapping[str, Mapping[str, object]] | None = None, *, source: str = "overrides"
) -> RuleSet:
    """The default rules with ``overrides`` applied.

    ``overrides`` maps a rule id to the fields to change, e.g.
    ``{"record_retention": {"offset": 20, "note": "20 years for Class I"}}``. An unknown rule id,
    an unknown or fixed field, or a value of the wrong type raises ``LawConfigError`` naming
    ``source`` and the field, so a bad configuration fails loudly instead of being ignored.
    """
    if overrides is None:
        return RULES
    if not isinstance(overrides, Mapping):
        raise LawConfigError(
            source, "", f"must be a JSON object of rule ids (got {describe_value(overrides)})"
        )
    defaults = {rule.id: rule for rule in DEFAULT_RULES}
    for rule_id in overrides:
        if rule_id == QUESTIONS_KEY:
            continue  # the wording of classification questions: saisei.law.classification
        if rule_id not in defaults:
            raise LawConfigError(
                source,
                str(rule_id),
                f"unknown rule (expected one of {', '.join(defaults)})",
            )
    return RuleSet(
        _apply(rule, overrides[rule.id], source) if rule.id in overrides else rule
        for rule in DEFAULT_RULES
    )


def _apply(rule: Rule, changes: object, source: str) -> Rule:
    if not isinstance(changes, Mapping):
        raise LawConfigError(
            source, rule.id, f"must be an object of fields (got {describe_value(changes)})"
        )
    values: dict[str, object] = {}
    for name, value in changes.items():
        field = f"{rule.id}.{name}"
        if name in ("id", "kind"):
            raise LawConfigError(source, field, "cannot be overridden")
        if name not in OVERRIDABLE_FIELDS:
            raise LawConfigError(
                source, field, f"unknown field (expected one of {', '.join(OVERRIDABLE_FIELDS)})"
            )
        values[name] = _check_value(name, value, source, field)
    # The Japanese of an overridden text would translate what the configuration no longer says:
    # the configured text is shown in both languages.
    if "basis" in values:
        basis = str(values["basis"])
        values["basis_ja"] = basis
        values["routes"] = tuple(
            replace(route, basis=basis, basis_ja=basis) for route in rule.routes
        )
    if "title" in values:
        values["title_ja"] = values["title"]
    if "note" in values:
        values["note_ja"] = values["note"]
    updated = replace(rule, **values)  # type: ignore[arg-type]  # each value checked above
    if updated.kind is RuleKind.RESTRICTION and updated.rolls_forward:
        raise LawConfigError(
            source,
            f"{rule.id}.rolls_forward",
            "a restriction is never rolled forward (Civil Code Art 142 moves only a due date)",
        )
    return updated


def _check_value(name: str, value: object, source: str, field: str) -> object:
    got = describe_value(value)
    if name == "offset":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise LawConfigError(source, field, f"must be an integer of at least 1 (got {got})")
        return value
    if name == "offset_unit":
        if isinstance(value, str) and value in {unit.value for unit in Unit}:
            return Unit(value)
        raise LawConfigError(source, field, f"must be one of days, years (got {got})")
    if name in ("rolls_forward", "uncertain"):
        if not isinstance(value, bool):
            raise LawConfigError(source, field, f"must be true or false (got {got})")
        return value
    if name == "note":
        if not isinstance(value, str):
            raise LawConfigError(source, field, f"must be a string (got {got})")
        return value
    # title, basis, clock_starts: an empty citation or title would hide what the rule is.
    if not isinstance(value, str) or not value.strip():
        raise LawConfigError(source, field, f"must be a non-empty string (got {got})")
    return value


def load_overrides_file(path: str | os.PathLike[str]) -> dict[str, dict[str, object]]:
    """Read an overrides mapping from a JSON file; any problem raises ``LawConfigError``."""
    source = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise LawConfigError(source, "", f"cannot read the file: {reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LawConfigError(source, "", f"invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise LawConfigError(
            source, "", f"must be a JSON object of rule ids (got {describe_value(data)})"
        )
    for rule_id, changes in data.items():
        if rule_id == QUESTIONS_KEY:
            continue  # checked by saisei.law.classification.load_wording
        if not isinstance(changes, dict):
            raise LawConfigError(
                source, rule_id, f"must be an object of fields (got {describe_value(changes)})"
            )
    return data


def rules_from_environment(environ: Mapping[str, str] | None = None) -> RuleSet:
    """The rules with the overrides file named by ``SAISEI_LAW_OVERRIDES`` applied, if it is set."""
    env = os.environ if environ is None else environ
    path = env.get(OVERRIDES_ENV_VAR, "")
    if not path:
        return RULES
    return load_rules(load_overrides_file(path), source=path)
