"""A national data set, generated with bulk writes, deterministic from a seed.

Scale 1 is Japan today (domain.md §1.10; MHLW's public list holds about 10,000 plans): 10,000
plans over 3,000 institutions, 2M treatments with three outcome measurements each (6M), about
10,000 adverse events and the obligations the law engine opens for all of them (about
100,000). `scale` multiplies every count.

Shapes follow the public list: most plans are Class III or II, PRP and adipose-derived stem
cells above all, a few Class I; plans per institution and treatments per plan are skewed (a
few large clinics provide most treatments; a Pareto draw); adverse events are mostly not
serious. Institutions are spread over the prefectures as clinics are (Tokyo and Osaka first).

Rows are written with one `executemany` per table and chunk on SQLite and `COPY` on
PostgreSQL, with ids assigned here so that no row needs a round trip to learn its id. The
obligations are the duties the law engine expects of these rows: the apps' own sources
(`saisei.obligations.sources`) give each duty and `compute_due` its due date and explanation,
exactly as the tick would; past duties are met, met late or overdue in fixed proportions, so
that `obligations tick` and `verify` find nothing to do.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

# Counts at scale 1.
INSTITUTIONS = 3_000
COMMITTEES = 120
THIRD_PARTY_FACILITIES = 60
PLANS = 10_000
TREATMENTS = 2_000_000
OUTCOMES_PER_TREATMENT = 3
AE_PER_TREATMENT = 0.005
# The plan the periodic-report benchmark reads: about this many treatments.
BIG_PLAN_TREATMENTS = 1_200

CHUNK = 50_000
PASSWORD = "saisei-bench"

# Prefecture codes by weight (Tokyo, Osaka, Kanagawa, Aichi, Fukuoka first).
PREFECTURE_WEIGHTS = {"13": 30, "27": 12, "14": 9, "23": 7, "40": 6, "01": 4, "28": 4, "11": 4}

# (therapy, risk class, share of plans, title, English title, target disease)
PLAN_SHAPES: tuple[tuple[str, str, float, str, str, str], ...] = (
    ("prp", "III", 0.46, "多血小板血漿(PRP)療法", "Platelet-rich plasma therapy", "変形性膝関節症"),
    ("prp", "III", 0.10, "PRPによる皮膚再生療法", "PRP skin rejuvenation", "皮膚のしわ"),
    (
        "adipose_msc",
        "II",
        0.22,
        "自己脂肪由来幹細胞治療",
        "Autologous adipose stem cells",
        "変形性膝関節症",
    ),
    (
        "adipose_msc",
        "II",
        0.05,
        "脂肪由来幹細胞の静脈投与",
        "Intravenous adipose stem cells",
        "慢性疼痛",
    ),
    ("lymphocytes", "III", 0.07, "免疫細胞療法", "Immune cell therapy", "固形がん"),
    (
        "fibroblasts",
        "II",
        0.05,
        "培養線維芽細胞移植",
        "Cultured fibroblast transplant",
        "皮膚の萎縮",
    ),
    ("chondrocytes", "II", 0.02, "培養軟骨細胞移植", "Cultured chondrocyte transplant", "軟骨欠損"),
    ("bone_marrow", "II", 0.02, "骨髄由来細胞治療", "Bone-marrow cell therapy", "重症下肢虚血"),
    (
        "other",
        "I",
        0.01,
        "iPS細胞由来細胞移植(臨床研究)",
        "iPS-derived cell transplant",
        "パーキンソン病",
    ),
)

# Serious categories open the committee and authority reports; most events are not serious.
AE_CATEGORIES = (
    ("non_serious", 0.88),
    ("hospitalisation", 0.06),
    ("other_serious", 0.03),
    ("possible_disability", 0.015),
    ("life_threatening", 0.01),
    ("death", 0.005),
)

STATUS_SHARES = (
    ("active", 0.86),
    ("discontinued", 0.05),
    ("closed", 0.04),
    ("suspended", 0.01),
    ("draft", 0.02),
    ("under_review", 0.02),
)


@dataclass
class Sizes:
    institutions: int
    committees: int
    facilities: int
    plans: int
    treatments: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        def n(base: int, least: int) -> int:
            return max(least, round(base * scale))

        return cls(
            institutions=n(INSTITUTIONS, 12),
            committees=n(COMMITTEES, 3),
            facilities=n(THIRD_PARTY_FACILITIES, 2),
            plans=n(PLANS, 40),
            treatments=n(TREATMENTS, 8_000),
        )


@dataclass
class Generated:
    """What the benchmarks need to know of the data set: sizes and a few named rows."""

    counts: dict[str, int] = field(default_factory=dict)
    sample: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class Loader:
    """Bulk rows into one table: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.vendor = connection.vendor

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        quote = self.connection.ops.quote_name
        cols = ", ".join(quote(c) for c in columns)
        count = 0
        with self.connection.cursor() as cursor:
            sql = f"INSERT INTO {quote(table)} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
            for batch in _batches(rows, CHUNK):
                # A batch at a time: the rows may come from queries on this same connection,
                # which cannot run while a COPY is open on it.
                if self.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
                else:
                    cursor.executemany(sql, batch)
                count += len(batch)
        return count

    def reset_sequences(self, models: Sequence[Any]) -> None:
        if self.vendor != "postgresql":
            return
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            for statement in self.connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


def _batches(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _pareto_counts(rng: random.Random, n: int, total: int, alpha: float) -> list[int]:
    """`n` counts summing to `total`, skewed as a Pareto draw (a few very large)."""
    weights = [rng.paretovariate(alpha) for _ in range(n)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    short = total - sum(counts)
    for i in rng.sample(range(n), k=min(n, max(short, 0))):
        counts[i] += 1
    return counts


def generate(*, scale: float, seed: int, today: date, log: Callable[[str], None]) -> Generated:
    from django.db import connection, transaction

    from saisei.accounts.models import ApiToken, Membership, Organisation, User
    from saisei.obligations.models import Obligation
    from saisei.plans.models import EvaluationCriterion, Plan, PlanFacility, PlanVersion
    from saisei.registry.models import Committee, Institution, ProcessingFacility
    from saisei.registry.names import name_key
    from saisei.registry.regions import bureau_for_prefecture
    from saisei.reporting.models import AdverseEvent, OutcomeMeasurement, Treatment

    rng = random.Random(seed)
    sizes = Sizes.at(scale)
    out = Generated()
    load = Loader(connection)
    # A timestamp in the form Django itself stores (naive UTC text on SQLite), so that a cursor
    # over a timestamp column finds these rows as it finds the app's own.
    now = connection.ops.adapt_datetimefield_value(
        datetime(today.year, today.month, today.day, 3, 0, tzinfo=UTC)
    )
    prefectures = list(PREFECTURE_WEIGHTS) + [f"{i:02d}" for i in range(1, 48)]
    pref_weights = [PREFECTURE_WEIGHTS.get(p, 1) for p in prefectures]

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A throwaway file: no need to survive a power cut while it is written, and a large
            # page cache keeps the indexes of 18M rows in memory while they grow.
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")
            cursor.execute("PRAGMA temp_store=MEMORY")
    with transaction.atomic():
        # People: one regulator, and staff at the institutions and committees the benchmark reads.
        password = _password_hash()
        org_rows: list[tuple[Any, ...]] = []
        next_org = 1

        def org(kind: str, slug: str, name: str, name_en: str) -> int:
            nonlocal next_org
            org_rows.append((next_org, kind, slug, name, name_en, now))
            next_org += 1
            return next_org - 1

        regulator_org = org(
            "regulator", "bench-mhlw", "厚生労働省(ベンチマーク)", "MHLW (benchmark)"
        )
        committee_orgs = [
            org(
                "committee",
                f"bench-committee-{i:04d}",
                f"架空第{i}認定再生医療等委員会",
                f"Fictional committee {i}",
            )
            for i in range(1, sizes.committees + 1)
        ]
        inst_orgs = [
            org("institution", f"bench-inst-{i:05d}", _clinic_name(i), f"Fictional clinic {i}")
            for i in range(1, sizes.institutions + 1)
        ]
        load.insert(
            Organisation._meta.db_table,
            ["id", "kind", "slug", "name", "name_en", "created_at"],
            org_rows,
        )

        inst_prefs = rng.choices(prefectures, weights=pref_weights, k=sizes.institutions)
        load.insert(
            Institution._meta.db_table,
            [
                "id",
                "organisation_id",
                "name",
                "name_en",
                "kind",
                "prefecture",
                "address",
                "manager_name",
                "listed_names",
                "corporation_key",
                "name_key",
                "created_at",
            ],
            (
                (
                    i + 1,
                    inst_orgs[i],
                    _clinic_name(i + 1),
                    f"Fictional clinic {i + 1}",
                    "clinic" if i % 7 else "hospital",
                    inst_prefs[i],
                    "架空県架空市1-1",
                    "架空 太郎",
                    "[]",
                    # The match keys Institution.save keeps (saisei.registry.names).
                    *name_key(_clinic_name(i + 1)),
                    now,
                )
                for i in range(sizes.institutions)
            ),
        )
        closed_days = json.dumps(["sunday", "national_holiday"])
        committee_kinds = [
            "specially_certified" if i % 4 == 0 else "certified" for i in range(sizes.committees)
        ]
        load.insert(
            Committee._meta.db_table,
            [
                "id",
                "organisation_id",
                "name",
                "name_en",
                "kind",
                "certification_number",
                "founder_name",
                "founder_type",
                "certified_on",
                "valid_until",
                "scope",
                "rule_min_present",
                "rule_majority_present",
                "rule_both_sexes",
                "rule_required_categories",
                "rule_min_no_interest",
                "rule_min_independent",
                "rule_closed_days",
                "created_at",
            ],
            (
                (
                    i + 1,
                    committee_orgs[i],
                    f"架空第{i + 1}認定再生医療等委員会",
                    f"Fictional committee {i + 1}",
                    committee_kinds[i],
                    f"{'NA8' if committee_kinds[i] == 'specially_certified' else 'NB3'}{i + 1:06d}",
                    "架空医療法人",
                    "medical_institution",
                    today - timedelta(days=400 + i % 700),
                    today + timedelta(days=600 + i % 400),
                    "",
                    5,
                    True,
                    True,
                    json.dumps(["a", "b", "c"]),
                    1,
                    2,
                    closed_days,
                    now,
                )
                for i in range(sizes.committees)
            ),
        )
        # Every institution makes its cells in-house (a notified facility); a few third-party
        # licensed facilities serve many clinics.
        facility_rows = []
        for i in range(sizes.institutions):
            facility_rows.append(
                (
                    i + 1,
                    f"架空クリニック{i + 1} 細胞培養加工室",
                    "",
                    "notification",
                    f"FC{i + 1:07d}",
                    _clinic_name(i + 1),
                    True,
                    "",
                    inst_prefs[i],
                    date(2015, 4, 1),
                    None,
                    i + 1,
                    now,
                )
            )
        for j in range(sizes.facilities):
            n = sizes.institutions + j + 1
            facility_rows.append(
                (
                    n,
                    f"架空細胞加工センター{j + 1}",
                    f"Fictional CPC {j + 1}",
                    "licence",
                    f"FA{j + 1:07d}",
                    "架空株式会社",
                    True,
                    "",
                    "13",
                    date(2015, 4, 1),
                    None,
                    None,
                    now,
                )
            )
        load.insert(
            ProcessingFacility._meta.db_table,
            [
                "id",
                "name",
                "name_en",
                "kind",
                "number",
                "operator_name",
                "domestic",
                "country",
                "prefecture",
                "valid_from",
                "valid_until",
                "operator_institution_id",
                "created_at",
            ],
            facility_rows,
        )

        # Plans: per institution skewed; shapes by share; filed from 2015 to last month.
        per_institution = _pareto_counts(
            rng, sizes.institutions, sizes.plans - sizes.institutions, 1.6
        )
        plan_inst = [i + 1 for i in range(sizes.institutions)]
        for i, extra in enumerate(per_institution):
            plan_inst.extend([i + 1] * extra)
        rng.shuffle(plan_inst)
        shapes = [(s, s[2]) for s in PLAN_SHAPES]
        classification = _classifications()
        plans: list[tuple[Any, ...]] = []
        plan_info: list[tuple[int, int, int, str, date, date | None, str]] = []
        versions = []
        criteria = []
        plan_facilities = []
        criterion_id = 0
        for p in range(sizes.plans):
            pk = p + 1
            inst = plan_inst[p]
            shape = _weighted(rng, shapes)
            therapy, risk_class, _share, title, title_en, disease = shape
            status = _weighted(rng, STATUS_SHARES)
            committee = 1 + (inst * 7 + p) % sizes.committees
            while (risk_class in ("I", "II")) != (
                committee_kinds[committee - 1] == "specially_certified"
            ):
                committee = 1 + committee % sizes.committees
            filed = None
            number = None
            if status not in ("draft", "under_review"):
                filed = date(2015, 6, 1) + timedelta(
                    days=rng.randrange((today - date(2015, 7, 1)).days)
                )
                bureau = bureau_for_prefecture(inst_prefs[inst - 1]).code
                number = f"P{risk_class}{bureau.upper()[:2]}{pk:07d}"
            ended = None
            if status in ("discontinued", "closed") and filed is not None:
                ended = filed + timedelta(days=rng.randrange(max((today - filed).days, 2)))
            office = (
                ""
                if filed is None
                else (
                    "mhlw"
                    if risk_class == "I"
                    else bureau_for_prefecture(inst_prefs[inst - 1]).code
                )
            )
            answers, result, rule = classification[therapy, risk_class]
            # Each plan last changed on a day of its own (its filing, its end, or lately for one
            # not filed yet) at a second of office hours: a real register's plans differ in their
            # last change, so a list ordered by it has no tie the size of the country.
            changed_on = ended or filed or (today - timedelta(days=rng.randrange(1, 365)))
            changed = connection.ops.adapt_datetimefield_value(
                datetime(changed_on.year, changed_on.month, changed_on.day, tzinfo=UTC)
                + timedelta(seconds=rng.randrange(9 * 3600, 18 * 3600))
            )
            plans.append(
                (
                    pk,
                    inst,
                    committee,
                    "research" if risk_class == "I" else "treatment",
                    f"{title}({_clinic_name(inst)})",
                    f"{title_en} at fictional clinic {inst}",
                    therapy,
                    disease,
                    "架空の説明。",
                    "",
                    "架空 医師",
                    "",
                    "",
                    answers,
                    result,
                    risk_class,
                    rule,
                    status,
                    "",
                    1,
                    None if status == "draft" else changed,
                    filed,
                    ""
                    if filed is None
                    else ("minister" if risk_class == "I" else "regional_bureau"),
                    office,
                    number,
                    None if filed is None else changed,
                    filed,
                    "Generated for the benchmark.",
                    "ベンチマーク用に生成。",
                    "",
                    "",
                    None,
                    None,
                    ended if status == "discontinued" else None,
                    ended if status == "closed" else None,
                    None,
                    changed,
                    changed,
                )
            )
            plan_info.append((pk, inst, committee, risk_class, filed or today, ended, status))
            versions.append(
                (pk, pk, 1, "{}", "filed" if filed else "created", filed is not None, now)
            )
            for position in range(OUTCOMES_PER_TREATMENT):
                criterion_id += 1
                criteria.append(
                    (
                        criterion_id,
                        pk,
                        position,
                        ("疼痛VAS", "可動域", "有害事象の有無")[position],
                        "診察",
                        f"{(position + 1) * 3}か月",
                        "",
                        "",
                        None,
                        True,
                        1,
                    )
                )
            facility = inst if pk % 5 else sizes.institutions + 1 + pk % sizes.facilities
            plan_facilities.append((pk, pk, facility, True, 1))
        load.insert(
            Plan._meta.db_table,
            [
                "id",
                "institution_id",
                "committee_id",
                "plan_type",
                "title",
                "title_en",
                "therapy",
                "target_disease",
                "description",
                "class_reasons",
                "responsible_physician",
                "other_physicians",
                "consent_document",
                "classification_answers",
                "classification",
                "risk_class",
                "classification_rule",
                "status",
                "status_before_change",
                "version",
                "first_submitted_at",
                "filed_on",
                "filed_with",
                "filing_office",
                "plan_number",
                "accepted_at",
                "provision_allowed_from",
                "provision_allowed_explanation",
                "provision_allowed_explanation_ja",
                "change_allowed_explanation",
                "change_allowed_explanation_ja",
                "change_allowed_from",
                "change_version",
                "discontinued_on",
                "closed_on",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
            plans,
        )
        load.insert(
            PlanVersion._meta.db_table,
            ["id", "plan_id", "number", "snapshot", "reason", "public", "created_at"],
            versions,
        )
        load.insert(
            EvaluationCriterion._meta.db_table,
            [
                "id",
                "plan_id",
                "position",
                "measure",
                "method",
                "time_point",
                "success_threshold",
                "threshold_operator",
                "threshold_value",
                "is_current",
                "added_in_version",
            ],
            criteria,
        )
        load.insert(
            PlanFacility._meta.db_table,
            ["id", "plan_id", "facility_id", "is_current", "added_in_version"],
            plan_facilities,
        )
        log(
            f"  {sizes.institutions:,} institutions, {sizes.committees:,} committees, "
            f"{len(facility_rows):,} facilities, {sizes.plans:,} plans"
        )

        # Users: the regulator, staff of the biggest institution, the busiest committee's
        # secretariat; their memberships and API tokens.
        providing = [info for info in plan_info if info[6] not in ("draft", "under_review")]
        per_plan = _pareto_counts(rng, len(providing), sizes.treatments, 1.15)
        big = min(range(len(providing)), key=lambda i: abs(per_plan[i] - BIG_PLAN_TREATMENTS))
        big_plan = providing[big]
        plans_by_inst: dict[int, int] = {}
        plans_by_committee: dict[int, int] = {}
        for info in plan_info:
            plans_by_inst[info[1]] = plans_by_inst.get(info[1], 0) + 1
            plans_by_committee[info[2]] = plans_by_committee.get(info[2], 0) + 1
        top_inst = max(plans_by_inst, key=lambda k: (plans_by_inst[k], -k))
        top_committee = max(plans_by_committee, key=lambda k: (plans_by_committee[k], -k))
        small = next(info for info in providing if info[1] != top_inst)
        users = [
            (1, "bench-regulator", "ベンチ 規制当局", regulator_org, "regulator"),
            (
                2,
                "bench-institution",
                "ベンチ 機関職員",
                inst_orgs[top_inst - 1],
                "institution_staff",
            ),
            (
                3,
                "bench-committee",
                "ベンチ 委員会事務局",
                committee_orgs[top_committee - 1],
                "committee_secretariat",
            ),
            (
                4,
                "bench-officer",
                "ベンチ 機関管理者",
                inst_orgs[big_plan[1] - 1],
                "institution_officer",
            ),
        ]
        load.insert(
            User._meta.db_table,
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "display_name",
            ],
            ((u[0], password, False, u[1], "", "", "", False, True, now, u[2]) for u in users),
        )
        load.insert(
            Membership._meta.db_table,
            ["id", "user_id", "organisation_id", "role", "is_active", "created_at"],
            ((u[0], u[0], u[3], u[4], True, now) for u in users),
        )
        out.users = {"regulator": 1, "institution": 2, "committee": 3, "officer": 4}
        out.sample = {
            "institution": top_inst,
            "committee": top_committee,
            "plan_big": big_plan[0],
            "plan_small": small[0],
            "institution_of_big_plan": big_plan[1],
        }

        # Treatments with their outcomes, plan by plan; dates within the plan's provision.
        recorder = 4
        treatment_id = 0
        outcome_id = 0
        ae_rows: list[tuple[Any, ...]] = []
        ae_weights = AE_CATEGORIES

        def treatments() -> Iterator[tuple[Any, ...]]:
            nonlocal treatment_id
            for info, count in zip(providing, per_plan, strict=True):
                pk, inst, _c, _rc, start, ended, _st = info
                end = min(ended or today, today)
                span = max((end - start).days, 1)
                facility = inst if pk % 5 else sizes.institutions + 1 + pk % sizes.facilities
                for k in range(count):
                    treatment_id += 1
                    day = start + timedelta(days=(k * 7919 + pk) % span)
                    yield (
                        treatment_id,
                        pk,
                        f"BN{treatment_id:08d}",
                        day,
                        f"LOT-{k % 97:03d}",
                        facility,
                        recorder,
                        now,
                    )

        def outcomes() -> Iterator[tuple[Any, ...]]:
            nonlocal outcome_id
            tid = 0
            for info, count in zip(providing, per_plan, strict=True):
                pk, _i, _c, _rc, start, ended, _st = info
                end = min(ended or today, today)
                span = max((end - start).days, 1)
                base = (pk - 1) * OUTCOMES_PER_TREATMENT
                for k in range(count):
                    tid += 1
                    day = start + timedelta(days=(k * 7919 + pk) % span)
                    for position in range(OUTCOMES_PER_TREATMENT):
                        outcome_id += 1
                        measured = min(day + timedelta(days=30 * (position + 1)), today)
                        value = ((tid * 31 + position * 17) % 1000) / 10
                        yield (
                            outcome_id,
                            tid,
                            base + position + 1,
                            measured,
                            value,
                            "",
                            recorder,
                            now,
                        )
                    if rng.random() < AE_PER_TREATMENT:
                        learned = min(day + timedelta(days=1 + tid % 20), today)
                        ae_rows.append(
                            (
                                len(ae_rows) + 1,
                                pk,
                                tid,
                                f"BN{tid:08d}",
                                learned,
                                day,
                                _weighted(rng, ae_weights),
                                False,
                                "架空の事象。",
                                "recovered",
                                "possible",
                                recorder,
                                now,
                            )
                        )

        n_treatments = load.insert(
            Treatment._meta.db_table,
            [
                "id",
                "plan_id",
                "patient_code",
                "treated_on",
                "lot",
                "facility_id",
                "recorded_by_id",
                "created_at",
            ],
            treatments(),
        )
        log(f"  {n_treatments:,} treatments")
        n_outcomes = load.insert(
            OutcomeMeasurement._meta.db_table,
            [
                "id",
                "treatment_id",
                "criterion_id",
                "measured_on",
                "value",
                "note",
                "recorded_by_id",
                "created_at",
            ],
            outcomes(),
        )
        log(f"  {n_outcomes:,} outcome measurements")
        load.insert(
            AdverseEvent._meta.db_table,
            [
                "id",
                "plan_id",
                "treatment_id",
                "patient_code",
                "learned_on",
                "onset_on",
                "category",
                "infection",
                "description",
                "outcome",
                "causality",
                "recorded_by_id",
                "created_at",
            ],
            ae_rows,
        )
        log(f"  {len(ae_rows):,} adverse events")
        load.reset_sequences(
            [
                Organisation,
                Institution,
                Committee,
                ProcessingFacility,
                Plan,
                PlanVersion,
                EvaluationCriterion,
                PlanFacility,
                User,
                Membership,
                Treatment,
                OutcomeMeasurement,
                AdverseEvent,
                ApiToken,
            ]
        )

    # Duties: what the apps' sources expect of these rows, due as the law engine says.
    with transaction.atomic():
        n_obligations = _obligations(load, rng, today, now)
        load.reset_sequences([Obligation])
    log(f"  {n_obligations:,} obligations")
    # Tables the services keep in step as they write, rebuilt from the bulk-loaded rows by the
    # commands an operator would run after a bulk load.
    from django.core.management import call_command

    call_command("plans", "reindex", stdout=_Quiet())
    # The real samples of MHLW's public lists, as `make run` loads them: the search holds the
    # imported plans beside the generated ones.
    from saisei.plans.reference import load as load_public_lists

    log("  " + load_public_lists())
    with connection.cursor() as cursor:
        # Both databases plan queries from statistics; a freshly loaded table has none.
        cursor.execute("ANALYZE")
    out.counts = {
        "institutions": sizes.institutions,
        "committees": sizes.committees,
        "facilities": len(facility_rows),
        "plans": sizes.plans,
        "treatments": n_treatments,
        "outcomes": n_outcomes,
        "adverse_events": len(ae_rows),
        "obligations": n_obligations,
    }
    return out


def _obligations(load: Loader, rng: random.Random, today: date, now: Any) -> int:
    from saisei.obligations.models import Obligation
    from saisei.obligations.services.core import _expected, _explanation, _row_values, compute_due

    columns = [
        "id",
        "rule",
        "organisation_id",
        "also_visible_to_id",
        "subject_type",
        "subject_id",
        "subject_label",
        "recipient",
        "starts_on",
        "period",
        "period_start",
        "period_end",
        "nominal_due",
        "due_on",
        "explanation",
        "status",
        "met_on",
        "met_by_type",
        "met_by_id",
        "waived_reason",
        "created_at",
        "updated_at",
    ]
    cache: dict[Any, Any] = {}

    def rows() -> Iterator[tuple[Any, ...]]:
        for n, spec in enumerate(_expected(today), start=1):
            key = (
                spec.rule,
                spec.starts_on,
                spec.period,
                spec.recipient,
                spec.committee_closed,
                spec.fixed_due,
            )
            if key not in cache:
                due = compute_due(spec)
                cache[key] = (due, json.dumps(_explanation(due), ensure_ascii=False, default=str))
            due, explanation = cache[key]
            values = _row_values(spec, due)
            status, met_on = "open", None
            if spec.met_on is not None and spec.met_by is not None:
                status = "met" if spec.met_on <= due.due else "met_late"
                met_on = spec.met_on
            elif due.due < today:
                roll = rng.random()
                if roll < 0.93:
                    status, met_on = (
                        "met",
                        max(due.due - timedelta(days=rng.randrange(20)), spec.starts_on),
                    )
                elif roll < 0.97:
                    status, met_on = (
                        "met_late",
                        min(due.due + timedelta(days=1 + rng.randrange(30)), today),
                    )
                else:
                    status = "overdue"
            met_by = spec.met_by or ("", "")
            yield (
                n,
                values["rule"],
                values["organisation_id"],
                values["also_visible_to_id"],
                values["subject_type"],
                values["subject_id"],
                values["subject_label"],
                values["recipient"],
                values["starts_on"],
                values["period"],
                values["period_start"],
                values["period_end"],
                values["nominal_due"],
                values["due_on"],
                explanation,
                status,
                met_on,
                met_by[0],
                met_by[1],
                "",
                now,
                now,
            )

    return load.insert(Obligation._meta.db_table, columns, rows())


class _Quiet:
    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def _password_hash() -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


def _clinic_name(i: int) -> str:
    return f"架空再生クリニック{i}"


def _classifications() -> dict[tuple[str, str], tuple[str, str, str]]:
    """The law engine's classification of each plan shape, as the plan stores it."""
    from saisei.law import ClassificationAnswers, classify
    from saisei.plans.demo import ANSWERS

    # The demo's answers for each class (saisei.plans.demo: rules 9, 6 and 5 of the
    # classification), as of a day under the current regime, checked against each shape's class.
    by_class = {"III": ANSWERS["prp_skin"], "II": ANSWERS["adipose"], "I": ANSWERS["allogeneic"]}
    out = {}
    for therapy, risk_class, *_rest in PLAN_SHAPES:
        answers = ClassificationAnswers.from_mapping({**by_class[risk_class], "date": "2025-06-01"})
        result = classify(answers)
        if result.risk_class is None or result.risk_class.value != risk_class:
            raise AssertionError(
                f"{therapy}: the law engine says {result.risk_class}, not {risk_class}"
            )
        out[therapy, risk_class] = (
            json.dumps(answers.to_dict(), ensure_ascii=False, default=str),
            json.dumps(result.to_record(), ensure_ascii=False, default=str),
            result.rule,
        )
    return out


def scale_label(scale: float) -> str:
    return f"{scale:g}x"
