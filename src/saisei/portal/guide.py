"""The patient's guide: "which rules apply to the treatment I was offered?", asked in plain words
and answered by the law engine (saisei.law.classify), never by a table of its own.

A patient rarely knows every answer the MHLW flowchart asks of a filer. Each question may be
answered "I don't know": the guide then asks the law engine about every answer the patient could
not give, and says which outcomes remain and which unknown answers decide between them. Its
outcome is what the law says of the practice the patient described, not a check of the clinic:
the public search is that check.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saisei.law import (
    CellKind,
    Cells,
    CellSource,
    Classification,
    ClassificationAnswers,
    Purpose,
    Species,
    Track,
    classify,
)

YES, NO, UNKNOWN = "yes", "no", "unknown"
YES_NO_UNKNOWN = [
    (YES, pgettext_lazy("answer to a question", "Yes")),
    (NO, pgettext_lazy("answer to a question", "No")),
    (UNKNOWN, _("I don't know")),
]

OFFERED = [
    (
        "product",
        _(
            "A product with a brand name that the hospital says is approved in Japan (for example "
            "a heart sheet or an iPS cell product)"
        ),
    ),
    ("trial", _("Taking part in a clinical trial (治験) of a new product")),
    (
        "cells",
        _(
            "A treatment the clinic prepares from cells or blood for you (for example stem cells, "
            "platelet-rich plasma (PRP), immune cells, fibroblasts)"
        ),
    ),
    ("gene", _("A gene therapy given directly (DNA, mRNA or a viral vector put into the body)")),
    (
        "cell_free",
        _(
            "Something made from cells that contains no cells (exosomes, culture supernatant, "
            "“stem cell extract”)"
        ),
    ),
    ("other", _("Something else, or I am not sure")),
]
SOURCES = [
    ("own", _("My own")),
    ("donor", _("Another person's (a donor)")),
    ("animal", _("An animal's")),
    (UNKNOWN, _("I don't know")),
]


def _question(label: Any, choices: list[tuple[str, Any]] = YES_NO_UNKNOWN) -> forms.ChoiceField:
    """A question about the cells: one of its choices, or none (as "I don't know")."""
    return forms.ChoiceField(label=label, choices=choices, required=False, widget=forms.RadioSelect)


class GuideForm(forms.Form):
    """The guide's questions; every answer but the first may be "I don't know" (or left out)."""

    offered = forms.ChoiceField(
        label=_("What were you offered?"), choices=OFFERED, widget=forms.RadioSelect
    )
    source = _question(_("Whose cells are they?"), SOURCES)
    cultured = _question(_("Are the cells grown (cultured) in a laboratory before they are given?"))
    stem = _question(_("Are they stem cells (for example from fat or bone marrow)?"))
    pluripotent = _question(_("Are they made from iPS or ES cells?"))
    gene = _question(_("Were genes added to the cells or edited?"))
    same_place = _question(
        _(
            "Do the cells do the same job where they are given as the cells already there (for "
            "example PRP into the skin), rather than another job (for example fat cells into a "
            "vein, or PRP into a joint)?"
        )
    )


# What a "don't know" leaves open, for each question of the cells.
_OPEN: dict[str, tuple[object, ...]] = {
    "source": ("own", "donor", "animal"),
    "cultured": (True, False),
    "stem": (True, False),
    "pluripotent": (True, False),
    "gene": (True, False),
    "same_place": (True, False),
    # Not asked: whether cultured cells rebuild tissue (a filer's question, Ordinance Art 3(ii)).
    "reconstructive": (True, False),
}


@dataclass(frozen=True)
class Outcome:
    """What the law engine says of one reading of the patient's answers."""

    track: Track
    risk_class: str | None
    classification: Classification


@dataclass(frozen=True)
class Answer:
    """The guide's answer: the outcomes that remain (one when the answers settle it), the
    unknown answers that decide between them, and the law engine's path of the first."""

    outcomes: tuple[Outcome, ...]
    deciding: tuple[str, ...]

    @property
    def tracks(self) -> set[Track]:
        return {outcome.track for outcome in self.outcomes}

    @property
    def classes(self) -> list[str]:
        found = {o.risk_class for o in self.outcomes if o.risk_class is not None}
        return [c for c in ("I", "II", "III") if c in found]

    @property
    def settled(self) -> bool:
        return len({(o.track, o.risk_class) for o in self.outcomes}) == 1

    @property
    def bases(self) -> list[tuple[str, str]]:
        """The legal basis of each distinct outcome's deciding step (English, Japanese)."""
        seen: list[tuple[str, str]] = []
        for outcome in self.outcomes:
            step = outcome.classification.path[-1]
            basis = (step.basis, step.basis_ja)
            if basis not in seen:
                seen.append(basis)
        return seen


def _readings(cleaned: dict[str, str]) -> Iterator[dict[str, object]]:
    """Every reading of the cells' answers: a known answer as given, an unknown one each way."""
    given: dict[str, tuple[object, ...]] = {}
    for name, values in _OPEN.items():
        answer = cleaned.get(name) or UNKNOWN
        if name == "source":
            given[name] = values if answer == UNKNOWN else (answer,)
        elif name == "reconstructive":
            given[name] = values
        else:
            given[name] = values if answer == UNKNOWN else (answer == YES,)
    names = list(given)
    for combination in itertools.product(*(given[name] for name in names)):
        yield dict(zip(names, combination, strict=True))


def _cells(reading: dict[str, object]) -> Cells:
    source = reading["source"]
    kind = (
        CellKind.IPS
        if reading["pluripotent"]
        else CellKind.SOMATIC_STEM
        if reading["stem"]
        else CellKind.SOMATIC
    )
    return Cells(
        species=Species.ANIMAL if source == "animal" else Species.HUMAN,
        source=CellSource.AUTOLOGOUS if source == "own" else CellSource.ALLOGENEIC,
        kind=kind,
        gene_modified=bool(reading["gene"]),
        cultured=bool(reading["cultured"]),
        reconstructive=bool(reading["reconstructive"]),
        homologous=bool(reading["same_place"]),
    )


def _answers(on: date, offered: str, cells: Cells | None) -> ClassificationAnswers:
    return ClassificationAnswers(
        on=on,
        purpose=Purpose.TREATMENT,
        excluded_practice=None,
        pmd_act_clinical_trial=offered == "trial",
        approved_product_on_label=offered == "product",
        nucleic_acids_in_vivo=offered == "gene",
        cells=cells,
    )


def _outcome(classification: Classification) -> Outcome:
    risk = classification.risk_class
    return Outcome(classification.track, None if risk is None else risk.value, classification)


def answer(cleaned: dict[str, str], on: date) -> Answer:
    """The law engine's answer to the guide's questions (GuideForm's cleaned data) on `on`."""
    offered = cleaned["offered"]
    if offered != "cells":
        # Cell-free products and "something else" use neither processed cells nor 核酸等: the
        # law engine finds them outside both Acts (domain.md §1.1).
        return Answer((_outcome(classify(_answers(on, offered, None))),), ())
    outcomes: dict[tuple[Track, str | None], Outcome] = {}
    by_reading: list[tuple[dict[str, object], tuple[Track, str | None]]] = []
    for reading in _readings(cleaned):
        outcome = _outcome(classify(_answers(on, offered, _cells(reading))))
        key = (outcome.track, outcome.risk_class)
        outcomes.setdefault(key, outcome)
        by_reading.append((reading, key))
    deciding = tuple(
        name
        for name in _OPEN
        if (cleaned.get(name) or UNKNOWN) == UNKNOWN or name == "reconstructive"
        if _decides(name, by_reading)
    )
    ordered = sorted(outcomes.values(), key=lambda o: ("I", "II", "III").index(o.risk_class or "I"))
    return Answer(tuple(ordered), deciding)


def _decides(
    name: str, by_reading: list[tuple[dict[str, object], tuple[Track, str | None]]]
) -> bool:
    """Whether changing this one answer, the others held, changes the outcome."""
    seen: dict[tuple[tuple[str, object], ...], set[tuple[Track, str | None]]] = {}
    for reading, key in by_reading:
        rest = tuple(sorted((k, v) for k, v in reading.items() if k != name))
        seen.setdefault(rest, set()).add(key)
    return any(len(keys) > 1 for keys in seen.values())


# What each question is called where the guide says it decides between outcomes.
QUESTION_NAMES = {
    "source": _("whose cells they are"),
    "cultured": _("whether the cells are cultured"),
    "stem": _("whether they are stem cells"),
    "pluripotent": _("whether they come from iPS or ES cells"),
    "gene": _("whether genes were added or edited"),
    "same_place": _("whether the cells do the same job where they are given"),
    "reconstructive": _("whether cultured cells are used to rebuild tissue (the clinic knows)"),
}
