"""Importing MHLW's public list of filed provision plans (e-再生医療 `published_plan`), in the shape
of ../shared/reference/mhlw_published_plans_sample.tsv: one tab-separated row per plan with its
number, class, prefecture, institution as the filer wrote it, treatment and public documents.

`public_plans_import` checks the whole file first (every refusal names its line), then in one
transaction: matches each row's institution across spellings and rows (saisei.registry.names)
to an institution of that prefecture, or registers one known only from the list; writes each
plan as a ListedPlan, linked to the plan filed through Saisei under the same number if there is
one; and records what the list changed since the last one imported (plans that appeared,
changed, left the list or came back) as ListedPlanChange rows. The same file twice changes
nothing; a list older than the last one imported is refused. What is odd about a row is
reported, not guessed: a number whose bureau letter is not its prefecture's, a class other than
the one the Saisei filing holds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from saisei.accounts.models import Organisation, User
from saisei.accounts.roles import OrganisationKind
from saisei.accounts.services import organisation_create
from saisei.audit.services import audit_record
from saisei.core.errors import ErrorCode, FieldError, field_error, invalid, invalid_fields
from saisei.core.text import normalise, one_line
from saisei.core.time import legal_today
from saisei.plans import search
from saisei.plans.models import (
    ListedCommittee,
    ListedCommitteeChange,
    ListedPlan,
    ListedPlanChange,
    ListedPlanChangeKind,
    Plan,
    PublicList,
    PublicListKind,
    RiskClass,
    Therapy,
)
from saisei.registry.models import Committee, CommitteeKind, FounderType, Institution
from saisei.registry.names import founder_key, name_key
from saisei.registry.regions import (
    BUREAUS_BY_CODE,
    PREFECTURE_BY_NAME_JA,
    PREFECTURE_NAMES_JA,
    bureau_for_prefecture,
)
from saisei.registry.services.common import authorise

COLUMNS = ("plan_no", "class", "prefecture", "institution", "treatment", "documents")
# Bounds: the whole list held about 6,800 rows in September 2026.
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_DOCUMENTS = 30
MAX_URL = 300
# Errors reported of one file (the first ones; a file with more is refused all the same).
MAX_ERRORS = 100
DEFAULT_SOURCE = "https://saiseiiryo.mhlw.go.jp/published_plan/"
DEFAULT_COMMITTEE_SOURCE = "https://saiseiiryo.mhlw.go.jp/disclosed_committee/"

# A plan number of the list: two digits, a letter, seven digits (01A2507002). domain.md §1.11.
PLAN_NUMBER = re.compile(r"[0-9]{2}[A-Z][0-9]{7}")


def canonical_plan_number(number: str) -> str:
    """A plan number as MHLW's list writes it when, written in full-width characters or in
    lower case, it has the list's shape (full-width "01a2507002" is 01A2507002); any other number
    as given, without surrounding spaces (a number is the authority's, opaque otherwise)."""
    number = number.strip()
    folded = unicodedata.normalize("NFKC", number).strip().upper()
    return folded if PLAN_NUMBER.fullmatch(folded) else number


CLASSES = {"1": RiskClass.I, "2": RiskClass.II, "3": RiskClass.III}
# The number's letter appears to be the Regional Bureau that received the plan (domain.md §1.11:
# an uncertain reading, not a published rule), so a mismatch with the prefecture is reported
# with that caveat and never corrected. An operator may replace the table with the setting
# SAISEI_PLAN_NUMBER_BUREAUS (letter to a list of bureau codes of saisei.registry.regions).
NUMBER_LETTER_BUREAUS: dict[str, tuple[str, ...]] = {
    "A": ("hokkaido",),
    "B": ("tohoku",),
    "C": ("kanto_shinetsu",),
    "D": ("tokai_hokuriku",),
    "E": ("kinki",),
    "F": ("chugoku_shikoku", "shikoku"),
    "G": ("kyushu",),
}

# The therapy kind from the treatment's name, the first rule that matches (the list has no
# such column): terms as normalise() writes them.
THERAPY_TERMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Therapy.GENE_THERAPY, ("遺伝子",)),
    (Therapy.PLURIPOTENT, ("ips", "es細胞", "多能性幹細胞")),
    (
        Therapy.PRP,
        ("多血小板", "血小板", "prp", "prf", "cgf", "prgf", "platelet"),
    ),
    (Therapy.FIBROBLASTS, ("線維芽細胞", "繊維芽細胞")),
    (Therapy.CHONDROCYTES, ("軟骨細胞",)),
    (
        Therapy.LYMPHOCYTES,
        ("nk細胞", "免疫細胞", "りんぱ球", "樹状細胞", "t細胞", "免疫療法"),
    ),
    (Therapy.BONE_MARROW, ("骨髄",)),
    (Therapy.ADIPOSE_MSC, ("脂肪",)),
)

_URL = URLValidator(schemes=["https", "http"])
# Characters a list's field may not hold: controls, invisible formatting (a zero-width space, a
# right-to-left override), private use and lone surrogates.
_HIDDEN = frozenset({"Cc", "Cf", "Co", "Cs"})


def _invisible(c: str) -> bool:
    return unicodedata.category(c) in _HIDDEN


Row = TypeVar("Row")


def therapy_of(title: str) -> str:
    """The therapy kind a treatment's name names (Therapy.OTHER if none)."""
    text = normalise(title).replace(" ", "")
    for therapy, terms in THERAPY_TERMS:
        if any(term in text for term in terms):
            return therapy
    return Therapy.OTHER


def number_bureaus() -> dict[str, tuple[str, ...]]:
    """The letter table in force: the operator's (SAISEI_PLAN_NUMBER_BUREAUS), else this
    module's."""
    found = settings.SAISEI_PLAN_NUMBER_BUREAUS
    if not found:
        return NUMBER_LETTER_BUREAUS
    return {letter: tuple(codes) for letter, codes in found.items()}


@dataclass(frozen=True)
class ListRow:
    """One checked row of the list."""

    line: int
    plan_number: str
    risk_class: str
    prefecture: str
    institution: str  # as written, on one line
    title: str
    documents: tuple[str, ...]


@dataclass
class ImportSummary:
    """What an import found and did, as the command prints it and the list's row keeps it."""

    listed_on: date
    rows: int = 0
    already_imported: bool = False
    listed: int = 0
    changed: int = 0
    unchanged: int = 0
    delisted: int = 0
    relisted: int = 0
    linked: int = 0
    institutions_new: int = 0
    institutions_matched: int = 0
    notes: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "listed_on": self.listed_on.isoformat(),
            "rows": self.rows,
            "listed": self.listed,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "delisted": self.delisted,
            "relisted": self.relisted,
            "linked": self.linked,
            "institutions_new": self.institutions_new,
            "institutions_matched": self.institutions_matched,
            "notes": self.notes,
        }


def _refused(errors: list[FieldError]) -> Exception:
    shown = errors[:MAX_ERRORS]
    return invalid_fields(
        shown,
        ErrorCode.CSV_INVALID,
        message=_("The list was not imported: %(n)s error(s). Nothing was saved.")
        % {"n": len(errors)},
    )


def _documents(text: str, line: int, errors: list[FieldError]) -> tuple[str, ...]:
    urls = tuple(text.split())
    if len(urls) > MAX_DOCUMENTS:
        errors.append(
            field_error(
                "documents",
                _("At most %(n)s documents per plan.") % {"n": MAX_DOCUMENTS},
                line=line,
            )
        )
        return ()
    for url in urls:
        try:
            if len(url) > MAX_URL:
                raise ValidationError("too long")
            _URL(url)
        except ValidationError:
            errors.append(
                field_error(
                    "documents", _("Not a web address: %(url)s") % {"url": url[:80]}, line=line
                )
            )
            return ()
    return urls


def _check(line: int, values: list[str], errors: list[FieldError]) -> ListRow | None:
    before = len(errors)
    number, klass, prefecture, institution, title, documents = values
    number = normalise(number).upper()
    if not PLAN_NUMBER.fullmatch(number):
        errors.append(
            field_error(
                "plan_no",
                _("A plan number is two digits, a letter and seven digits (01A2507002)."),
                line=line,
            )
        )
    risk_class = CLASSES.get(normalise(klass))
    if risk_class is None:
        errors.append(field_error("class", _("The class is 1, 2 or 3."), line=line))
    code = PREFECTURE_BY_NAME_JA.get(prefecture)
    if code is None:
        errors.append(
            field_error("prefecture", _("Not a prefecture's name (北海道, 青森県, …)."), line=line)
        )
    institution = one_line(institution)
    # Its match keys are normalised (NFKC can lengthen a character): they too fit in 200.
    if not institution or len(institution) > 200 or len(normalise(institution)) > 200:
        errors.append(
            field_error(
                "institution", _("Name the institution (at most 200 characters)."), line=line
            )
        )
    title = one_line(title)
    if not title or len(title) > 500:
        errors.append(
            field_error("treatment", _("Name the treatment (at most 500 characters)."), line=line)
        )
    urls = _documents(documents, line, errors)
    if len(errors) > before:
        return None
    assert risk_class is not None and code is not None
    return ListRow(line, number, risk_class, code, institution, title, urls)


def _parse(
    data: bytes,
    columns: tuple[str, ...],
    check: Callable[[int, list[str], list[FieldError]], Row | None],
    key: Callable[[Row], str],
    key_field: str,
) -> list[Row]:
    """Every row of a list, checked by `check`; refused whole (each error with its line) if any
    is not as the list writes them, or if two rows have one `key`."""
    if len(data) > MAX_BYTES:
        raise invalid(
            "file",
            _("The list is larger than %(n)s MB.") % {"n": MAX_BYTES // (1024 * 1024)},
            ErrorCode.CSV_INVALID,
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise invalid(
            "file", _("Save the list as UTF-8 text and try again."), ErrorCode.CSV_INVALID
        ) from None
    # A tab-separated list quotes nothing: a quotation mark is part of its field, and a field
    # cannot run on past its line.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error:
        header = []
    if tuple(header) != columns:
        raise invalid(
            "file",
            _("The first line must name the columns %(columns)s, separated by tabs.")
            % {"columns": ", ".join(columns)},
            ErrorCode.CSV_INVALID,
            line=1,
        )
    errors: list[FieldError] = []
    rows: list[Row] = []
    first_line: dict[str, int] = {}
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                errors.append(
                    field_error(
                        "",
                        _("A list may hold at most %(n)s rows.") % {"n": MAX_ROWS},
                        line=reader.line_num,
                    )
                )
                break
            if len(values) != len(columns):
                errors.append(
                    field_error(
                        "",
                        _("Expected %(n)s columns separated by tabs, found %(found)s.")
                        % {"n": len(columns), "found": len(values)},
                        line=reader.line_num,
                    )
                )
                continue
            values = [v.strip() for v in values]
            hidden = [columns[i] for i, value in enumerate(values) if any(map(_invisible, value))]
            if hidden:
                errors.extend(
                    field_error(
                        column,
                        _("Holds a control or invisible formatting character."),
                        line=reader.line_num,
                    )
                    for column in hidden
                )
                continue
            row = check(reader.line_num, values, errors)
            if row is None:
                continue
            found = key(row)
            if found in first_line:
                errors.append(
                    field_error(
                        key_field,
                        _("%(number)s is listed twice (first on line %(line)s).")
                        % {"number": found, "line": first_line[found]},
                        line=reader.line_num,
                    )
                )
                continue
            first_line[found] = reader.line_num
            rows.append(row)
    except csv.Error:
        errors.append(
            field_error("", _("The list cannot be read on from this line."), line=reader.line_num)
        )
    if errors:
        raise _refused(errors)
    if not rows:
        raise invalid("file", _("The list has no rows."), ErrorCode.CSV_INVALID)
    return rows


def parse(data: bytes) -> list[ListRow]:
    """Every row of a list of filed plans, checked (see _parse)."""
    return _parse(data, COLUMNS, _check, lambda row: row.plan_number, "plan_no")


def _bureau_note(row: ListRow, bureaus: dict[str, tuple[str, ...]]) -> dict[str, Any] | None:
    letter = row.plan_number[2]
    expected = bureau_for_prefecture(row.prefecture).code
    codes = bureaus.get(letter)
    if codes is not None and expected in codes:
        return None
    named = (
        ", ".join(BUREAUS_BY_CODE[c].name_en for c in codes if c in BUREAUS_BY_CODE)
        if codes
        else "no known bureau"
    )
    prefecture = PREFECTURE_NAMES_JA[row.prefecture]
    return {
        "kind": "bureau_letter",
        "plan_number": row.plan_number,
        "line": row.line,
        "detail": (
            f"the number's letter {letter} reads as {named}, but {prefecture} files with the "
            f"{BUREAUS_BY_CODE[expected].name_en} (the letter's meaning is an uncertain reading "
            "of the numbers, domain.md §1.11; the row is imported as listed)"
        ),
    }


def _corporations(institution: Institution) -> set[str]:
    """The corporations an institution's name and listed spellings name (none if none does)."""
    names = [institution.name, *institution.listed_names]
    return {name_key(name).corporation for name in names} - {""}


class _Institutions:
    """The institutions of the list's prefectures by their match keys, and those registered
    from it as the rows are read."""

    def __init__(self, prefectures: set[str], actor: User | None, system: str | None) -> None:
        self.actor, self.system = actor, system
        self.by_key: dict[tuple[str, str], list[Institution]] = {}
        for institution in Institution.objects.filter(prefecture__in=prefectures).order_by("pk"):
            self.by_key.setdefault((institution.prefecture, institution.name_key), []).append(
                institution
            )
        self.created: set[int] = set()
        self.matched: set[int] = set()  # those that existed before the import

    def _candidates(self, row: ListRow, corporation: str, facility: str) -> list[Institution]:
        """The institutions a row may be: of its prefecture and facility key, and of no other
        corporation than the row's (a name without one may be any); the one already listed
        under this very spelling, or the one of this very corporation, if several are."""
        found = [
            i
            for i in self.by_key.get((row.prefecture, facility), [])
            if not corporation
            or not (corporations := _corporations(i))
            or corporations == {corporation}
        ]
        if len(found) > 1:
            spelt = [i for i in found if row.institution in i.listed_names]
            if len(spelt) == 1:
                return spelt
            if corporation:
                same = [i for i in found if _corporations(i) == {corporation}]
                if len(same) == 1:
                    return same
        return found

    def match(self, row: ListRow, summary: ImportSummary) -> tuple[Institution, list[Any]]:
        """The institution of a row, and what the import reports of the match."""
        corporation, facility = name_key(row.institution)
        candidates = self._candidates(row, corporation, facility)
        notes: list[Any] = []
        if len(candidates) > 1:
            # A name without its corporation, of a prefecture where several corporations run a
            # facility of that name: which one is not guessed.
            notes.append(
                {
                    "kind": "institution_ambiguous",
                    "plan_number": row.plan_number,
                    "line": row.line,
                    "detail": f"{row.institution} may be any of "
                    + ", ".join(i.name for i in candidates)
                    + "; registered apart from them",
                }
            )
            candidates = []
        if candidates:
            institution = candidates[0]
            if institution.pk not in self.created:
                self.matched.add(institution.pk)
        else:
            institution = self._register(row)
        if row.institution not in institution.listed_names:
            institution.listed_names = [*institution.listed_names, row.institution]
            Institution.objects.filter(pk=institution.pk).update(
                listed_names=institution.listed_names
            )
            if institution.pk not in self.created or len(institution.listed_names) > 1:
                audit_record(
                    action="registry.institution.listed_name_added",
                    actor=self.actor,
                    target=institution,
                    data={"name": row.institution, "plan_number": row.plan_number},
                    system=self.system,
                )
        return institution, notes

    def _register(self, row: ListRow) -> Institution:
        digest = hashlib.sha256(f"{row.prefecture}|{row.institution}".encode()).hexdigest()
        slug = base = f"listed-{row.prefecture}-{digest[:12]}"
        n = 1
        while Organisation.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        organisation = organisation_create(
            kind=OrganisationKind.INSTITUTION,
            slug=slug,
            name=row.institution[:200],
            actor=self.actor,
            system=self.system,
        )
        institution = Institution(
            organisation=organisation,
            name=row.institution[:200],
            prefecture=row.prefecture,
            listed_names=[],
        )
        institution.save()
        audit_record(
            action="registry.institution.listed",
            actor=self.actor,
            target=institution,
            data={"name": institution.name, "prefecture": row.prefecture, "from": "mhlw_list"},
            system=self.system,
        )
        self.by_key.setdefault((row.prefecture, institution.name_key), []).append(institution)
        self.created.add(institution.pk)
        return institution


# The fields of a listed plan an import compares, and how each is written in a change.
# What the list itself says: a change of these is a change on the list. What the import reads
# into a row (its institution, its therapy kind) follows them and is written without a change
# of its own (a better match or reading is not the list's doing).
_COMPARED = (
    "risk_class",
    "prefecture",
    "institution_name",
    "title",
    "documents",
)


def _values(row: ListRow, institution: Institution) -> dict[str, Any]:
    return {
        "risk_class": row.risk_class,
        "prefecture": row.prefecture,
        "institution_id": institution.pk,
        "institution_name": row.institution,
        "title": row.title,
        "therapy": therapy_of(row.title),
        "documents": list(row.documents),
    }


def _check_arguments(listed_precision: str, listed_on: date, source: str) -> None:
    if listed_on > legal_today():
        raise invalid("listed_on", _("A list cannot be dated after today."))
    if listed_precision not in ("day", "month") or (
        listed_precision == "month" and listed_on.day != 1
    ):
        raise invalid("listed_precision", _("A list's date is a day, or a month's first day."))
    if not source or len(source) > 300:
        raise invalid("source", _("Say where the list was published (at most 300 characters)."))


def _open_list(
    kind: str,
    data: bytes,
    summary: ImportSummary,
    listed_precision: str,
    source: str,
    file_name: str,
    actor: User | None,
) -> PublicList | None:
    """The list's row, new; None if this very file was imported before (`summary` then says
    so). A list older than the last one of its kind is refused: history goes forward."""
    digest = hashlib.sha256(data).hexdigest()
    lists = PublicList.objects.select_for_update().filter(kind=kind)
    same = lists.filter(sha256=digest).first()
    if same is not None:
        summary.already_imported = True
        summary.listed_on = same.listed_on
        return None
    latest = lists.order_by("-listed_on", "-pk").first()
    if latest is not None and summary.listed_on < latest.listed_on:
        raise invalid(
            "listed_on",
            _("A list older than the last one imported (%(day)s) cannot be imported.")
            % {"day": latest.listed_on.isoformat()},
        )
    return PublicList.objects.create(
        kind=kind,
        listed_on=summary.listed_on,
        listed_precision=listed_precision,
        source=source,
        file_name=file_name[:200],
        sha256=digest,
        rows=summary.rows,
        imported_by=actor,
    )


def _audit_link(
    what: str,
    pk: int,
    number: str,
    public_list: PublicList,
    actor: User | None,
    system: str | None,
) -> None:
    """A plan or committee of Saisei's own found on the list under its number (no target: the
    Saisei record is named in the data, and is not changed)."""
    audit_record(
        action=f"plans.public_list.linked_{what}",
        actor=actor,
        target=public_list,
        data={what: pk, "number": number},
        system=system,
    )


def _audit_import(
    public_list: PublicList, summary: ImportSummary, actor: User | None, system: str | None
) -> None:
    public_list.summary = summary.to_dict()
    public_list.save(update_fields=["summary"])
    audit_record(
        action=f"plans.public_list.imported.{public_list.kind}",
        actor=actor,
        target=public_list,
        data={
            "file": public_list.file_name,
            "sha256": public_list.sha256,
            **{k: v for k, v in summary.to_dict().items() if k != "notes"},
            "notes": len(summary.notes),
        },
        system=system,
    )


def _again(
    listed: Any, values: dict[str, Any], compared: tuple[str, ...], summary: ImportSummary
) -> tuple[dict[str, Any], str | None, dict[str, list[Any]]]:
    """What an import writes of a row an earlier list already held (its values), and the
    change to record of it: back on the list, or changed (each field before and after); None
    if it is as it was."""
    differ = {
        name: [getattr(listed, name), values[name]]
        for name in compared
        if getattr(listed, name) != values[name]
    }
    update = dict(values)
    if listed.delisted_by_id is not None:
        update["delisted_by"] = None
        summary.relisted += 1
        return update, ListedPlanChangeKind.RELISTED, differ
    if differ:
        summary.changed += 1
        return update, ListedPlanChangeKind.CHANGED, differ
    summary.unchanged += 1
    return update, None, differ


def _gone(gone: Any, public_list: PublicList, summary: ImportSummary) -> list[Any]:
    """The rows of `gone` (a queryset), marked as no longer on the list from `public_list`."""
    rows = list(gone)
    gone.update(delisted_by=public_list)
    summary.delisted += len(rows)
    return rows


@transaction.atomic
def public_plans_import(
    *,
    data: bytes,
    file_name: str,
    listed_on: date,
    listed_precision: str = "day",
    source: str = DEFAULT_SOURCE,
    actor: User | None,
    system: str | None = None,
) -> ImportSummary:
    """Import one of MHLW's lists of filed plans, of the date `listed_on`; see the module."""
    authorise(actor, "registry.manage", None, system)
    _check_arguments(listed_precision, listed_on, source)
    rows = parse(data)
    summary = ImportSummary(listed_on=listed_on, rows=len(rows))
    public_list = _open_list(
        PublicListKind.PLANS, data, summary, listed_precision, source, file_name, actor
    )
    if public_list is None:
        return summary
    institutions = _Institutions({row.prefecture for row in rows}, actor, system)
    bureaus = number_bureaus()
    numbers = [row.plan_number for row in rows]
    existing = {lp.plan_number: lp for lp in ListedPlan.objects.filter(plan_number__in=numbers)}
    filed = {
        number: (pk, risk_class, institution_id)
        for pk, number, risk_class, institution_id in Plan.objects.filter(
            plan_number__in=numbers
        ).values_list("pk", "plan_number", "risk_class", "institution_id")
    }
    changes: list[ListedPlanChange] = []
    written: list[int] = []
    for row in rows:
        institution, notes = institutions.match(row, summary)
        values = _values(row, institution)
        notes += [n for n in (_bureau_note(row, bureaus),) if n is not None]
        plan = filed.get(row.plan_number)
        if plan is not None and plan[1] != row.risk_class:
            notes.append(
                {
                    "kind": "class",
                    "plan_number": row.plan_number,
                    "line": row.line,
                    "detail": f"the list says Class {row.risk_class}, the plan filed through "
                    f"Saisei is Class {plan[1]}",
                }
            )
        if plan is not None and plan[2] != institution.pk:
            notes.append(
                {
                    "kind": "institution",
                    "plan_number": row.plan_number,
                    "line": row.line,
                    "detail": f"the list names {row.institution}, the plan filed through Saisei "
                    f"under this number is of another institution (#{plan[2]})",
                }
            )
        summary.notes.extend(notes)
        listed = existing.get(row.plan_number)
        if listed is None:
            listed = ListedPlan.objects.create(
                plan_number=row.plan_number,
                plan_id=plan[0] if plan else None,
                first_list=public_list,
                last_list=public_list,
                notes=notes,
                **values,
            )
            written.append(listed.pk)
            summary.listed += 1
            if plan is not None:
                summary.linked += 1
                _audit_link("plan", plan[0], row.plan_number, public_list, actor, system)
            changes.append(
                ListedPlanChange(
                    listed_plan=listed,
                    public_list=public_list,
                    kind=ListedPlanChangeKind.LISTED,
                    fields={k: v for k, v in values.items() if k != "institution_id"},
                )
            )
            continue
        update, kind, differ = _again(listed, values, _COMPARED, summary)
        update.update(last_list=public_list, notes=notes)
        if listed.plan_id is None and plan is not None:
            update["plan_id"] = plan[0]
            summary.linked += 1
            _audit_link("plan", plan[0], row.plan_number, public_list, actor, system)
        if kind is not None:
            changes.append(
                ListedPlanChange(
                    listed_plan=listed, public_list=public_list, kind=kind, fields=differ
                )
            )
        ListedPlan.objects.filter(pk=listed.pk).update(**update)
        written.append(listed.pk)
    # A plan of a class this list holds that it no longer lists has left it (a list of Class II
    # alone says nothing of the Class III plans).
    classes = {row.risk_class for row in rows}
    gone = (
        ListedPlan.objects.filter(risk_class__in=classes, delisted_by__isnull=True)
        .exclude(plan_number__in=numbers)
        .order_by("pk")
    )
    left = _gone(gone, public_list, summary)
    changes += [
        ListedPlanChange(
            listed_plan=listed, public_list=public_list, kind=ListedPlanChangeKind.DELISTED
        )
        for listed in left
    ]
    ListedPlanChange.objects.bulk_create(changes, batch_size=1000)
    # The public search shows every plan of the list, and those it left as no longer listed.
    search.sync(
        listed_ids=[
            *written,
            *(listed.pk for listed in left),
        ]
    )
    summary.institutions_new = len(institutions.created)
    summary.institutions_matched = len(institutions.matched)
    _audit_import(public_list, summary, actor, system)
    return summary


# --- the list of certified committees --------------------------------------------------------

COMMITTEE_COLUMNS = (
    "committee_no",
    "committee_name",
    "scope",
    "founder",
    "founder_address",
    "source_url",
)
# Older numbers NA/NB and seven digits (NA8150016 Specially Certified, NB3190002 Certified); those
# e-再生医療 issues, two digits, a letter and seven digits (07C2403002). domain.md §1.6, §1.11.
COMMITTEE_NUMBER = re.compile(r"N[AB][0-9]{7}|[0-9]{2}[A-Z][0-9]{7}")
# The founder as published: its name, then its representative in brackets.
# Brackets ordinary or full-width (U+FF08, U+FF09), as the lists write either.
_REPRESENTED = re.compile(r"(?P<name>.+?)\s*[(\uff08](?P<by>[^()\uff08\uff09]*)[)\uff09]\s*")
# The founder's type from its name, the first that matches (normalised text).
FOUNDER_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (FounderType.MEDICAL_INSTITUTION, ("医療法人",)),
    (FounderType.NPO, ("特定非営利活動法人", "npo法人")),
    (FounderType.UNIVERSITY, ("大学",)),
    (FounderType.ACADEMIC_SOCIETY, ("学会",)),
    (
        FounderType.ASSOCIATION,
        ("一般社団法人", "一般財団法人", "公益社団法人", "公益財団法人"),
    ),
)


@dataclass(frozen=True)
class CommitteeRow:
    line: int
    number: str
    name: str
    scope: str
    founder: str
    representative: str
    address: str
    source_url: str


def committee_kind_of(scope: str) -> str:
    """The kind a committee's published scope of review says: 特定… is a Specially Certified
    committee's (Class I to III), 第三種のみ a Certified one's (Class III only); "" if neither."""
    text = normalise(scope).replace(" ", "")
    if text.startswith("特定"):
        return CommitteeKind.SPECIALLY_CERTIFIED
    if "第三種のみ" in text:
        return CommitteeKind.CERTIFIED
    return ""


def founder_type_of(founder: str) -> str:
    text = normalise(founder).replace(" ", "")
    for founder_type, terms in FOUNDER_TYPES:
        if any(term in text for term in terms):
            return founder_type
    return FounderType.OTHER


def _check_committee(line: int, values: list[str], errors: list[FieldError]) -> CommitteeRow | None:
    before = len(errors)
    number, name, scope, founder, address, url = (one_line(v) for v in values)
    number = normalise(number).upper()
    if not COMMITTEE_NUMBER.fullmatch(number):
        errors.append(
            field_error(
                "committee_no",
                _(
                    "A committee number is NA or NB and seven digits, or two digits, a letter and "
                    "seven digits (NA8150016, 07C2403002)."
                ),
                line=line,
            )
        )
    if not name or len(name) > 200:
        errors.append(
            field_error(
                "committee_name", _("Name the committee (at most 200 characters)."), line=line
            )
        )
    if len(scope) > 200:
        errors.append(field_error("scope", _("At most 200 characters."), line=line))
    represented = _REPRESENTED.fullmatch(founder)
    founder_name, representative = (
        (represented["name"], represented["by"].strip()) if represented else (founder, "")
    )
    if (
        not founder_name
        or len(founder_name) > 200
        or len(normalise(founder_name)) > 200
        or len(representative) > 200
    ):
        errors.append(
            field_error("founder", _("Name the founder (at most 200 characters)."), line=line)
        )
    if len(address) > 300:
        errors.append(field_error("founder_address", _("At most 300 characters."), line=line))
    try:
        if not url or len(url) > MAX_URL:
            raise ValidationError("length")
        _URL(url)
    except ValidationError:
        errors.append(
            field_error(
                "source_url", _("Not a web address: %(url)s") % {"url": url[:80]}, line=line
            )
        )
    if len(errors) > before:
        return None
    return CommitteeRow(line, number, name, scope, founder_name, representative, address, url)


def parse_committees(data: bytes) -> list[CommitteeRow]:
    """Every row of a list of certified committees, checked (see _parse)."""
    return _parse(data, COMMITTEE_COLUMNS, _check_committee, lambda row: row.number, "committee_no")


def _committee_values(row: CommitteeRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "kind": committee_kind_of(row.scope),
        "scope": row.scope,
        "founder": row.founder,
        "founder_representative": row.representative,
        "founder_type": founder_type_of(row.founder),
        "founder_key": founder_key(row.founder),
        "founder_address": row.address,
        "source_url": row.source_url,
    }


def _committee_notes(row: CommitteeRow, kind: str, registered: Committee | None) -> list[Any]:
    notes = []
    prefix = row.number[:2]
    by_number = {"NA": CommitteeKind.SPECIALLY_CERTIFIED, "NB": CommitteeKind.CERTIFIED}
    if prefix in by_number and kind and by_number[prefix] != kind:
        notes.append(
            {
                "kind": "committee_kind",
                "number": row.number,
                "line": row.line,
                "detail": f"the number {row.number} is of a {by_number[prefix]} committee, the "
                f"scope ({row.scope}) of a {kind} one",
            }
        )
    if registered is not None and kind and registered.kind != kind:
        notes.append(
            {
                "kind": "registered_kind",
                "number": row.number,
                "line": row.line,
                "detail": f"the list's scope reads as a {kind} committee, Saisei registers a "
                f"{registered.kind} one",
            }
        )
    return notes


_COMMITTEE_COMPARED = (
    "name",
    "kind",
    "scope",
    "founder",
    "founder_representative",
    "founder_address",
    "source_url",
)


@transaction.atomic
def public_committees_import(
    *,
    data: bytes,
    file_name: str,
    listed_on: date,
    listed_precision: str = "day",
    source: str = DEFAULT_COMMITTEE_SOURCE,
    actor: User | None,
    system: str | None = None,
) -> ImportSummary:
    """Import a list of certified committees in the shape of
    ../shared/reference/mhlw_committees_sample.tsv: each committee kept as a ListedCommittee,
    linked to the committee registered in Saisei under the same number, with what changed
    since the last list (as for the plans: all or nothing, the same file twice changes nothing,
    an older list is refused, what is odd is reported)."""
    authorise(actor, "registry.manage", None, system)
    _check_arguments(listed_precision, listed_on, source)
    rows = parse_committees(data)
    summary = ImportSummary(listed_on=listed_on, rows=len(rows))
    public_list = _open_list(
        PublicListKind.COMMITTEES, data, summary, listed_precision, source, file_name, actor
    )
    if public_list is None:
        return summary
    numbers = [row.number for row in rows]
    existing = {c.number: c for c in ListedCommittee.objects.filter(number__in=numbers)}
    registered = {
        c.certification_number: c
        for c in Committee.objects.filter(certification_number__in=numbers)
    }
    changes: list[ListedCommitteeChange] = []
    for row in rows:
        values = _committee_values(row)
        committee = registered.get(row.number)
        notes = _committee_notes(row, values["kind"], committee)
        summary.notes.extend(notes)
        listed = existing.get(row.number)
        if listed is None:
            listed = ListedCommittee.objects.create(
                number=row.number,
                committee=committee,
                first_list=public_list,
                last_list=public_list,
                notes=notes,
                **values,
            )
            summary.listed += 1
            if committee is not None:
                summary.linked += 1
                _audit_link("committee", committee.pk, row.number, public_list, actor, system)
            changes.append(
                ListedCommitteeChange(
                    listed_committee=listed,
                    public_list=public_list,
                    kind=ListedPlanChangeKind.LISTED,
                    fields={k: values[k] for k in _COMMITTEE_COMPARED},
                )
            )
            continue
        update, kind, differ = _again(listed, values, _COMMITTEE_COMPARED, summary)
        update.update(last_list=public_list, notes=notes)
        if listed.committee_id is None and committee is not None:
            update["committee"] = committee
            summary.linked += 1
            _audit_link("committee", committee.pk, row.number, public_list, actor, system)
        if kind is not None:
            changes.append(
                ListedCommitteeChange(
                    listed_committee=listed, public_list=public_list, kind=kind, fields=differ
                )
            )
        ListedCommittee.objects.filter(pk=listed.pk).update(**update)
    gone = (
        ListedCommittee.objects.filter(delisted_by__isnull=True)
        .exclude(number__in=numbers)
        .order_by("pk")
    )
    changes += [
        ListedCommitteeChange(
            listed_committee=listed,
            public_list=public_list,
            kind=ListedPlanChangeKind.DELISTED,
        )
        for listed in _gone(gone, public_list, summary)
    ]
    search.committees_changed()
    ListedCommitteeChange.objects.bulk_create(changes, batch_size=1000)
    _audit_import(public_list, summary, actor, system)
    return summary
